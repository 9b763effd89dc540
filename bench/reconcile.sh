#!/usr/bin/env bash
# Reconcile efficiency benchmark: N leads in a simulated Aurora, 1% changed and 1% never delivered,
# 0.5% touched in the window; the reconcile runs through the CLI in a child JVM capped at -Xmx256m.
# Usage: bench/reconcile.sh [N ...]   (default: 10000 100000)   RATE=3000 bench/reconcile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${RATE:-3000}"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
mvn -B -q -DskipTests -pl reconciler-module -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="reconciler-module/target/test-classes:reconciler-module/target/classes:servlet-module/target/classes:$(cat reconciler-module/target/bench-classpath.txt)"
for n in "${sizes[@]}"; do
  java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider \
    -cp "$cp" org.aurorawebhooks.bench.ReconcileBenchmark "$n" "$rate"
done
