#!/usr/bin/env bash
# A service of TASKS busybox tasks on real Docker, CreateService -> steady state, against raw docker-java
# create+start of the same containers and against Docker Swarm mode on the same engine (same run, alternating),
# RUNS runs.
#
#   load-tests/run-service-startup.sh [TASKS=50] [RUNS=3] [WARMUPS=1]   (full-size warm-up runs, not counted)
#
# Builds, starts a private Docker engine (scripts/ensure-docker.sh, with the test image), runs
# `./harbormaster up` on free ports with a temporary data dir and that engine (its local agent runs the tasks),
# runs ServiceStartupBenchmark, then stops `up` (it stops its Cassandra) and the engine by their pids.
# The output is also written to target/service-startup-<UTC time>.txt.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$home"
tasks="${1:-50}"
runs="${2:-3}"
warmups="${3:-1}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

./mvnw -q -o -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >&2 || ./mvnw -q -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2

work="$(mktemp -d /tmp/hm-svcstartup.XXXXXX)"
docker_dir="$work/docker"
out="target/service-startup-$(date -u +%Y%m%dT%H%M%SZ).txt"
up_pid=""
cleanup() {
  if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
    kill "$up_pid"; for _ in $(seq 60); do kill -0 "$up_pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$up_pid" 2>/dev/null && kill -9 "$up_pid" 2>/dev/null || true
  fi
  # containers the raw half or the agent left are removed with the engine's state
  scripts/stop-docker.sh "$docker_dir" || true
  [ -n "${KEEP_DATA:-}" ] || rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

# DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: the Swarm reference uses the local image instead of asking Docker Hub
dh="$(DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 DOCKER_HOST=unix:///nonexistent scripts/ensure-docker.sh --test-image "$docker_dir")"
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
cassandra_pid="$(pgrep -f "cassandra.storagedir=$work/data/cassandra" | head -1)"

{
  echo "start: $(date -u +%FT%TZ), $(uptime)"
  java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    io.harbormaster.loadtest.ServiceStartupBenchmark "$work/data/env" "$dh" "$tasks" "$runs" default "$warmups" \
    "$up_pid" "$cassandra_pid"
  echo "end: $(date -u +%FT%TZ), $(uptime)"
} 2>&1 | tee "$out"
[ "${PIPESTATUS[0]}" -eq 0 ]
