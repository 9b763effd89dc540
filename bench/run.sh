#!/usr/bin/env bash
# Load benchmark of the webhook filter on loopback (not a test: it prints numbers and pass/fail
# against the targets, and exits 0 unless the benchmark itself could not run).
#
#   bash bench/run.sh
#
# Cases, all in one JVM (servlet-module/src/test/java/org/aurorawebhooks/bench/BenchServer.java):
#   a   a bare Jetty 12 servlet answering 200
#   b   the filter recording lead_created deliveries into SQLite (WAL, synchronous=FULL), commit before 200
#   bp  the same into PostgreSQL (a fresh schema; skipped when no server answers at $BENCH_POSTGRES_URL)
#   bm  the same into MariaDB (a fresh database; skipped when no server answers at 127.0.0.1:3306)
#   c   a host servlet behind the filter, on a path that is not a webhook path
#   c0  the same host servlet without the filter
# Each case is loaded with wrk (closed loop, $CONNECTIONS connections), a different lead_id per
# request, ROUNDS times, interleaved a b c c0 a b c c0 ...; the table shows the median of the rounds.
# Then b gets a fixed rate of 1,000 deliveries/s from hey for $RATE_SECONDS (RATE_SECONDS=0 skips it).
# Writes bench/results/latest.md (gitignored). Tunable through the environment, e.g.
#   ROUNDS=5 DURATION=20s bash bench/run.sh
#   ROUNDS=1 DURATION=6s WARMUP=3s RATE_SECONDS=0 bash bench/run.sh     # a short run on a busy machine
#   JAVA_OPTS="-Xlog:gc:file=/tmp/gc.log" bash bench/run.sh              # extra options for the server's JVM
#   WRK_NICE=10 bash bench/run.sh       # wrk at a lower CPU priority than the server (README, Benchmarks)
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-12s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
RATE_SECONDS=${RATE_SECONDS:-20}
HEAP=${HEAP:-2g}
BENCH_POSTGRES_URL=${BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
results="$here/results"
run_id=$(date -u +%Y%m%dT%H%M%SZ)
work="$results/run-$run_id"
mkdir -p "$work"
token="bench-$RANDOM$RANDOM"
header="X-Aurora-Token"
server_pid=""
pg_url=-
mdb_url=-
bench_db="bench_$(tr -dc 'a-z0-9' <<<"${run_id,,}")"

cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work/db"
    [[ $pg_url != - ]] && psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA $bench_db CASCADE" >/dev/null 2>&1
    [[ $mdb_url != - ]] && mariadb -h127.0.0.1 -uroot -e "DROP DATABASE $bench_db" >/dev/null 2>&1
    true
}
trap cleanup EXIT

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- tools ---------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ $RATE_SECONDS == 0 ]] || command -v hey >/dev/null || missing+=(hey)
if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    sudo_cmd=""
    [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- build ---------------------------------------------------------------------------------
log "building servlet-module (test classes) and its classpath"
cd "$root"
mvn -B -q -DskipTests -pl servlet-module -am test-compile
mvn -B -q -pl servlet-module dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/classpath.txt" >/dev/null
cp="$root/servlet-module/target/test-classes:$root/servlet-module/target/classes:$(cat "$work/classpath.txt")"

# --- databases -----------------------------------------------------------------------------
# A fresh PostgreSQL schema and a fresh MariaDB database for this run, dropped at the end.
if command -v psql >/dev/null && psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $bench_db" >/dev/null 2>&1; then
    pg_url="$BENCH_POSTGRES_URL&currentSchema=$bench_db"
else
    log "PostgreSQL not reachable at $BENCH_POSTGRES_URL: case bp skipped"
fi
if command -v mariadb >/dev/null && mariadb -h127.0.0.1 -uroot -e "CREATE DATABASE $bench_db" >/dev/null 2>&1; then
    mdb_url="jdbc:mariadb://127.0.0.1:3306/$bench_db?user=root"
else
    log "MariaDB not reachable at 127.0.0.1:3306: case bm skipped"
fi
recording=(b)
[[ $pg_url != - ]] && recording+=(bp)
[[ $mdb_url != - ]] && recording+=(bm)
cases=(a "${recording[@]}" c c0)

# --- server --------------------------------------------------------------------------------
log "starting BenchServer (database under $work/db)"
java -Xms1g -Xmx"$HEAP" ${JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$cp" org.aurorawebhooks.bench.BenchServer "$work/db" "$token" "$pg_url" "$mdb_url" \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q '^ready' "$work/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; log "BenchServer died"; exit 1; }
    sleep 0.2
done
grep -q '^ready' "$work/server.out" || { log "BenchServer did not start in 20 s"; exit 1; }
ports=$(grep '^ports' "$work/server.out")
port_of() { sed -E "s/.* $1=([0-9]+).*/\1/" <<<"$ports"; }
declare -A url path
for k in "${cases[@]}"; do url[$k]="http://127.0.0.1:$(port_of "$k")"; done
path[a]="/?lead_id="
for k in "${recording[@]}"; do path[$k]="/app/aurora/webhooks/lead_created?source=api&lead_id="; done
path[c]="/app/host/page?lead_id="
path[c0]="/app/host/page?lead_id="
log "$ports"

# Sanity: each case answers 200 (and b really commits: its body carries the row id).
for k in "${cases[@]}"; do
    code=$(curl -s -o "$work/probe-$k.txt" -w '%{http_code}' -H "$header: $token" "${url[$k]}${path[$k]}probe")
    [[ $code == 200 ]] || { log "case $k answered $code: $(cat "$work/probe-$k.txt")"; exit 1; }
done
for k in "${recording[@]}"; do
    grep -q '"id":' "$work/probe-$k.txt" || { log "case $k did not store: $(cat "$work/probe-$k.txt")"; exit 1; }
done

# CPU time (clock ticks) used by the whole machine outside interrupts, by the server, and by this
# script's finished children (wrk); what is left over is other work on the machine, which the
# report shows because it distorts every number here.
hz=$(getconf CLK_TCK)
machine_ticks() { awk '/^cpu /{print $2+$3+$4}' /proc/stat; }
server_ticks() { awk '{print $14+$15}' "/proc/$server_pid/stat"; }
children_ticks() { awk '{print $16+$17}' "/proc/$$/stat"; }

# run_wrk CASE LABEL DURATION -> appends "CASE label rps p50_us p99_us requests non2xx other%" to $work/wrk.tsv
run_wrk() {
    local k=$1 label=$2 d=$3
    local m0 s0 c0 t0 m1 s1 c1 t1 other
    m0=$(machine_ticks); s0=$(server_ticks); c0=$(children_ticks); t0=$(date +%s%N)
    BENCH_PATH="${path[$k]}" BENCH_NONCE="$label" BENCH_HEADER="$header" BENCH_TOKEN="$token" \
        ${WRK_NICE:+nice -n "$WRK_NICE"} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$d" --timeout 10s --latency \
        -s "$here/deliveries.lua" "${url[$k]}" \
        >"$work/wrk-$label.txt" 2>&1
    m1=$(machine_ticks); s1=$(server_ticks); c1=$(children_ticks); t1=$(date +%s%N)
    other=$(awk -v m=$((m1 - m0)) -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v ns=$((t1 - t0)) -v hz="$hz" -v n="$(nproc)" \
        'BEGIN{o = (m - s - c) / (ns / 1e9 * hz * n) * 100; printf "%.0f", o < 0 ? 0 : o}')
    local line
    line=$(grep '^BENCH ' "$work/wrk-$label.txt") || { log "wrk failed: $(cat "$work/wrk-$label.txt")"; exit 1; }
    local rps p50 p99 req non2xx sockerr
    rps=$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")
    p50=$(sed -E 's/.* p50_us=([0-9]+).*/\1/' <<<"$line")
    p99=$(sed -E 's/.* p99_us=([0-9]+).*/\1/' <<<"$line")
    req=$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")
    non2xx=$(sed -E 's/.* non2xx=([0-9]+).*/\1/' <<<"$line")
    sockerr=$(sed -E 's/.* sockerr=([0-9]+).*/\1/' <<<"$line")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$label" "$rps" "$p50" "$p99" "$req" "$non2xx" "$other" >>"$work/wrk.tsv"
    log "$label: $rps req/s, p50 $((p50))us, p99 $((p99))us, $req requests, non-2xx $non2xx, socket errors $sockerr, other processes ${other}% CPU"
    if [[ $non2xx != 0 || $sockerr != 0 ]]; then
        echo "$k $label non2xx=$non2xx sockerr=$sockerr" >>"$work/errors.txt"
    fi
}

# --- warm-up -------------------------------------------------------------------------------
log "warm-up: $WARMUP per case"
: >"$work/wrk.tsv"
for k in "${cases[@]}"; do run_wrk "$k" "warm-$k" "$WARMUP"; done
settle() { sync; sleep 1; }
settle
: >"$work/wrk.tsv"   # warm-up does not count; its b deliveries are still checked against the database below
declare -A warm_acked
for k in "${recording[@]}"; do
    warm_acked[$k]=$(awk '/^BENCH /{print}' "$work/wrk-warm-$k.txt" | sed -E 's/.* requests=([0-9]+) .* non2xx=([0-9]+).*/\1 \2/' | awk '{print $1-$2}')
done

# --- measured rounds -----------------------------------------------------------------------
# c and c0 differ by one filter call, so they run back to back, in alternating order; b's dirty
# pages are flushed before they run so that its write-back does not land on whichever comes next.
for r in $(seq 1 "$ROUNDS"); do
    run_wrk a "r$r-a" "$DURATION"
    for k in "${recording[@]}"; do run_wrk "$k" "r$r-$k" "$DURATION"; settle; done
    if ((r % 2)); then order="c c0"; else order="c0 c"; fi
    for k in $order; do run_wrk "$k" "r$r-$k" "$DURATION"; done
done

rate_rps=-; rate_p50=-; rate_p99=-; rate_200=0; rate_total=0; rate_err=0
rate2_rps=-; rate2_p50=-; rate2_p99=-; rate2_200=0; rate2_total=0
if [[ $RATE_SECONDS != 0 ]]; then
# --- fixed rate on b -----------------------------------------------------------------------
# hey has no per-request script, so all these deliveries are identical: the first is stored as
# new, the rest as repeats of it (each is still a committed row, and the repeat lookup is indexed).
log "fixed rate on b: 1,000 deliveries/s (hey -c 50 -q 20) for ${RATE_SECONDS}s"
hey -z "${RATE_SECONDS}s" -c 50 -q 20 -t 10 -H "$header: $token" \
    "${url[b]}${path[b]}rate-$run_id" >"$work/hey-rate.txt" 2>&1
rate_rps=$(awk '/Requests\/sec:/{print $2}' "$work/hey-rate.txt")
rate_p50=$(awk '/ 50% in /{print $3*1000}' "$work/hey-rate.txt")
rate_p99=$(awk '/ 99% in /{print $3*1000}' "$work/hey-rate.txt")
rate_200=$(awk '/\[200\]/{print $2}' "$work/hey-rate.txt")
rate_200=${rate_200:-0}
rate_total=$(awk '/\[[0-9]+\]/{s+=$2} END{print s+0}' "$work/hey-rate.txt")
rate_err=$(awk '/Error distribution/{f=1;next} f&&/\[[0-9]+\]/{gsub(/[\[\]]/,"",$1); s+=$1} END{print s+0}' "$work/hey-rate.txt")
log "fixed rate: $rate_rps req/s, p50 ${rate_p50} ms, p99 ${rate_p99} ms, $rate_200 of $rate_total answered 200, $rate_err errors"

# The same 1,000/s from 10 workers at 100/s each: bursts of 10 every 10 ms instead of 50 every
# 50 ms (hey starts all its workers' tickers together). Informational: the target is on the above.
log "fixed rate on b, smoother: hey -c 10 -q 100 for ${RATE_SECONDS}s"
settle
hey -z "${RATE_SECONDS}s" -c 10 -q 100 -t 10 -H "$header: $token" \
    "${url[b]}${path[b]}rate2-$run_id" >"$work/hey-rate2.txt" 2>&1
rate2_rps=$(awk '/Requests\/sec:/{print $2}' "$work/hey-rate2.txt")
rate2_p50=$(awk '/ 50% in /{print $3*1000}' "$work/hey-rate2.txt")
rate2_p99=$(awk '/ 99% in /{print $3*1000}' "$work/hey-rate2.txt")
rate2_200=$(awk '/\[200\]/{print $2}' "$work/hey-rate2.txt")
rate2_200=${rate2_200:-0}
rate2_total=$(awk '/\[[0-9]+\]/{s+=$2} END{print s+0}' "$work/hey-rate2.txt")
log "fixed rate (smoother): $rate2_rps req/s, p50 ${rate2_p50} ms, p99 ${rate2_p99} ms, $rate2_200 of $rate2_total answered 200"

fi

# --- stop the server, check that every acknowledged delivery was committed ---------------------
kill -TERM "$server_pid"
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
declare -A stored acked
for k in "${recording[@]}"; do
    stored[$k]=$(sed -nE "s/^stored_$k=(-?[0-9]+)/\1/p" "$work/server.out")
    acked[$k]=$(( $(awk -F'\t' -v k="$k" '$1==k{s+=$6-$7} END{print s+0}' "$work/wrk.tsv") + ${warm_acked[$k]} + 1 ))   # +1: the probe
done
acked[b]=$((acked[b] + rate_200 + rate2_200))

# --- report --------------------------------------------------------------------------------
# median over rounds of column N (3 rps, 4 p50, 5 p99) for case K
median() {
    awk -F'\t' -v k="$1" -v c="$2" '$1==k{print $c}' "$work/wrk.tsv" | sort -g |
        awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'
}
all_of() { awk -F'\t' -v k="$1" -v c="$2" '$1==k{printf "%s%s", sep, ($c ~ /\./ ? sprintf("%.0f",$c) : sprintf("%.2f",$c/1000)); sep=", "}' "$work/wrk.tsv"; }
declare -A rps p50 p99
for k in "${cases[@]}"; do
    rps[$k]=$(median "$k" 3); p50[$k]=$(median "$k" 4); p99[$k]=$(median "$k" 5)
done
ms() { awk -v u="$1" 'BEGIN{printf "%.2f", u/1000}'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN{printf "%.3f", x/y}'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN{ok = (op=="ge") ? v>=t : v<=t; print ok ? "PASS" : "FAIL"}'; }

tput_ba=$(ratio "${rps[b]}" "${rps[a]}")
p99_ba=$(ratio "${p99[b]}" "${p99[a]}")
c_c0=$(ratio "${rps[c]}" "${rps[c0]}")
c_dev=$(awk -v r="$c_c0" 'BEGIN{d=(r-1)*100; printf "%.1f", d<0?-d:d}')
declare -A integrity
for k in "${recording[@]}"; do
    integrity[$k]="PASS"
    [[ ${stored[$k]:--1} -ge ${acked[$k]} ]] || integrity[$k]="FAIL"
done

{
    echo "# aurora-webhooks load benchmark"
    echo
    echo "Run $run_id on $(nproc) cores ($(uname -r)), $(java -version 2>&1 | head -1), wrk and the server on the same machine, loopback$([[ -n ${WRK_NICE:-} ]] && echo ", wrk at nice $WRK_NICE")."
    echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS interleaved rounds after a $WARMUP warm-up per case; medians of the rounds (all rounds in brackets)."
    echo
    echo "| case | what | requests/s | p50 ms | p99 ms | requests/s per round | p99 ms per round | other processes' CPU per round, % |"
    echo "| --- | --- | ---: | ---: | ---: | --- | --- | --- |"
    desc_a="bare servlet, 200"
    desc_b="filter, SQLite WAL synchronous=FULL, commit before 200"
    desc_bp="filter, PostgreSQL, commit before 200"
    desc_bm="filter, MariaDB, commit before 200"
    desc_c="host servlet behind the filter, non-webhook path"
    desc_c0="host servlet, no filter"
    for k in "${cases[@]}"; do
        d="desc_$k"
        printf '| %s | %s | %.0f | %s | %s | %s | %s | %s |\n' "$k" "${!d}" "${rps[$k]}" "$(ms "${p50[$k]}")" "$(ms "${p99[$k]}")" \
            "$(all_of "$k" 3)" "$(all_of "$k" 5)" "$(awk -F'\t' -v k="$k" '$1==k{printf "%s%s", sep, $8; sep=", "}' "$work/wrk.tsv")"
    done
    echo
    echo "| check | value | target | result |"
    echo "| --- | ---: | --- | --- |"
    echo "| b/a throughput | $tput_ba | >= 0.60 | $(verdict "$tput_ba" ge 0.60) |"
    echo "| b p99 / a p99 | $p99_ba | <= 1.5 | $(verdict "$p99_ba" le 1.5) |"
    for k in bp bm; do
        [[ -n ${rps[$k]:-} ]] || continue
        t=$(ratio "${rps[$k]}" "${rps[a]}"); q=$(ratio "${p99[$k]}" "${p99[a]}")
        echo "| $k/a throughput | $t | >= 0.25 | $(verdict "$t" ge 0.25) |"
        echo "| $k p99 / a p99 | $q | <= 3 | $(verdict "$q" le 3) |"
    done
    echo "| c/c0 throughput | $c_c0 (${c_dev}% apart) | within 2% | $(verdict "$c_dev" le 2) |"
    if [[ $RATE_SECONDS != 0 ]]; then
        echo "| b at 1,000/s: p99 | ${rate_p99} ms (p50 ${rate_p50} ms, achieved ${rate_rps}/s, $rate_200/$rate_total answered 200, $rate_err errors) | <= 10 ms | $(verdict "$rate_p99" le 10) |"
        echo "| b at 1,000/s, smoother arrivals (hey -c 10 -q 100): p99 | ${rate2_p99} ms (p50 ${rate2_p50} ms, achieved ${rate2_rps}/s, $rate2_200/$rate2_total answered 200) | informational | - |"
    else
        echo "| b at 1,000/s | not run (RATE_SECONDS=0) | <= 10 ms | - |"
    fi
    for k in "${recording[@]}"; do
        echo "| $k: committed rows >= acknowledged deliveries | ${stored[$k]} >= ${acked[$k]} | every 200 is in the database | ${integrity[$k]} |"
    done
    if [[ -s "$work/errors.txt" ]]; then
        echo
        echo "Runs with non-2xx answers or socket errors:"
        sed 's/^/- /' "$work/errors.txt"
    fi
    echo
    echo "Other processes' CPU: share of the machine's two cores used by anything but the server and wrk during each run (other sessions' builds, say); above a few percent the numbers of that run are distorted."
    echo
    echo "Raw output: bench/results/run-$run_id/"
} >"$results/latest.md"

cat "$results/latest.md"
