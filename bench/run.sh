#!/usr/bin/env bash
# Measures SPEC §8's figures against the real jar on a fresh embedded PostgreSQL.
#   bench/run.sh           full run: prints the table, writes target/bench/results.json
#   bench/run.sh --quick   the same phases with small numbers, under a minute
set -euo pipefail
cd "$(dirname "$0")/.."

# BENCH_SKIP_BUILD=1 reuses the jars already built (scripts/test runs the quick mode right after mvn verify)
if [ "${BENCH_SKIP_BUILD:-}" != "1" ]; then
  mvn -B -q package -DskipTests
fi

if ! command -v pgbench >/dev/null 2>&1; then
  echo "pgbench not found: the create-throughput reference will be missing (apt-get install postgresql-client)" >&2
fi

exec java -Xss512k -cp hitl-gateway/target/hitl-gateway.jar:bench/target/hitl-bench.jar io.hitl.bench.BenchRunner "$@"
