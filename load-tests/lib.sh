# Shared by the load-tests/run-*.sh scripts: build, free loopback ports, `./harbormaster up` started and waited
# for, hollow agents, a private Docker engine, and one cleanup on exit that stops by pid what the script started.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   hm_init run-foo hm-foo          # cd to the checkout, temporary HM_WORK (data in HM_DATA), traps
#   hm_build                        # classes + target/test-classpath.txt; HM_CP is the benchmarks' classpath
#   hm_start_up "$HM_WORK/up.log" --no-agent   # on free ports: HM_PORT, HM_CASSANDRA_PORT (+1), HM_CLUSTER_PORT
#   java -cp "$HM_CP" io.harbormaster.loadtest.SomeBenchmark "$HM_DATA/env" ...
#
# Cleanup (on exit, also after a failure, Ctrl-C or SIGTERM): the processes registered with hm_track (hollow agents,
# helpers), then `up` (SIGTERM, SIGKILL after 90 s) and a check that the very Cassandra it started is gone (SIGTERM,
# then SIGKILL of that pid only if not), then the private Docker engine (scripts/stop-docker.sh, by its pid file).
# HM_WORK is deleted unless the run failed or KEEP_DATA is set (other than 0); then its path is printed.
# Nothing is found by name: every pid is one this script started or one its `up` wrote into HM_DATA.

# ---- set-up ----

hm_init() { # script name (log prefix), prefix of the temporary directory
  HM_NAME="$1"
  HM_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$HM_HOME"
  HM_WORK="$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")"
  HM_DATA="$HM_WORK/data"
  HM_UP_PID=""
  HM_CASSANDRA_PID=""
  HM_DOCKER_DIR=""
  HM_PIDS=()
  HM_TAKEN_PORTS=" "
  HM_PORT=""
  trap hm_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

hm_log() {
  echo "[$HM_NAME] $*" >&2
}

# Main and test classes (load-tests/src is a test source root of the pom), target/runtime-classpath.txt (what
# ./harbormaster runs with; without it, it would build by itself while we wait) and target/test-classpath.txt.
# Offline first; online when a dependency is missing from the local repository.
hm_build() {
  local args=(-q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
    -Dmdep.includeScope=test)
  hm_log "building (package, classpaths) ..."
  ./mvnw -o "${args[@]}" >&2 || ./mvnw "${args[@]}" >&2
  touch target/runtime-classpath.txt
  HM_CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
}

# ---- free loopback ports ----

hm_port_free() { # port
  local p=$1
  if command -v ss >/dev/null 2>&1 && ss -Htan "( sport = :$p )" 2>/dev/null | grep -q .; then return 1; fi
  # a connection that succeeds means somebody listens there
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 1; fi
  return 0
}

hm_pick_port() { # variable to set, how many consecutive ports (default 1); never one this script picked before
  local var=$1 n=${2:-1} p i ok
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    ok=1
    for ((i = 0; i < n; i++)); do
      if [[ "$HM_TAKEN_PORTS" == *" $((p + i)) "* ]] || ! hm_port_free $((p + i)); then ok=0; break; fi
    done
    if ((ok)); then
      for ((i = 0; i < n; i++)); do HM_TAKEN_PORTS+="$((p + i)) "; done
      printf -v "$var" '%s' "$p"
      return 0
    fi
  done
  hm_log "no free port found"
  return 1
}

hm_pick_ports() { # the ports of `up`: API, Cassandra (native and, on the next port, storage), Pekko cluster
  hm_pick_port HM_PORT 1
  hm_pick_port HM_CASSANDRA_PORT 2
  hm_pick_port HM_CLUSTER_PORT 1
  HM_ENDPOINT="http://127.0.0.1:$HM_PORT"
}

# ---- processes ----

hm_alive() { # pid
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null
}

hm_wait_gone() { # pid, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do hm_alive "$1" || return 0; sleep 0.1; done
  return 1
}

