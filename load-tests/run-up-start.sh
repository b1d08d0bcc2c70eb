#!/usr/bin/env bash
# How long `./harbormaster up --no-agent` takes until its banner ends ("Ctrl-C stops ..."), on a new data dir (first
# start) and again on the same one (second start), RUNS times; each `up` is stopped with SIGTERM once ready. Prints one
# line per start with the load average. No build: run ./harbormaster once before (it builds when sources changed).
#
#   load-tests/run-up-start.sh [RUNS=2] [CHECKOUT=this one]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-up-start hm-upstart
runs="${1:-2}"
checkout="$(cd "${2:-$HM_HOME}" && pwd)"
hm_pick_ports

start_once() { # data dir, label
  local data=$1 label=$2 log="$HM_WORK/${2// /-}.log" t0 pid ms
  t0=$EPOCHREALTIME
  (cd "$checkout" && exec ./harbormaster up --no-agent --data-dir "$data" --port "$HM_PORT" \
    --cassandra-port "$HM_CASSANDRA_PORT" --cluster-port "$HM_CLUSTER_PORT") >"$log" 2>&1 &
  pid=$!
  for ((i = 0; i < 3000; i++)); do
    grep -q "Ctrl-C stops" "$log" 2>/dev/null && break
    hm_alive "$pid" || { tail -40 "$log" >&2; exit 1; }
    sleep 0.05
  done
  ms=$(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))
  grep -q "Building Harbormaster" "$log" && label="$label (built first: not comparable)"
  printf '%-40s ready in %6d ms   load %s\n' "$label" "$ms" "$(cut -d' ' -f1-3 /proc/loadavg)"
  hm_stop_pid "$pid" 90 || true
  hm_wait_gone "$(cat "$data/cassandra/cassandra.pid" 2>/dev/null || true)" 40 || true
}

echo "checkout $checkout ($(cd "$checkout" && git rev-parse --short HEAD 2>/dev/null || echo '?')), $(date -u +%FT%TZ)"
for ((r = 1; r <= runs; r++)); do
  start_once "$HM_WORK/data-$r" "run $r first start"
  start_once "$HM_WORK/data-$r" "run $r second start"
done
