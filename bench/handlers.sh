#!/usr/bin/env bash
# Handler benchmark (not a test: it prints numbers and pass/fail against the targets of issue 7, and
# exits 0 unless the benchmark itself could not run).
#
#   bash bench/handlers.sh
#
# One JVM (servlet-module/src/test/java/org/aurorawebhooks/bench/HandlerBenchServer.java) serves, per
# database, an ingest-only filter (s, p, m: no handler) and a filter with a no-op handler (sh, ph, mh),
# each on a fresh database: SQLite files, a PostgreSQL schema at $BENCH_POSTGRES_URL, a MariaDB database
# at 127.0.0.1:3306 (either server skipped when it does not answer).
#
# (a) latency: RateLoad (an open-loop generator, a different lead_id per request) sends 1,000
#     deliveries/s for $RATE_WARMUP seconds unmeasured (the JIT's warm-up), then for $RATE_SECONDS to each
#     handler case; the handler records, per call, the time from
#     the filter's 200 (written after the commit) to the call ("ack -> call"), and from the event's
#     received_at (taken just before the write) to the call ("received -> call"). Target: ack -> call
#     p50 <= 5 ms, p99 <= 25 ms.
# (b) throughput: per database, $ROUNDS rounds of wrk (closed loop, $CONNECTIONS connections, a different
#     lead_id per request) for $SUSTAIN against the ingest-only case, then the handler case (the order
#     alternates by round). For the handler case: deliveries/s acknowledged, calls/s made during the same
#     window, and the backlog (pending rows) before and after it; then the backlog is left to drain and the
#     drain rate is shown. Targets: calls/s >= 0.5 x the round's ingest-only deliveries/s, and the handler
#     case's deliveries/s >= 0.8 x the ingest-only figure.
#     Then $HALF_SECONDS at a fixed rate of half the ingest-only figure (RateLoad) against the handler case:
#     the backlog must not grow (informational; HALF_SECONDS=0 skips it).
# Writes bench/results/handlers-latest.md (gitignored). Tunable through the environment, e.g.
#   SUSTAIN=60s ROUNDS=2 bash bench/handlers.sh                    # the issue's minute
#   SUSTAIN=15s ROUNDS=1 RATE_SECONDS=10 HALF_SECONDS=0 bash bench/handlers.sh   # a quick run
#   DBS="s p" bash bench/handlers.sh                               # SQLite and PostgreSQL only
set -euo pipefail

ROUNDS=${ROUNDS:-2}
SUSTAIN=${SUSTAIN:-60s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
RATE=${RATE:-1000}
RATE_SECONDS=${RATE_SECONDS:-20}
RATE_WARMUP=${RATE_WARMUP:-30}
HALF_SECONDS=${HALF_SECONDS:-30}
DRAIN_LIMIT=${DRAIN_LIMIT:-120}
HEAP=${HEAP:-2g}
DBS=${DBS:-s p m}
BENCH_POSTGRES_URL=${BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
results="$here/results"
run_id=$(date -u +%Y%m%dT%H%M%SZ)
work="$results/handlers-$run_id"
mkdir -p "$work"
token="bench-$RANDOM$RANDOM"
header="X-Aurora-Token"
server_pid=""
bench_db="hbench_$(tr -dc 'a-z0-9' <<<"${run_id,,}")"
pg_i=-; pg_h=-; mdb_i=-; mdb_h=-

cleanup() {
    [[ -n ${vacuum_pid:-} ]] && kill "$vacuum_pid" 2>/dev/null
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work/db"
    if [[ $pg_i != - ]]; then
        psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA ${bench_db}_i CASCADE" -c "DROP SCHEMA ${bench_db}_h CASCADE" >/dev/null 2>&1
    fi
    if [[ $mdb_i != - ]]; then
        mariadb -h127.0.0.1 -uroot -e "DROP DATABASE ${bench_db}_i; DROP DATABASE ${bench_db}_h" >/dev/null 2>&1
    fi
    true
}
trap cleanup EXIT

log() { printf '[hbench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
secs() { local d=$1; [[ $d == *s ]] && d=${d%s}; [[ $d == *m ]] && d=$(( ${d%m} * 60 )); echo "$d"; }

command -v wrk >/dev/null || {
    log "installing wrk"
    sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null
}

# --- build ---------------------------------------------------------------------------------
log "building servlet-module (test classes) and its classpath"
cd "$root"
mvn -B -q -DskipTests -pl servlet-module -am test-compile
mvn -B -q -pl servlet-module dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/classpath.txt" >/dev/null
cp="$root/servlet-module/target/test-classes:$root/servlet-module/target/classes:$(cat "$work/classpath.txt")"

# --- databases -----------------------------------------------------------------------------
dbs=()
for d in $DBS; do
    case $d in
    s) dbs+=(s) ;;
    p)
        if command -v psql >/dev/null && psql -q -h 127.0.0.1 -U postgres -d test \
            -c "CREATE SCHEMA ${bench_db}_i" -c "CREATE SCHEMA ${bench_db}_h" >/dev/null 2>&1; then
            pg_i="$BENCH_POSTGRES_URL&currentSchema=${bench_db}_i"; pg_h="$BENCH_POSTGRES_URL&currentSchema=${bench_db}_h"
            dbs+=(p)
        else
            log "PostgreSQL not reachable at $BENCH_POSTGRES_URL: skipped"
        fi ;;
    m)
        if command -v mariadb >/dev/null && mariadb -h127.0.0.1 -uroot \
            -e "CREATE DATABASE ${bench_db}_i; CREATE DATABASE ${bench_db}_h" >/dev/null 2>&1; then
            mdb_i="jdbc:mariadb://127.0.0.1:3306/${bench_db}_i?user=root"; mdb_h="jdbc:mariadb://127.0.0.1:3306/${bench_db}_h?user=root"
            dbs+=(m)
        else
            log "MariaDB not reachable at 127.0.0.1:3306: skipped"
        fi ;;
    esac
