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
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-placement hm-placement
hosts="${1:-1000}"
tasks="${2:-20000}"
in_flight="${3:-32}"
start_latency="${4:-PT0.01S}"
batch="${5:-50}"
batch_pause="${6:-15}"

hm_build
hm_start_up "$HM_WORK/up.log" --no-agent

hm_prepare_hollow_fleet io.harbormaster.loadtest.PlacementThroughputBenchmark "$hosts" "$batch" "$batch_pause" "$start_latency"
java -cp "$HM_CP" io.harbormaster.loadtest.PlacementThroughputBenchmark run "$HM_DATA/env" bench "$hosts" "$tasks" \
  "$HM_CASSANDRA_PORT" "$HM_UP_PID" "$HM_CASSANDRA_PID" "$in_flight"
