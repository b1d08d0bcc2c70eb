#!/usr/bin/env bash
# RunTask -> RUNNING latency on real Docker against raw docker-java create+start (same run).
#
#   load-tests/run-runtask-latency.sh [COUNT=30] [WARMUP=3]   (warm-up tasks, not counted)
#
# Builds, starts a private Docker engine (scripts/ensure-docker.sh, with the test image), runs
# `./harbormaster up` on free ports with a temporary data dir and that engine, runs the benchmark, then stops
# `up` (it stops its Cassandra) and the engine by their pids.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
count="${1:-30}"
warmup="${2:-3}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

./mvnw -q -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >&2 || ./mvnw -q -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2

work="$(mktemp -d /tmp/hm-latency.XXXXXX)"
docker_dir="$work/docker"
up_pid=""
cleanup() {
  if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
    kill "$up_pid"; for _ in $(seq 60); do kill -0 "$up_pid" 2>/dev/null || break; sleep 1; done
  fi
  # containers the raw half or the agent left are removed with the engine's state
  scripts/stop-docker.sh "$docker_dir" || true
}
trap cleanup EXIT

dh="$(DOCKER_HOST=unix:///nonexistent scripts/ensure-docker.sh --test-image "$docker_dir")"
echo "private engine: $dh" >&2

port="$(free_port)"; cport="$(free_port)"; clport="$(free_port)"
./harbormaster up --data-dir "$work/data" --port "$port" --cassandra-port "$cport" --cluster-port "$clport" \
  --docker-host "$dh" >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 180); do
  grep -q "Harbormaster is up" "$work/up.log" && break
  kill -0 "$up_pid" 2>/dev/null || { cat "$work/up.log" >&2; exit 1; }
  sleep 1
done
grep "Local agent" "$work/up.log" >&2

java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.harbormaster.loadtest.RunTaskLatencyBenchmark "$work/data/env" "$dh" "$count" default "$warmup"
