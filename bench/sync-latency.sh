#!/usr/bin/env bash
# Lead sync latency: from the filter's 200 for a lead_created to the lead's row in aurora_leads.
# Usage: bench/sync-latency.sh [LEADS]   (runs on SQLite and on the PostgreSQL at 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
leads="${1:-100}"
mvn -B -q -DskipTests -pl reconciler-module -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="reconciler-module/target/test-classes:reconciler-module/target/classes:servlet-module/target/test-classes:servlet-module/target/classes:$(cat reconciler-module/target/bench-classpath.txt)"
for db in sqlite postgresql; do
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider \
    -cp "$cp" org.aurorawebhooks.bench.SyncLatencyBenchmark "$leads" "$db"
done