done

# This machine's PostgreSQL runs with autovacuum=off (a test server), so a fresh table would keep the
# statistics of an empty one and every dead row version for the whole run, which no production server
# does. As autovacuum would, the bench vacuums and analyses its own two schemas' tables every
# $PG_VACUUM_EVERY seconds (PG_VACUUM_EVERY=0: never; the load then degrades with the dead rows).
PG_VACUUM_EVERY=${PG_VACUUM_EVERY:-10}
vacuum_pid=""
pg_autovacuum=$( [[ $pg_i != - ]] && psql -Atq -h 127.0.0.1 -U postgres -d test -c "SHOW autovacuum" 2>/dev/null || echo -)
if [[ $pg_i != - && $pg_autovacuum == off && $PG_VACUUM_EVERY != 0 ]]; then
    (
        while sleep "$PG_VACUUM_EVERY"; do
            for s in "${bench_db}_i" "${bench_db}_h"; do
                for t in aurora_webhook_events aurora_handler_deliveries aurora_lead_sync; do
                    # Throttled as autovacuum is by default (a manual VACUUM is not): its I/O comes in small steps.
                    PGOPTIONS="-c vacuum_cost_delay=2ms -c vacuum_cost_limit=200" \
                        psql -q -h 127.0.0.1 -U postgres -d test -c "VACUUM ANALYZE $s.$t" >/dev/null 2>&1 || true
                done
            done
        done
    ) &
    vacuum_pid=$!
fi

# --- server --------------------------------------------------------------------------------
log "starting HandlerBenchServer"
java -Xms1g -Xmx"$HEAP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$cp" org.aurorawebhooks.bench.HandlerBenchServer "$work/db" "$token" "$pg_i" "$pg_h" "$mdb_i" "$mdb_h" \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 150); do
    grep -q '^ready' "$work/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; log "HandlerBenchServer died"; exit 1; }
    sleep 0.2
done
grep -q '^ready' "$work/server.out" || { log "HandlerBenchServer did not start in 30 s"; exit 1; }
ports=$(grep '^ports' "$work/server.out")
port_of() { sed -E "s/.* $1=([0-9]+).*/\1/" <<<"$ports"; }
log "$ports"
webhook_path="/app/aurora/webhooks/lead_created?source=api&lead_id="
stats() { curl -s "http://127.0.0.1:$(port_of "$1")/app/bench/stats${2:-}"; }
field() { sed -E "s/.*[ ^]$2=(-?[0-9.]+).*/\1/" <<<" $1"; }

for d in "${dbs[@]}"; do
    for k in "$d" "${d}h"; do
        code=$(curl -s -o "$work/probe-$k.txt" -w '%{http_code}' -H "$header: $token" "http://127.0.0.1:$(port_of "$k")${webhook_path}probe")
        [[ $code == 200 ]] && grep -q '"id":' "$work/probe-$k.txt" || { log "case $k answered $code: $(cat "$work/probe-$k.txt")"; exit 1; }
    done
