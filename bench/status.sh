#!/usr/bin/env bash
# Console cost: _status, _dashboard and _metrics timed (median and p90 of CALLS calls over loopback, after 20 warm-up
# calls) against a database holding N recorded deliveries over 90 days (default 1,000,000), in SQLite and PostgreSQL.
# Usage: bench/status.sh [N] [CALLS]   PostgreSQL from AURORA_TEST_POSTGRES_URL (default 127.0.0.1:5432/test, user postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
calls="${2:-50}"
mvn -B -q -DskipTests -pl servlet-module -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="servlet-module/target/test-classes:servlet-module/target/classes:$(cat servlet-module/target/bench-classpath.txt)"
for kind in sqlite postgresql; do
  java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" org.aurorawebhooks.bench.StatusBenchmark "$kind" "$n" "$calls"
done