hm_stop_pid() { # pid, seconds before SIGKILL (default 60); status 1 when it had to be killed
  local pid=$1 limit=${2:-60}
  hm_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  hm_wait_gone "$pid" "$limit" && return 0
  hm_log "pid $pid still runs $limit s after SIGTERM: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  hm_wait_gone "$pid" 10 || true
  return 1
}

hm_track() { # pid of a process this script started: stopped by the cleanup unless stopped before
  HM_PIDS+=("$1")
}

hm_stop_tracked() { # stops every tracked process, the newest first
  local i status=0
  for ((i = ${#HM_PIDS[@]} - 1; i >= 0; i--)); do hm_stop_pid "${HM_PIDS[i]}" || status=1; done
  HM_PIDS=()
  return $status
}

# ---- harbormaster up ----

hm_is_our_cassandra() { # pid: true when it is the Cassandra of HM_DATA (not a pid the system reused)
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "cassandra.storagedir=$HM_DATA/cassandra"
}

hm_find_cassandra() { # sets HM_CASSANDRA_PID from the pid file `up` keeps, if that pid is our live Cassandra
  local file="$HM_DATA/cassandra/cassandra.pid" pid
  [ -s "$file" ] || return 0
  pid="$(cat "$file")"
  if hm_alive "$pid" && hm_is_our_cassandra "$pid"; then HM_CASSANDRA_PID="$pid"; fi
}

# Starts `./harbormaster up` on HM_DATA with the given extra arguments (e.g. --no-agent, --docker-host), output to
# the log file, on the ports of hm_pick_ports (picked at the first start; a restart on the same data dir reuses
# them); HARBORMASTER_JAVA_OPTS reaches its JVM. Returns once it printed "Harbormaster is up" and wrote its env
# file; exits the script (with the log's tail) when it dies or is not up within 300 s. Sets HM_UP_PID
# (./harbormaster execs java: the server JVM) and HM_CASSANDRA_PID.
hm_start_up() { # log file, extra `up` arguments...
  local log=$1 i
  shift
  [ -n "$HM_PORT" ] || hm_pick_ports
  hm_log "starting ./harbormaster up: API $HM_PORT, Cassandra $HM_CASSANDRA_PORT (+1), cluster $HM_CLUSTER_PORT," \
    "data $HM_DATA"
  ./harbormaster up --data-dir "$HM_DATA" --port "$HM_PORT" --cassandra-port "$HM_CASSANDRA_PORT" \
    --cluster-port "$HM_CLUSTER_PORT" "$@" >"$log" 2>&1 &
  HM_UP_PID=$!
  HM_CASSANDRA_PID=""
  for ((i = 0; i < 3000; i++)); do
    [ -n "$HM_CASSANDRA_PID" ] || hm_find_cassandra
    if grep -q "Harbormaster is up" "$log" && grep -q HARBORMASTER_ENDPOINT "$HM_DATA/env" 2>/dev/null; then break; fi
    if ! hm_alive "$HM_UP_PID"; then
      hm_log "harbormaster up exited during start-up:"
      tail -60 "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  if ! grep -q "Harbormaster is up" "$log"; then
    hm_log "harbormaster up is not up after 300 s:"
    tail -60 "$log" >&2
    exit 1
  fi
  [ -n "$HM_CASSANDRA_PID" ] || hm_find_cassandra
  if [ -z "$HM_CASSANDRA_PID" ]; then
    hm_log "harbormaster up is up, but its Cassandra's pid is not in $HM_DATA/cassandra/cassandra.pid"
    exit 1
  fi
  hm_log "up: server pid $HM_UP_PID, Cassandra pid $HM_CASSANDRA_PID, endpoint $HM_ENDPOINT, env $HM_DATA/env"
}

# SIGTERM to `up` (its shutdown hook stops its agent and its Cassandra), SIGKILL after 90 s; then checks that the
# Cassandra it started is gone (SIGTERM, then SIGKILL, of that pid only if not). Status 1 when anything had to be
# killed or still runs.
hm_stop_up() {
  local status=0
  if hm_alive "$HM_UP_PID"; then
    hm_log "stopping harbormaster up (pid $HM_UP_PID) with SIGTERM ..."
    hm_stop_pid "$HM_UP_PID" 90 || status=1
  fi
  HM_UP_PID=""
  [ -n "$HM_CASSANDRA_PID" ] || hm_find_cassandra
  if [ -n "$HM_CASSANDRA_PID" ]; then
    if ! hm_wait_gone "$HM_CASSANDRA_PID" 40 && hm_is_our_cassandra "$HM_CASSANDRA_PID"; then
      hm_log "Cassandra (pid $HM_CASSANDRA_PID) outlived harbormaster up: SIGTERM, then SIGKILL"
      hm_stop_pid "$HM_CASSANDRA_PID" 30 || true
      status=1
    fi
    if hm_alive "$HM_CASSANDRA_PID" && hm_is_our_cassandra "$HM_CASSANDRA_PID"; then
      hm_log "Cassandra (pid $HM_CASSANDRA_PID) is STILL running"
      status=1
    else
      hm_log "Cassandra (pid $HM_CASSANDRA_PID) is gone"
    fi
  fi
  HM_CASSANDRA_PID=""
  return $status
}

# ---- agents and engines ----

# `CLASS prepare HM_DATA/env bench` (the benchmark creates cluster `bench`), then hm_start_hollow_fleet bench ...
hm_prepare_hollow_fleet() { # benchmark class (io.harbormaster.loadtest.X), hosts, batch, pause_s, start latency
  java -cp "$HM_CP" "$1" prepare "$HM_DATA/env" bench
  hm_start_hollow_fleet bench "$2" "$3" "$4" "$5"
}

# `./harbormaster agent --runtime hollow` processes for HOSTS hosts of 4096 CPU / 16384 MiB, BATCH hosts per process,
# one process every PAUSE_S seconds (a whole fleet registering at once times out on a small machine). Logs
# HM_WORK/agent-N.log; each pid is tracked.
hm_start_hollow_fleet() { # cluster, hosts, batch, pause_s, hollow start latency
  local cluster=$1 left=$2 batch=$3 pause=$4 latency=$5 n i=0
  while [ "$left" -gt 0 ]; do
    n=$((left < batch ? left : batch))
    while [ -e "$HM_WORK/agent-$i.log" ]; do i=$((i + 1)); done
    HARBORMASTER_JAVA_OPTS="-Xmx512m" ./harbormaster agent --runtime hollow --hosts "$n" --cluster "$cluster" \
      --env "$HM_DATA/env" --endpoint "$HM_ENDPOINT" --hollow-cpu 4096 --hollow-memory 16384 \
      --hollow-start-latency "$latency" >"$HM_WORK/agent-$i.log" 2>&1 &
    hm_track "$!"
    echo "hollow agent pid $! ($n hosts)" >&2
    left=$((left - n))
    if [ "$left" -gt 0 ]; then sleep "$pause"; fi
  done
}

# A private Docker engine under HM_WORK/docker (scripts/ensure-docker.sh --test-image; never the machine's own
# engine), stopped by the cleanup. Sets HM_DOCKER_HOST. Environment given to the call reaches ensure-docker.sh.
hm_start_private_docker() {
  HM_DOCKER_DIR="$HM_WORK/docker"
  HM_DOCKER_HOST="$(DOCKER_HOST=unix:///nonexistent scripts/ensure-docker.sh --test-image "$HM_DOCKER_DIR")"
  echo "private engine: $HM_DOCKER_HOST" >&2
}

# ---- cleanup ----

hm_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  hm_stop_tracked || true
  hm_stop_up || rc=1
  if [ -n "$HM_DOCKER_DIR" ]; then
    # containers the benchmark or the agent left are removed with the engine's state
    scripts/stop-docker.sh "$HM_DOCKER_DIR" || hm_log "scripts/stop-docker.sh $HM_DOCKER_DIR failed"
  fi
  if [ "${KEEP_DATA:-0}" != 0 ] || [ "$rc" -ne 0 ]; then
    hm_log "data, logs and output kept in $HM_WORK"
  else
    rm -rf "$HM_WORK" 2>/dev/null || hm_log "could not delete all of $HM_WORK"
  fi
  exit "$rc"
}
