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
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-service-startup hm-svcstartup
tasks="${1:-50}"
runs="${2:-3}"
warmups="${3:-1}"

hm_build
out="target/service-startup-$(date -u +%Y%m%dT%H%M%SZ).txt"
# DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: the Swarm reference uses the local image instead of asking Docker Hub
DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 hm_start_private_docker
hm_start_up "$HM_WORK/up.log" --docker-host "$HM_DOCKER_HOST"
grep "Local agent" "$HM_WORK/up.log" >&2

{
  echo "start: $(date -u +%FT%TZ), $(uptime)"
  java -cp "$HM_CP" io.harbormaster.loadtest.ServiceStartupBenchmark "$HM_DATA/env" "$HM_DOCKER_HOST" "$tasks" \
    "$runs" default "$warmups" "$HM_UP_PID" "$HM_CASSANDRA_PID"
  echo "end: $(date -u +%FT%TZ), $(uptime)"
} 2>&1 | tee "$out"
[ "${PIPESTATUS[0]}" -eq 0 ]
