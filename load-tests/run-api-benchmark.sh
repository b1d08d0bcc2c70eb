#!/usr/bin/env bash
# The "Foundation" benchmark in one command: builds, starts `./harbormaster up` (embedded Cassandra + one node)
# on free loopback ports with a temporary data directory, runs ApiThroughputBenchmark against it, stops `up`
# with SIGTERM by PID (and checks that its Cassandra is gone), then prints the figures again.
#
#   load-tests/run-api-benchmark.sh [benchmark options, e.g. --concurrency 32 --duration 15s --rounds 3]
#
# Environment: KEEP_DATA=1 keeps the temporary data directory (logs, Cassandra data) after the run.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"

log() { echo "[run-api-benchmark] $*" >&2; }

# ---- build: main + test classes (load-tests/src is a test source root), and both classpaths ----
log "building (test-compile, classpaths) ..."
# dependency:build-classpath@runtime-classpath is the pom's own execution: target/runtime-classpath.txt, which
# ./harbormaster needs (without it, it would run a full package build of its own while we wait).
./mvnw -q -DskipTests test-compile dependency:build-classpath@runtime-classpath
./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
touch target/runtime-classpath.txt

# ---- free loopback ports (a port and the next one for Cassandra: native + storage) ----
port_free() {
  local p=$1
  if command -v ss >/dev/null 2>&1 && ss -Htan "( sport = :$p )" 2>/dev/null | grep -q .; then return 1; fi
  # a connection that succeeds means somebody listens there
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 1; fi
  return 0
}
taken=" "
pick_port() { # $1: how many consecutive ports
  local n=${1:-1} p i ok
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    ok=1
    for ((i = 0; i < n; i++)); do
      if [[ "$taken" == *" $((p + i)) "* ]] || ! port_free $((p + i)); then ok=0; break; fi
    done
    if ((ok)); then
      for ((i = 0; i < n; i++)); do taken+="$((p + i)) "; done
      echo "$p"
      return 0
    fi
  done
  log "no free port found"; return 1
}
api_port=$(pick_port 1)
cassandra_port=$(pick_port 2)
cluster_port=$(pick_port 1)

data_dir=$(mktemp -d "${TMPDIR:-/tmp}/harbormaster-bench.XXXXXX")
up_log="$data_dir/up.log"
up_pid=""
cassandra_pid=""

pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

wait_gone() { # $1 pid, $2 seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do pid_alive "$1" || return 0; sleep 0.1; done
  return 1
}

stop_up() {
  local status=0
  if pid_alive "$up_pid"; then
    log "stopping harbormaster up (pid $up_pid) with SIGTERM ..."
    kill -TERM "$up_pid" 2>/dev/null || true
    if ! wait_gone "$up_pid" 90; then
      log "harbormaster up (pid $up_pid) still runs after 90 s: SIGKILL"
      kill -KILL "$up_pid" 2>/dev/null || true
      wait_gone "$up_pid" 10 || true
      status=1
    fi
  fi
  if [ -z "$cassandra_pid" ] && [ -f "$data_dir/cassandra/cassandra.pid" ]; then
    cassandra_pid=$(cat "$data_dir/cassandra/cassandra.pid")
  fi
  if [ -n "$cassandra_pid" ]; then
    # up's shutdown hook stops its Cassandra; check that the very process it started is gone.
    if ! wait_gone "$cassandra_pid" 40; then
      log "Cassandra (pid $cassandra_pid) outlived harbormaster up: SIGTERM, then SIGKILL"
      kill -TERM "$cassandra_pid" 2>/dev/null || true
      wait_gone "$cassandra_pid" 30 || { kill -KILL "$cassandra_pid" 2>/dev/null || true; wait_gone "$cassandra_pid" 10 || true; }
      status=1
    fi
    if pid_alive "$cassandra_pid"; then
      log "Cassandra (pid $cassandra_pid) is STILL running"
      status=1
    else
      log "Cassandra (pid $cassandra_pid) is gone"
    fi
  fi
  return $status
}

stopped=0
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$stopped" = 0 ]; then stop_up || rc=1; fi
  if [ "${KEEP_DATA:-0}" = 1 ] || [ $rc -ne 0 ]; then
    log "data, logs and output kept in $data_dir"
  else
    rm -rf "$data_dir"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- start harbormaster up ----
log "starting ./harbormaster up: API $api_port, Cassandra $cassandra_port (+1), cluster $cluster_port, data $data_dir"
./harbormaster up --no-agent --data-dir "$data_dir" --port "$api_port" --cassandra-port "$cassandra_port" \
  --cluster-port "$cluster_port" >"$up_log" 2>&1 &
up_pid=$!   # ./harbormaster execs java: this is the server JVM

for ((i = 0; i < 3000; i++)); do
  if [ -s "$data_dir/env" ] && grep -q HARBORMASTER_ENDPOINT "$data_dir/env"; then break; fi
  if ! pid_alive "$up_pid"; then log "harbormaster up exited during start-up:"; tail -40 "$up_log" >&2; exit 1; fi
  sleep 0.1
done
if ! [ -s "$data_dir/env" ]; then log "no env file after 300 s:"; tail -40 "$up_log" >&2; exit 1; fi
cassandra_pid=$(cat "$data_dir/cassandra/cassandra.pid")
log "up: server pid $up_pid, Cassandra pid $cassandra_pid; env file $data_dir/env"

# ---- run the benchmark ----
out="$home/target/api-benchmark-$(date -u +%Y%m%dT%H%M%SZ).txt"
set +e
java -Xms512m -Xmx1g \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.harbormaster.loadtest.ApiThroughputBenchmark \
  --env-file "$data_dir/env" --cassandra "127.0.0.1:$cassandra_port" \
  --app-pid "$up_pid" --cassandra-pid "$cassandra_pid" "$@" | tee "$out"
bench_rc=${PIPESTATUS[0]}
set -e

stop_up || bench_rc=1
stopped=1

echo
echo "================ figures (also in $out) ================"
sed -n '/^==== Summary/,$p' "$out"
exit "$bench_rc"
