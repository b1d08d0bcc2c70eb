#!/usr/bin/env bash
# Cassandra's own count of partition writes and reads per table around one service launch of TASKS tasks on one
# hollow host and around its forced delete, per task; and the journal events of each phase by entity type, tagged
# or not (WriteCountBenchmark). load-tests/RESULTS-startup.md has the figures.
#
#   load-tests/run-write-count.sh [TASKS=50]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-write-count hm-writecount
tasks="${1:-50}"

hm_build
hm_start_up "$HM_WORK/up.log" --no-agent
hm_prepare_hollow_fleet io.harbormaster.loadtest.WriteCountBenchmark 1 1 0 PT0.01S
echo "start: $(date -u +%FT%TZ), $(uptime)"
java -cp "$HM_CP" io.harbormaster.loadtest.WriteCountBenchmark run "$HM_DATA/env" bench "$tasks" "$HM_CASSANDRA_PORT"
echo "end: $(date -u +%FT%TZ), $(uptime)"