done

# CPU accounting as in run.sh: what the machine used outside the server and this script's children.
hz=$(getconf CLK_TCK)
machine_ticks() { awk '/^cpu /{print $2+$3+$4}' /proc/stat; }
server_ticks() { awk '{print $14+$15}' "/proc/$server_pid/stat"; }
children_ticks() { awk '{print $16+$17}' "/proc/$$/stat"; }
cpu_begin() { m0=$(machine_ticks); s0=$(server_ticks); c0=$(children_ticks); t0=$(date +%s%N); }
cpu_other() {   # other processes' share of the machine since cpu_begin, %
    local m1 s1 c1 t1
    m1=$(machine_ticks); s1=$(server_ticks); c1=$(children_ticks); t1=$(date +%s%N)
    awk -v m=$((m1 - m0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v ns=$((t1 - t0)) -v hz="$hz" -v n="$(nproc)" \
        'BEGIN{o = (m - s - c) / (ns / 1e9 * hz * n) * 100; printf "%.0f", o < 0 ? 0 : o}'
}

# run_wrk CASE LABEL DURATION -> sets wrk_rps wrk_ok
run_wrk() {
    local k=$1 label=$2 d=$3
    BENCH_PATH="$webhook_path" BENCH_NONCE="$label" BENCH_HEADER="$header" BENCH_TOKEN="$token" \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$d" --timeout 10s --latency -s "$here/deliveries.lua" \
        "http://127.0.0.1:$(port_of "$k")" >"$work/wrk-$label.txt" 2>&1
    local line
    line=$(grep '^BENCH ' "$work/wrk-$label.txt") || { log "wrk failed: $(cat "$work/wrk-$label.txt")"; exit 1; }
    wrk_rps=$(field "$line" rps)
    wrk_ok=$(( $(field "$line" requests) - $(field "$line" non2xx) ))
    local errs=$(( $(field "$line" non2xx) + $(field "$line" sockerr) ))
    [[ $errs == 0 ]] || echo "$label: $errs non-2xx answers or socket errors" >>"$work/errors.txt"
}

# drain CASE -> waits until no row is pending (at most $DRAIN_LIMIT s); sets drain_s, drain_rate, left
drain() {
    local k=$1 t0 s0 h0 s h now
    t0=$(date +%s%N); s0=$(stats "$k" "?counts=0"); h0=$(field "$s0" handled)
    for _ in $(seq 1 $((DRAIN_LIMIT * 2))); do
        s=$(stats "$k")
        left=$(field "$s" pending)
        [[ $left == 0 ]] && break
        sleep 0.5
    done
    now=$(date +%s%N); h=$(field "$s" handled)
    drain_s=$(awk -v ns=$((now - t0)) 'BEGIN{printf "%.1f", ns/1e9}')
    drain_rate=$(awk -v n=$((h - h0)) -v ns=$((now - t0)) 'BEGIN{printf "%.0f", (ns > 0 ? n/(ns/1e9) : 0)}')
}

# --- warm-up -------------------------------------------------------------------------------
log "warm-up: $WARMUP per case"
for d in "${dbs[@]}"; do
    run_wrk "$d" "warm-$d" "$WARMUP"
    run_wrk "${d}h" "warm-${d}h" "$WARMUP"
    drain "${d}h"
done

: >"$work/latency.tsv"
: >"$work/throughput.tsv"
: >"$work/half.tsv"
# --- (a) latency at a fixed rate ------------------------------------------------------------
if [[ $RATE_SECONDS != 0 ]]; then
    for d in "${dbs[@]}"; do
        k="${d}h"
        if [[ $RATE_WARMUP != 0 ]]; then
            # The same load first, unmeasured: the JIT compiles this path's code (the whole run's busiest thread
            # for the first minute), as it long has in a server that has been up for a while.
            log "(a) $k: $RATE deliveries/s for ${RATE_WARMUP}s, unmeasured"
            java -cp "$cp" org.aurorawebhooks.bench.RateLoad 127.0.0.1 "$(port_of "$k")" "$webhook_path" "$header" "$token" \
                "$RATE" "$RATE_WARMUP" 20 "warm-rate-$k" >/dev/null 2>&1
        fi
        drain "$k"
        stats "$k" >/dev/null; curl -s "http://127.0.0.1:$(port_of "$k")/app/bench/reset" >/dev/null
        log "(a) $k: $RATE deliveries/s for ${RATE_SECONDS}s"
        before=$(stats "$k" "?counts=0")
        cpu_begin
        java -cp "$cp" org.aurorawebhooks.bench.RateLoad 127.0.0.1 "$(port_of "$k")" "$webhook_path" "$header" "$token" \
            "$RATE" "$RATE_SECONDS" 20 "rate-$k" >"$work/rate-$k.txt" 2>&1
        other=$(cpu_other)
        sleep 2   # the last calls
        after=$(stats "$k")
        line=$(grep '^RATE ' "$work/rate-$k.txt") || { log "RateLoad failed: $(cat "$work/rate-$k.txt")"; exit 1; }
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$(field "$line" achieved)" "$(field "$line" ok)" \
            "$(( $(field "$after" handled) - $(field "$before" handled) ))" "$(field "$after" ack_n)" \
            "$(field "$after" ack_p50_us)" "$(field "$after" ack_p99_us)" "$(field "$after" ack_max_us)" \
            "$(field "$after" rcv_p50_us)" "$(field "$after" rcv_p99_us)" "$(field "$line" p99_us)" "$other" >>"$work/latency.tsv"
        log "(a) $k: $line | $after | other processes ${other}% CPU"
    done
fi

# --- (b) throughput -------------------------------------------------------------------------
sustain_s=$(secs "$SUSTAIN")
for r in $(seq 1 "$ROUNDS"); do
    for d in "${dbs[@]}"; do
        if ((r % 2)); then order="$d ${d}h"; else order="${d}h $d"; fi
        declare -A rps=() other_of=()
        for k in $order; do
            if [[ $k == *h ]]; then
                drain "$k"
                before=$(stats "$k")
                cpu_begin
                run_wrk "$k" "r$r-$k" "$SUSTAIN"
                other_of[$k]=$(cpu_other)
                after=$(stats "$k")
                handled=$(( $(field "$after" handled) - $(field "$before" handled) ))
                calls_rps=$(awk -v n="$handled" -v s="$sustain_s" 'BEGIN{printf "%.1f", n/s}')
                growth=$(( $(field "$after" pending) - $(field "$before" pending) ))
                rps[$k]=$wrk_rps
                drain "$k"
                h_line="$wrk_rps	$calls_rps	$growth	$(field "$after" pending)	$drain_s	$drain_rate	$left"
                log "(b) r$r $k: $wrk_rps deliveries/s, $calls_rps calls/s, backlog +$growth, drained in ${drain_s}s at $drain_rate/s, other processes ${other_of[$k]}% CPU"
            else
                cpu_begin
                run_wrk "$k" "r$r-$k" "$SUSTAIN"
                other_of[$k]=$(cpu_other)
                rps[$k]=$wrk_rps
                log "(b) r$r $k: $wrk_rps deliveries/s (ingest only), other processes ${other_of[$k]}% CPU"
            fi
        done
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$d" "$r" "${rps[$d]}" "$h_line" "${other_of[$d]}" "${other_of[${d}h]}" >>"$work/throughput.tsv"
        if [[ $HALF_SECONDS != 0 && $r == 1 ]]; then
            k="${d}h"
            half=$(awk -v x="${rps[$d]}" 'BEGIN{printf "%.0f", x/2}')
            log "(b) $k: a fixed $half deliveries/s (half of ingest-only) for ${HALF_SECONDS}s"
            before=$(stats "$k")
            cpu_begin
            java -cp "$cp" org.aurorawebhooks.bench.RateLoad 127.0.0.1 "$(port_of "$k")" "$webhook_path" "$header" "$token" \
                "$half" "$HALF_SECONDS" 64 "half-$k" >"$work/half-$k.txt" 2>&1
            o=$(cpu_other)
            after=$(stats "$k")
            line=$(grep '^RATE ' "$work/half-$k.txt") || { log "RateLoad failed: $(cat "$work/half-$k.txt")"; exit 1; }
            handled=$(( $(field "$after" handled) - $(field "$before" handled) ))
            growth=$(( $(field "$after" pending) - $(field "$before" pending) ))
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$d" "$half" "$(field "$line" achieved)" \
                "$(awk -v n="$handled" -v s="$(field "$line" seconds)" 'BEGIN{printf "%.1f", n/s}')" "$growth" "$o" >>"$work/half.tsv"
            log "(b) $k at $half/s: $line; handled $handled, backlog +$growth, other processes ${o}% CPU"
            drain "$k"
        fi
    done
done

# --- report --------------------------------------------------------------------------------
name_of() { case $1 in s*) echo SQLite ;; p*) echo PostgreSQL ;; m*) echo MariaDB ;; esac; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN{ok = (op=="ge") ? v>=t : v<=t; print ok ? "PASS" : "FAIL"}'; }
ms() { awk -v u="$1" 'BEGIN{printf "%.2f", u/1000}'; }
{
    echo "# aurora-webhooks handler benchmark"
    echo
    echo "Run $run_id on $(nproc) cores ($(uname -r)), $(java -version 2>&1 | head -1), load and server on one machine, loopback; aurora.handlers.workers=${BENCH_WORKERS:-4 (default)}."
    echo
    if [[ -s $work/latency.tsv ]]; then
        echo "## (a) Latency to a no-op handler at $RATE deliveries/s (RateLoad, 20 connections, ${RATE_SECONDS}s)"
        echo
        echo "ack -> call: from the filter's 200 (after the commit) to the call; received -> call: from the event's received_at (before the write) to the call."
        echo
        echo "| database | achieved/s | 200s | calls | ack -> call p50 | p99 | max | received -> call p50 | p99 | HTTP p99 | other CPU % | p50 <= 5 ms | p99 <= 25 ms |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
        while IFS=$'\t' read -r k ach ok calls n p50 p99 max r50 r99 h99 o; do
            echo "| $(name_of "$k") | $ach | $ok | $calls | $(ms "$p50") ms | $(ms "$p99") ms | $(ms "$max") ms | $(ms "$r50") ms | $(ms "$r99") ms | $(ms "$h99") ms | $o | $(verdict "$p50" le 5000) | $(verdict "$p99" le 25000) |"
        done <"$work/latency.tsv"
        echo
    fi
    echo "## (b) Throughput: wrk -t$THREADS -c$CONNECTIONS -d$SUSTAIN, ingest-only then with the no-op handler (order alternating by round)"
    echo
    echo "| database | round | ingest-only deliveries/s | with handler: deliveries/s | ÷ ingest-only | calls/s in the window | ÷ ingest-only | backlog growth (rows) | drained after (s, calls/s) | other CPU % (ingest-only, handler) | ingest >= 0.8 | calls >= 0.5 |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |"
    while IFS=$'\t' read -r d r ri rh calls growth pend dr_s dr_rate left oi oh; do
        q=$(awk -v a="$rh" -v b="$ri" 'BEGIN{printf "%.2f", a/b}')
        c=$(awk -v a="$calls" -v b="$ri" 'BEGIN{printf "%.2f", a/b}')
        echo "| $(name_of "$d") | $r | $(printf '%.0f' "$ri") | $(printf '%.0f' "$rh") | $q | $(printf '%.0f' "$calls") | $c | $growth | ${dr_s} s at ${dr_rate}/s$([[ $left == 0 ]] || echo ", $left left") | $oi, $oh | $(verdict "$q" ge 0.8) | $(verdict "$c" ge 0.5) |"
    done <"$work/throughput.tsv"
    if [[ -s $work/half.tsv ]]; then
        echo
        echo "Fixed rate at half of round 1's ingest-only figure (RateLoad, 64 connections, ${HALF_SECONDS}s) against the handler case:"
        echo
        echo "| database | asked/s | achieved/s | calls/s | backlog growth (rows) | other CPU % |"
        echo "| --- | ---: | ---: | ---: | ---: | ---: |"
        while IFS=$'\t' read -r d half ach calls growth o; do
            echo "| $(name_of "$d") | $half | $ach | $calls | $growth | $o |"
        done <"$work/half.tsv"
    fi
    if [[ -s "$work/errors.txt" ]]; then
        echo
        echo "Runs with non-2xx answers or socket errors:"
        sed 's/^/- /' "$work/errors.txt"
    fi
    echo
    if [[ $pg_i != - ]]; then
        echo "PostgreSQL: autovacuum=$pg_autovacuum on the server; $([[ -n $vacuum_pid ]] && echo "the bench ran VACUUM ANALYZE on its schemas every ${PG_VACUUM_EVERY}s in its place" || echo "no vacuum by the bench")."
        echo
    fi
    echo "Other CPU: share of the machine's cores used by anything but the server and the load generator during the run (the database servers count here too)."
    echo
    echo "Raw output: bench/results/handlers-$run_id/"
} >"$results/handlers-latest.md"
cat "$results/handlers-latest.md"
