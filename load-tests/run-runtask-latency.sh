#!/usr/bin/env bash
# RunTask -> RUNNING latency on real Docker against raw docker-java create+start (same run).
#
#   load-tests/run-runtask-latency.sh [COUNT=30] [WARMUP=3]   (warm-up tasks, not counted)
#
# Builds, starts a private Docker engine (scripts/ensure-docker.sh, with the test image), runs
# `./harbormaster up` on free ports with a temporary data dir and that engine, runs the benchmark, then stops
# `up` (it stops its Cassandra) and the engine by their pids.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-runtask-latency hm-latency
count="${1:-30}"
warmup="${2:-3}"

hm_build
hm_start_private_docker
hm_start_up "$HM_WORK/up.log" --docker-host "$HM_DOCKER_HOST"
grep "Local agent" "$HM_WORK/up.log" >&2

java -cp "$HM_CP" io.harbormaster.loadtest.RunTaskLatencyBenchmark "$HM_DATA/env" "$HM_DOCKER_HOST" "$count" default \
  "$warmup"
