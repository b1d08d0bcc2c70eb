#!/usr/bin/env bash
# Webhook latency and delivery rate while a hollow fleet churns tasks (io.harbormaster.loadtest.EventLatencyBenchmark).
#
#   load-tests/run-events.sh [HOSTS=50] [DURATION_S=60] [TASKS_PER_S=20,40,60]
#
# Builds, runs `./harbormaster up --no-agent` on free ports with a temporary data dir, creates cluster `bench`,
# starts one `./harbormaster agent --runtime hollow --hosts HOSTS` process, runs one phase per rate, then stops the
# agent and `up` (which stops its Cassandra) by their pids. A task of the benchmark publishes about 5 task state
# changes (PENDING, container RUNNING, RUNNING, container STOPPED, STOPPED), so 20 tasks/s is ~100 changes/s.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
hosts="${1:-50}"
duration="${2:-60}"
rates="${3:-20,40,60}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

./mvnw -q -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >&2

work="$(mktemp -d /tmp/hm-events.XXXXXX)"
up_pid=""
agent_pid=""
stop_pid() { # pid: SIGTERM, wait up to 60 s
  local pid="$1"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
cleanup() { stop_pid "$agent_pid"; stop_pid "$up_pid"; rm -rf "$work"; }
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
echo "server pid $up_pid, endpoint http://127.0.0.1:$port" >&2

cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java -cp "$cp" io.harbormaster.loadtest.EventLatencyBenchmark prepare "$work/data/env" bench
HARBORMASTER_JAVA_OPTS="-Xmx512m" ./harbormaster agent --runtime hollow --hosts "$hosts" --cluster bench \
  --env "$work/data/env" --endpoint "http://127.0.0.1:$port" --hollow-cpu 4096 --hollow-memory 16384 \
  --hollow-start-latency PT0.05S >"$work/agent.log" 2>&1 &
agent_pid=$!
echo "hollow agent pid $agent_pid ($hosts hosts)" >&2

java -cp "$cp" io.harbormaster.loadtest.EventLatencyBenchmark run "$work/data/env" bench "$hosts" "$duration" "$rates"
