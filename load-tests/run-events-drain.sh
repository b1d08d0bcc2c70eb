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
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-events-drain hm-drain
hosts="${1:-50}"
duration="${2:-60}"
rate="${3:-60}"

hm_build
hm_pick_ports
hm_pick_port receiver_port

HARBORMASTER_JAVA_OPTS="-Dharbormaster.events.hooks.enabled=false" hm_start_up "$HM_WORK/up1.log" --no-agent
hm_prepare_hollow_fleet io.harbormaster.loadtest.EventLatencyBenchmark "$hosts" "$hosts" 0 PT0.05S
java -cp "$HM_CP" io.harbormaster.loadtest.EventLatencyBenchmark produce "$HM_DATA/env" bench "$hosts" "$duration" \
  "$rate" "$receiver_port"
hm_stop_tracked || true
hm_stop_up || hm_log "the first up did not stop cleanly; going on"

# the receiver listens before the node starts delivering
java -cp "$HM_CP" io.harbormaster.loadtest.EventLatencyBenchmark drain "$HM_DATA/env" bench "$receiver_port" 20 &
drain_pid=$!
hm_track "$drain_pid"
sleep 3
hm_start_up "$HM_WORK/up2.log" --no-agent
wait "$drain_pid"
