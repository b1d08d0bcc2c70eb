#!/usr/bin/env bash
# Placement throughput on a hollow fleet, with the raw Cassandra and bare-entity ceilings in the same run.
#
#   load-tests/run-placement.sh [HOSTS=1000] [TASKS=20000] [IN_FLIGHT=32] [HOLLOW_START_LATENCY=PT0.01S] \
#       [BATCH=50] [BATCH_PAUSE_S=15]
#
# The fleet joins in batches: BATCH hosts per `harbormaster agent --runtime hollow` process, one process every
# BATCH_PAUSE_S seconds. On this 2-core shared machine 250 hosts joining at once mostly time out in the server
# (10 s ask timeout) and a refused hollow agent does not come back (see RESULTS-tasks.md).
#
# Builds, runs `./harbormaster up --no-agent` on free ports with a temporary data dir, creates cluster `bench`,
# starts `./harbormaster agent --runtime hollow --hosts HOSTS` as a separate process, runs the benchmark, then stops
# the agent and `up` (which stops its Cassandra) by their pids.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
hosts="${1:-1000}"
tasks="${2:-20000}"
in_flight="${3:-32}"
start_latency="${4:-PT0.01S}"
batch="${5:-50}"
batch_pause="${6:-15}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

./mvnw -q -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >&2 || ./mvnw -q -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2

work="$(mktemp -d /tmp/hm-placement.XXXXXX)"
up_pid=""
agent_pids=()
stop_pid() { # pid: SIGTERM, wait up to 60 s
  local pid="$1"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
cleanup() { for p in "${agent_pids[@]}"; do stop_pid "$p"; done; stop_pid "$up_pid"; }
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
java -cp "$cp" io.harbormaster.loadtest.PlacementThroughputBenchmark prepare "$work/data/env" bench

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

java -cp "$cp" io.harbormaster.loadtest.PlacementThroughputBenchmark run "$work/data/env" bench "$hosts" "$tasks" \
  "$cport" "$up_pid" "$cassandra_pid" "$in_flight"
