#!/usr/bin/env bash
# A service of TASKS tasks on a hollow fleet of HOSTS hosts: CreateService -> steady state, then a full rolling
# update -> steady state; tasks launched per second, maximumPercent and over-commit checks.
#
#   load-tests/run-service-rollout.sh [HOSTS=500] [TASKS=5000] [MIN_HEALTHY=100] [MAX_PERCENT=200] \
#       [HOLLOW_START_LATENCY=PT0.01S] [BATCH=100] [BATCH_PAUSE_S=10]
#
# The fleet joins in batches (BATCH hosts per `harbormaster agent --runtime hollow` process, one process every
# BATCH_PAUSE_S seconds), as run-placement.sh does: a whole fleet registering at once times out on this machine.
# Builds, runs `./harbormaster up --no-agent` on free ports with a temporary data dir, creates cluster `bench`,
# starts the fleet, runs ServiceRolloutBenchmark, then stops the agents and `up` (which stops its Cassandra) by
# their pids. The output is also written to target/service-rollout-<UTC time>.txt.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
hosts="${1:-500}"
tasks="${2:-5000}"
min_healthy="${3:-100}"
max_percent="${4:-200}"
start_latency="${5:-PT0.01S}"
batch="${6:-100}"
batch_pause="${7:-10}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

./mvnw -q -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >&2 || ./mvnw -q -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2

work="$(mktemp -d /tmp/hm-svcrollout.XXXXXX)"
out="target/service-rollout-$(date -u +%Y%m%dT%H%M%SZ).txt"
up_pid=""
agent_pids=()
stop_pid() { # pid: SIGTERM, wait up to 60 s, then SIGKILL
  local pid="$1"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  for p in "${agent_pids[@]}"; do stop_pid "$p"; done
  stop_pid "$up_pid"
  [ -n "${KEEP_DATA:-}" ] || rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

port="$(free_port)"; cport="$(free_port)"; clport="$(free_port)"
./harbormaster up --no-agent --data-dir "$work/data" --port "$port" --cassandra-port "$cport" \
  --cluster-port "$clport" >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 180); do
  grep -q "Harbormaster is up" "$work/up.log" && break
  kill -0 "$up_pid" 2>/dev/null || { cat "$work/up.log" >&2; exit 1; }
  sleep 1
done
cassandra_pid="$(pgrep -f "cassandra.storagedir=$work/data/cassandra" | head -1)"
echo "server pid $up_pid, Cassandra pid $cassandra_pid, endpoint http://127.0.0.1:$port" >&2

cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -cp "$cp" io.harbormaster.loadtest.ServiceRolloutBenchmark prepare "$work/data/env" bench

left="$hosts"; i=0
while [ "$left" -gt 0 ]; do
  n=$(( left < batch ? left : batch ))
  HARBORMASTER_JAVA_OPTS="-Xmx512m" ./harbormaster agent --runtime hollow --hosts "$n" --cluster bench \
    --env "$work/data/env" --endpoint "http://127.0.0.1:$port" --hollow-cpu 4096 --hollow-memory 16384 \
    --hollow-start-latency "$start_latency" >"$work/agent-$i.log" 2>&1 &
  agent_pids+=("$!")
  echo "hollow agent pid $! ($n hosts)" >&2
  left=$(( left - n )); i=$(( i + 1 ))
  [ "$left" -gt 0 ] && sleep "$batch_pause"
done

{
  echo "start: $(date -u +%FT%TZ), $(uptime)"
  java -cp "$cp" io.harbormaster.loadtest.ServiceRolloutBenchmark run "$work/data/env" bench "$hosts" "$tasks" \
    "$up_pid" "$cassandra_pid" "$min_healthy" "$max_percent"
  echo "end: $(date -u +%FT%TZ), $(uptime)"
} 2>&1 | tee "$out"
