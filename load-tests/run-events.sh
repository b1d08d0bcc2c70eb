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
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-events hm-events
hosts="${1:-50}"
duration="${2:-60}"
rates="${3:-20,40,60}"

hm_build
hm_start_up "$HM_WORK/up.log" --no-agent

hm_prepare_hollow_fleet io.harbormaster.loadtest.EventLatencyBenchmark "$hosts" "$hosts" 0 PT0.05S
java -cp "$HM_CP" io.harbormaster.loadtest.EventLatencyBenchmark run "$HM_DATA/env" bench "$hosts" "$duration" "$rates"
