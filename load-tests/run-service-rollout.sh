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
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-service-rollout hm-svcrollout
hosts="${1:-500}"
tasks="${2:-5000}"
min_healthy="${3:-100}"
max_percent="${4:-200}"
start_latency="${5:-PT0.01S}"
batch="${6:-100}"
batch_pause="${7:-10}"

hm_build
out="target/service-rollout-$(date -u +%Y%m%dT%H%M%SZ).txt"
hm_start_up "$HM_WORK/up.log" --no-agent

hm_prepare_hollow_fleet io.harbormaster.loadtest.ServiceRolloutBenchmark "$hosts" "$batch" "$batch_pause" "$start_latency"

{
  echo "start: $(date -u +%FT%TZ), $(uptime)"
  java -cp "$HM_CP" io.harbormaster.loadtest.ServiceRolloutBenchmark run "$HM_DATA/env" bench "$hosts" "$tasks" \
    "$HM_UP_PID" "$HM_CASSANDRA_PID" "$min_healthy" "$max_percent"
  echo "end: $(date -u +%FT%TZ), $(uptime)"
} 2>&1 | tee "$out"
