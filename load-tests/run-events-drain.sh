#!/usr/bin/env bash
# The webhook delivery rate alone: a backlog produced with hooks off, delivered after a restart with hooks on.
#
#   load-tests/run-events-drain.sh [HOSTS=50] [DURATION_S=60] [TASKS_PER_S=60]
#
# 1. `up --no-agent` with -Dharbormaster.events.hooks.enabled=false, a hollow fleet, EventLatencyBenchmark produce
#    (a rule for ECS Task State Change to a port picked here, then churn); the agent and `up` are stopped.
# 2. `up` again on the same data dir with hooks on; EventLatencyBenchmark drain listens on that port and times the
#    backlog's delivery (the dispatchers start from no stored offset: they read every tag from its start).
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
hosts="${1:-50}"
duration="${2:-60}"
rate="${3:-60}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

./mvnw -q -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >&2

work="$(mktemp -d /tmp/hm-drain.XXXXXX)"
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

port="$(free_port)"; cport="$(free_port)"; clport="$(free_port)"; rport="$(free_port)"
start_up() { # log
  ./harbormaster up --no-agent --data-dir "$work/data" --port "$port" --cassandra-port "$cport" \
    --cluster-port "$clport" >"$1" 2>&1 &
  up_pid=$!
  for _ in $(seq 180); do
    grep -q "Harbormaster is up" "$1" && return 0
    kill -0 "$up_pid" 2>/dev/null || { cat "$1" >&2; exit 1; }
    sleep 1
  done
}
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

HARBORMASTER_JAVA_OPTS="-Dharbormaster.events.hooks.enabled=false" start_up "$work/up1.log"
java -cp "$cp" io.harbormaster.loadtest.EventLatencyBenchmark prepare "$work/data/env" bench
HARBORMASTER_JAVA_OPTS="-Xmx512m" ./harbormaster agent --runtime hollow --hosts "$hosts" --cluster bench \
  --env "$work/data/env" --endpoint "http://127.0.0.1:$port" --hollow-cpu 4096 --hollow-memory 16384 \
  --hollow-start-latency PT0.05S >"$work/agent.log" 2>&1 &
agent_pid=$!
java -cp "$cp" io.harbormaster.loadtest.EventLatencyBenchmark produce "$work/data/env" bench "$hosts" "$duration" \
  "$rate" "$rport"
stop_pid "$agent_pid"; agent_pid=""
stop_pid "$up_pid"; up_pid=""

# the receiver listens before the node starts delivering
java -cp "$cp" io.harbormaster.loadtest.EventLatencyBenchmark drain "$work/data/env" bench "$rport" 20 &
drain_pid=$!
sleep 3
start_up "$work/up2.log"
wait "$drain_pid"
