#!/usr/bin/env bash
# The "Foundation" benchmark in one command: builds, starts `./harbormaster up` (embedded Cassandra + one node)
# on free loopback ports with a temporary data directory, runs ApiThroughputBenchmark against it, stops `up`
# with SIGTERM by PID (and checks that its Cassandra is gone), then prints the figures again.
#
#   load-tests/run-api-benchmark.sh [benchmark options, e.g. --concurrency 32 --duration 15s --rounds 3]
#
# Environment: KEEP_DATA=1 keeps the temporary data directory (logs, Cassandra data) after the run.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hm_init run-api-benchmark harbormaster-bench

hm_build
hm_start_up "$HM_WORK/up.log" --no-agent

# ---- run the benchmark ----
out="$HM_HOME/target/api-benchmark-$(date -u +%Y%m%dT%H%M%SZ).txt"
set +e
java -Xms512m -Xmx1g -cp "$HM_CP" io.harbormaster.loadtest.ApiThroughputBenchmark \
  --env-file "$HM_DATA/env" --cassandra "127.0.0.1:$HM_CASSANDRA_PORT" \
  --app-pid "$HM_UP_PID" --cassandra-pid "$HM_CASSANDRA_PID" "$@" | tee "$out"
bench_rc=${PIPESTATUS[0]}
set -e

hm_stop_up || bench_rc=1

echo
echo "================ figures (also in $out) ================"
sed -n '/^==== Summary/,$p' "$out"
exit "$bench_rc"
