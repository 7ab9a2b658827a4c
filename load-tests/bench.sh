#!/usr/bin/env bash
# The throughput benchmark: starts the built server (target/kms.jar) with a fixed heap,
# warms it up and drives it with wrk using requests signed for real; reads the server's own
# per-result counters (/metrics) before and after every scenario, so a KMS error (HTTP 200 with an
# error body) counts as a failure. Prints a Markdown table and writes it to --out, the results as
# CSV next to it, and SVG charts of them (below: "Results").
#
#   ./mvnw -q package -DskipTests            # the README's build command
#   apt-get install -y wrk                   # Debian/Ubuntu; plus a JDK 17+ (java, javac, jcmd) and curl
#   load-tests/bench.sh [options]
#
# Options (defaults in brackets):
#   --duration S      measured seconds per scenario [15]
#   --warmup S        warm-up seconds before each scenario [5], plus 3x that of all request types first
#   --jit-settle S    then up to S more seconds of warm-up, in 5 s steps, until the JIT compiles
#                     fewer than 10 methods in a step [60; 0: off]
#   --connections N   wrk connections [32]
#   --xmx SIZE        server heap, -Xms = -Xmx [1g]
#   --hot-keys N      keys of the hot mix [1000]
#   --cold-keys N     keys of the cold mix [100000]; the key cache stays at --key-cache
#   --key-cache N     KMS_CACHE_KEY_CACHE_SIZE [10000]
#   --scenarios LIST  comma-separated subset of: healthz,encrypt-32,encrypt-1k,sm4-encrypt-1k,
#                     encrypt-4k,decrypt-1k,gdk,ref-encrypt-32,ref-encrypt-1k,v2-encrypt-1k,mix-hot,
#                     mix-cold [all]; healthz always runs (it is the ceiling). sm4-encrypt-1k: Encrypt
#                     with an SM4 key (region bench-sm, served with KMS_SM_REGIONS=bench-sm). ref-*: the same Encrypt requests against
#                     ReferenceServer.java, a bare Vert.x handler doing only JSON + Base64 + AES-GCM
#                     (no signature, key, limiter, audit): what a request of that size costs at least
#   --profile NAME    run the server with JFR (settings=default) and summarise where the CPU went
#                     during scenario NAME
#   --v2-rate N       API 2.0 requests/s the pre-signed nonce file must cover [60000]
#   --out FILE        where the Markdown report goes [target/bench/bench-<time>.md]; the CSV and
#                     the charts go next to it
#   --charts-dir DIR  also copy the CSV into DIR as scenarios.csv (unless only healthz ran),
#                     soak.csv and soak-events.csv (when the soak ran; else those in DIR stay) and
#                     draw the charts there: `--charts-dir docs/charts` after a full run and a
#                     30-minute soak replaces the charts of docs/performance.md [none]
#   --jar FILE        the server jar [target/kms.jar] (to compare builds)
#   --soak MIN        afterwards, the soak (below) for MIN minutes [0: no soak]
#   --soak-load PCT   the soak's rate, in percent of the peak it measures first [70]
#   --soak-cold-keys N  keys of the soak's cold set [20000]
#   --soak-slice S    the soak's measuring slice in seconds [5]
#   --keep            keep the work directory (server log, request files, JFR)
# Environment: KMS_PG_URL / KMS_REDIS_URL (and any KMS_*) pass through to the server; without
# KMS_PG_URL it runs its embedded Postgres in the work directory. BENCH_JAVA_OPTS adds JVM flags.
#
# Results (BASE = the --out file without .md; the columns are described in load-tests/README.md):
# - BASE.md: the Markdown report.
# - BASE-scenarios.csv: one row per scenario: requests/s, p50/p90/p99/p99.9/max latency in ms (wrk's),
#   non-success, server CPU µs per request, both × ceiling ratios, the server's RSS after it, note.
# - With --soak: BASE-soak.csv, one row per slice (start and end in s since the soak began,
#   requests, requests/s, p50/p99/max ms, non-success, the server's RSS right after the slice from
#   /proc/<pid>/status VmRSS), BASE-soak-events.csv (the restarts: start, answering again) and
#   BASE-soak-slices.tsv (the raw slices, epoch ms).
# - BASE-charts/ (or --charts-dir): throughput.svg, p99.svg, percentiles.svg and, with --soak,
#   soak-rss.svg, drawn by bench/charts.sh with gnuplot. gnuplot is installed at the start when
#   missing (apt-get install -y --no-install-recommends gnuplot-nox, as root); when it cannot be,
#   the CSV is written all the same and the run says that the charts were skipped. Redraw from
#   saved CSV without running again: load-tests/bench/charts.sh BASE OUT_DIR.
#
# The soak (--soak MIN, at least 3; needs root, PostgreSQL's pg_createcluster/pg_ctlcluster,
# psql, redis-server, jstat; the code is in bench/soak.sh):
# - It runs after the scenarios on a server of its own, with a Postgres cluster and a Redis of its
#   own, so it can restart them: `pg_createcluster <newest> kms_soak_<pid> -p <free port>` (trust
#   authentication on 127.0.0.1, dropped with `pg_dropcluster --stop` at exit) and
#   `redis-server --port <free> --save "" --appendonly no`. The machine's Postgres and Redis are
#   never touched; KMS_PG_URL / KMS_REDIS_URL of the environment do not apply to the soak. Both
#   share the server's CPUs; wrk, the checker and the helpers (niced) run on wrk's.
# - Keys: --hot-keys hot keys and --soak-cold-keys cold keys, seeded through the API. The server's
#   key cache holds 2 x --hot-keys. Requests: the hot mix (70/20/10 Decrypt/Encrypt/GenerateDataKey),
#   one request in five on a cold key instead, each of those on a different cold key, drawn anew at
#   every re-signing (on every minute; TC3 signatures expire after 5): more cold keys per file than
#   the cache has room for next to the hot ones, so a cold request mostly misses the cache and
#   loads its key from Postgres.
# - Rate: after a warm-up (3 x --warmup, then --jit-settle), 20 s closed loop measure the peak of
#   this mix; the soak then sends --soak-load percent of it, paced (wrk.lua with BENCH_RATE: each
#   connection waits for the next send slot), with --connections connections.
# - Measuring: back-to-back wrk runs of --soak-slice seconds, each giving its requests, p99 and
#   errors, plus the server's kms_requests_total read after each (non-success = result != 0, plus
#   wrk's socket errors, HTTP errors and timeouts). Warm-up = the first min(5 min, MIN/4).
# - Restarts: Postgres (`pg_ctlcluster ... restart -m fast`) at floor(0.4 x MIN) min + 20 s, Redis
#   (SIGKILL, started again on the same port 2 s later) at floor(0.7 x MIN) min + 20 s; the server
#   reconnects by itself. A restart's window runs from its start until 10 s after the dependency
#   answers again.
# - Wrong answers: a checker (BenchGen verify, 20 checks/s) runs throughout: Decrypt of seeded
#   ciphertexts, Encrypt then Decrypt, GenerateDataKey then Decrypt, on hot and cold keys, each
#   success compared byte for byte with the plaintext expected.
# - Memory: at 45 s past every minute a full collection (jcmd GC.run), then the heap in use
#   (jstat -gc, old generation) and the server's RSS (ps).
# - Checks (exit 1 if one fails): no wrong answer; no non-success outside the restart windows
#   (inside them cold keys fail fast with InternalError while Postgres restarts, by design);
#   normal p99 = the median slice p99 between warm-up and the first restart; after each restart,
#   the slices are above 2 x normal for at most 10 s after the dependency answers again; RSS and
#   heap grow by less than 10 % from 5:45 to the last sample (judged from MIN = 7 on: the server
#   remembers each TC3 signature for 5 min; growth = the rise of the least-squares line through
#   the samples). A Markdown section (command, machine, date, peak and
#   rate, counts per phase, p99 and recovery per restart, the memory series, the verdict) is
#   appended to the report; every slice goes to <report>-soak-slices.tsv and <report>-soak.csv.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE="$ROOT/load-tests/bench"
DURATION=15 WARMUP=5 JIT_SETTLE=60 CONNECTIONS=32 XMX=1g HOT_KEYS=1000 COLD_KEYS=100000 KEY_CACHE=10000
SCENARIOS=all PROFILE="" V2_RATE=60000 OUT="" KEEP=0 SOAK=0 JAR="$ROOT/target/kms.jar"
SOAK_LOAD=70 SOAK_COLD_KEYS=20000 SOAK_SLICE=5 CHARTS_DIR=""
ORIG_ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --jit-settle) JIT_SETTLE=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --xmx) XMX=$2; shift 2 ;;
    --hot-keys) HOT_KEYS=$2; shift 2 ;;
    --cold-keys) COLD_KEYS=$2; shift 2 ;;
    --key-cache) KEY_CACHE=$2; shift 2 ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --profile) PROFILE=$2; shift 2 ;;
    --v2-rate) V2_RATE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --charts-dir) CHARTS_DIR=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --soak) SOAK=$2; shift 2 ;;
    --soak-load) SOAK_LOAD=$2; shift 2 ;;
    --soak-cold-keys) SOAK_COLD_KEYS=$2; shift 2 ;;
    --soak-slice) SOAK_SLICE=$2; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^set -euo/ { exit } NR > 1' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "bench: $*" >&2; exit 1; }
for tool in java javac jcmd wrk curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (wrk: apt-get install -y wrk; java/javac/jcmd: a JDK 17+)"
done
[ -f "$JAR" ] || die "$JAR is missing: build it first with ./mvnw -q package -DskipTests"
if [ "$SOAK" -gt 0 ]; then
  for tool in pg_createcluster pg_ctlcluster pg_dropcluster pg_isready psql redis-server redis-cli jstat; do
    command -v "$tool" >/dev/null || die "the soak needs $tool (postgresql, postgresql-client, redis-server, a JDK)"
  done
  [ "$(id -u)" = 0 ] || die "the soak creates a Postgres cluster of its own with pg_createcluster: run as root"
  ls -d /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || die "the soak needs a PostgreSQL server (/usr/lib/postgresql/*/bin/postgres)"
fi

# The charts need gnuplot: installed now when missing, before anything is measured.
if ! command -v gnuplot >/dev/null; then
  echo "bench: gnuplot is missing: apt-get install -y --no-install-recommends gnuplot-nox" >&2
  if ! apt-get install -y --no-install-recommends gnuplot-nox >/dev/null 2>&1; then
    if apt-get update >/dev/null 2>&1; then apt-get install -y --no-install-recommends gnuplot-nox >/dev/null 2>&1 || true; fi
  fi
  command -v gnuplot >/dev/null || echo "bench: WARNING: gnuplot could not be installed: the CSV will be written, the charts will be SKIPPED" >&2
fi

STAMP=$(date -u +%Y%m%d-%H%M%S)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
OUT=${OUT:-"$ROOT/target/bench/bench-$STAMP.md"}
mkdir -p "$(dirname "$OUT")"
BASE=${OUT%.md}
SCEN_CSV="$BASE-scenarios.csv" SOAK_CSV="$BASE-soak.csv" SOAK_EVENTS_CSV="$BASE-soak-events.csv"
rm -f "$SOAK_CSV" "$SOAK_EVENTS_CSV"
# The "# run:" line of the CSV files (the charts' subtitle): the date, then RUN_INFO.
RUN_INFO="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
if [ "$JAR" = "$ROOT/target/kms.jar" ] && REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
  RUN_INFO="$RUN_INFO, checkout at $REV"
fi
RUN_INFO="$RUN_INFO, load-tests/bench.sh${ORIG_ARGS:+ $ORIG_ARGS}"
{
  echo "# tkms benchmark: one row per scenario (load-tests/bench.sh; columns in load-tests/README.md, \"CSV and charts\")."
  echo "# run: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUN_INFO"
  echo "scenario,requests_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,non_success,server_cpu_us_per_request,x_ceiling,x_ceiling_cpu,server_rss_mib,note"
} >"$SCEN_CSV"
WORK=$(mktemp -d /tmp/tkms-bench.XXXXXX)
SPID="" RPID="" CPID="" PG_VER="" PG_CLUSTER="" BG_PIDS=()
stop_server() {
  if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
    kill "$SPID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SPID" 2>/dev/null || true
  fi
  SPID=""
}
cleanup() {
  if [ -n "$RPID" ]; then kill "$RPID" 2>/dev/null || true; fi
  if [ -n "$CPID" ]; then kill "$CPID" 2>/dev/null || true; fi
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_server
  # The soak's own Redis and Postgres cluster (never the machine's).
  if [ -f "$WORK/redis.pid" ]; then kill -9 "$(cat "$WORK/redis.pid")" 2>/dev/null || true; fi
  if [ -n "$PG_CLUSTER" ]; then pg_dropcluster --stop "$PG_VER" "$PG_CLUSTER" >/dev/null 2>&1 || echo "bench: could not drop the Postgres cluster $PG_VER $PG_CLUSTER" >&2; fi
  # The embedded Postgres may still be writing its files for a moment after the server exits.
  if [ "$KEEP" = 1 ]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK" 2>/dev/null || { sleep 2; rm -rf "$WORK"; }; fi
}
trap cleanup EXIT

want() { [ "$SCENARIOS" = all ] || [[ ",$SCENARIOS,healthz," == *",$1,"* ]]; }

# --- CPU layout: server and wrk on different cores when there are at least two.
CORES=$(nproc)
if [ "$CORES" -ge 2 ]; then
  HALF=$((CORES / 2))
  SERVER_CPUS="0-$((HALF - 1))" WRK_CPUS="$HALF-$((CORES - 1))" WRK_THREADS=$((CORES - HALF))
  SERVER_PIN=(taskset -c "$SERVER_CPUS") WRK_PIN=(taskset -c "$WRK_CPUS")
else
  SERVER_CPUS="all" WRK_CPUS="all" WRK_THREADS=1 SERVER_PIN=() WRK_PIN=()
fi

# --- The generator (JDK only) compiled once.
javac -d "$WORK/gen" "$HERE/BenchGen.java"
gen() { java -cp "$WORK/gen" BenchGen "$@"; }

# --- Start the server.
SECRET_ID="AKIDbench$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SECRET_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
JVM_FLAGS="-Xms$XMX -Xmx$XMX ${BENCH_JAVA_OPTS:-}"
# JFR runs from the start when profiling: attaching it later deoptimises the hot code and the
# profile would show recompilation, not the steady state. The summary keeps only the samples
# taken during the profiled scenario's measured run.
[ -n "$PROFILE" ] && JVM_FLAGS="$JVM_FLAGS -XX:StartFlightRecording=name=bench,settings=default"
V2_COUNT=$(( (DURATION + 2) * V2_RATE ))
REPLAY=$(( V2_COUNT * 2 + (WARMUP * 3 + 2) * V2_RATE * 2 ))
[ "$REPLAY" -lt 2000000 ] && REPLAY=2000000
# Key creation is serialised per (account, region) (quota check under an advisory lock), so the
# seeded keys are spread over 16 regions: the three real ones plus bench-r01..bench-r13.
REGIONS="ap-guangzhou,ap-shanghai,ap-beijing$(for r in $(seq -w 1 13); do printf ',bench-r%s' "$r"; done)"
# start_server DATA_DIR LOG KEY_CACHE [NAME=VALUE...]: starts the jar on fresh ports (sets SPID,
# PORT, MPORT, URL, METRICS) and waits until it is ready; NAME=VALUE pairs go to its environment.
start_server() {
  local data=$1 log=$2 cache=$3
  shift 3
  PORT=$(gen free-port) MPORT=$(gen free-port)
  URL="http://127.0.0.1:$PORT"
  METRICS="http://127.0.0.1:$MPORT/metrics"
  mkdir -p "$data"
  (
    cd "$ROOT"
    export KMS_DATA_DIR="$data" KMS_HTTP_HOST=127.0.0.1 KMS_HTTP_PORT="$PORT" \
      KMS_METRICS_HOST=127.0.0.1 KMS_METRICS_PORT="$MPORT" \
      KMS_UNSEAL_KEY="$(head -c 32 /dev/urandom | base64)" \
      KMS_BOOTSTRAP_APPID=1300000001 KMS_BOOTSTRAP_SECRET_ID="$SECRET_ID" KMS_BOOTSTRAP_SECRET_KEY="$SECRET_KEY" \
      KMS_DEFAULT_CRYPTO_QPS=50000000 KMS_DEFAULT_MANAGEMENT_QPS=50000000 KMS_CMK_QUOTA=10000000 \
      KMS_CACHE_KEY_CACHE_SIZE="$cache" KMS_AUTH_REPLAY_CACHE_SIZE="$REPLAY" \
      KMS_REGIONS="$REGIONS,bench-sm" KMS_SM_REGIONS=bench-sm
    [ $# -gt 0 ] && export "$@"
    unset KMS_ADMIN_TOKEN KMS_ADMIN_TOKEN_FILE
    # shellcheck disable=SC2086
    exec "${SERVER_PIN[@]}" java $JVM_FLAGS -jar "$JAR"
  ) >"$log" 2>&1 &
  SPID=$!
  for i in $(seq 1 180); do
    curl -sf "$URL/readyz" >/dev/null 2>&1 && break
    kill -0 "$SPID" 2>/dev/null || { tail -30 "$log" >&2; die "the server exited during start"; }
    [ "$i" = 180 ] && { tail -30 "$log" >&2; die "the server did not become ready in 180 s"; }
    sleep 1
  done
  curl -sf "$METRICS" >/dev/null || die "no metrics on $METRICS"
}
echo "starting the server (heap $XMX, cores $SERVER_CPUS; wrk on $WRK_CPUS with $WRK_THREADS threads)" >&2
start_server "$WORK/data" "$WORK/server.log" "$KEY_CACHE"

# --- Running one scenario.
ROWS=()
CEILING="" CEILING_CPU=""
FAILED=0
LAST=""
TICK=$(getconf CLK_TCK)
# The process and URL measured: the server, or the reference server during ref-* scenarios.
TARGET_PID="" TARGET_URL=""
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/${TARGET_PID:-$SPID}/stat"; }
# rss_kib [PID]: the process's resident set (VmRSS, KiB; empty when unreadable).
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/${1:-${TARGET_PID:-$SPID}}/status" 2>/dev/null || true; }
# ms MICROSECONDS -> milliseconds with 3 decimals (empty stays empty)
ms() { if [ -n "$1" ]; then awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; fi; }
# Requests/s per wrk thread when paced (the soak); empty: closed loop.
WRK_RATE=""
# wrk_run DURATION MODE FILE -> sets LAST to its BENCH line
wrk_run() {
  local out
  out=$(BENCH_RATE="$WRK_RATE" "${WRK_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$1"s --timeout 10s -s "$HERE/wrk.lua" "${TARGET_URL:-$URL}" -- "$2" "$3" "$WRK_THREADS" 2>&1) \
    || { echo "$out" >&2; die "wrk failed"; }
  if grep -q BENCH_EXHAUSTED <<<"$out"; then
    echo "$out" | grep BENCH_EXHAUSTED >&2
    LAST="exhausted"
    return
  fi
  LAST=$(grep '^BENCH ' <<<"$out" || true)
  [ -n "$LAST" ] || { echo "$out" >&2; die "no result line from wrk"; }
}
# The JIT's count of compilations so far (HotSpot's sun.ci.totalCompiles counter).
jit_compiles() { jcmd "${TARGET_PID:-$SPID}" PerfCounter.print 2>/dev/null | sed -nE 's/^sun\.ci\.totalCompiles=([0-9]+).*/\1/p'; }
# jit_settle MODE FILE: more warm-up in 5 s steps until the JIT compiles fewer than 10 methods in
# a step (at most --jit-settle seconds). On a machine with few cores the compiler threads share
# the server's core: measuring while they still work charges compilation to the requests.
jit_settle() {
  local waited=0 before after
  [ "$JIT_SETTLE" -gt 0 ] || return 0
  before=$(jit_compiles)
  [ -n "$before" ] || return 0
  local file=$2
  while [ "$waited" -lt "$JIT_SETTLE" ]; do
    if [ "$1" = v2 ]; then
      # API 2.0 nonces are single-use: each step gets fresh pre-signed requests.
      file="$WORK/v2-settle.txt"
      gen v2 "$URL" "$SECRET_ID" "$SECRET_KEY" 1024 $((5 * V2_RATE)) $((3000000000 + waited * 1000000)) "$file"
    fi
    wrk_run 5 "$1" "$file"
    waited=$((waited + 5))
    after=$(jit_compiles)
    if [ $((after - before)) -lt 10 ]; then
      echo "   JIT settled after ${waited}s more warm-up ($((after - before)) compilations in the last 5 s)" >&2
      return 0
    fi
    before=$after
  done
  echo "   JIT still compiling after ${JIT_SETTLE}s more warm-up: measuring anyway" >&2
}
field() { sed -E "s/.* $1=([0-9]+).*/\1/" <<<"$2"; }

# scenario NAME MODE FILE [WARMUP_FILE]
scenario() {
  local name=$1 mode=$2 file=$3 warmfile=${4:-$3}
  local warm=$WARMUP
  echo "== $name: warm-up ${warm}s, run ${DURATION}s" >&2
  [ "$warm" -gt 0 ] && wrk_run "$warm" "$mode" "$warmfile"
  jit_settle "$mode" "$warmfile"
  local ok0=0 fail0=0 ok1=0 fail1=0
  [ -z "$TARGET_PID" ] && read -r ok0 fail0 < <(gen counters "$METRICS" 2>/dev/null)
  local cpu0 cpu1 t0 t1
  cpu0=$(cpu_ticks) t0=$(date +%s%3N)
  wrk_run "$DURATION" "$mode" "$file"
  cpu1=$(cpu_ticks) t1=$(date +%s%3N)
  echo "$name $t0 $t1" >>"$WORK/windows.txt"
  [ -z "$TARGET_PID" ] && read -r ok1 fail1 < <(gen counters "$METRICS" 2>"$WORK/failures-$name.txt")
  if [ "$LAST" = exhausted ]; then
    ROWS+=("| $name | – | – | – | – | – | – | – | ran out of pre-signed requests: raise --v2-rate |")
    echo "$name,,,,,,,,,,,,ran out of pre-signed requests: raise --v2-rate" >>"$SCEN_CSV"
    FAILED=1
    return
  fi
  local req dur p50 p99 sock status tmo
  req=$(field requests "$LAST") dur=$(field duration_us "$LAST") p50=$(field p50_us "$LAST") p99=$(field p99_us "$LAST")
  sock=$(field socket_errors "$LAST") status=$(field status_errors "$LAST") tmo=$(field timeouts "$LAST")
  local rps bad note="" cpu
  rps=$(awk -v r="$req" -v d="$dur" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
  # Server CPU per request (user + system of the JVM process): far less disturbed by other work
  # on a shared machine than requests/s.
  cpu=$(awk -v c=$((cpu1 - cpu0)) -v t="$TICK" -v r="$req" 'BEGIN { if (r > 0) printf "%.1f", c / t * 1e6 / r; else print 0 }')
  bad=$((sock + status + tmo))
  if [ -n "$TARGET_PID" ]; then
    : # the reference server has no counters: its errors are HTTP statuses, counted by wrk
  elif [ "$name" != healthz ]; then
    local served=$((ok1 - ok0)) failed=$((fail1 - fail0))
    bad=$((bad + failed))
    # wrk counts only answers it received before its deadline; the server may answer up to one
    # request per connection more.
    if [ "$served" -lt "$req" ]; then
      note="server counted $served successes for $req answers"
      bad=$((bad + req - served))
    fi
    [ "$failed" -gt 0 ] && note="$(grep -c . "$WORK/failures-$name.txt") error kinds, see the server's counters"
  else
    CEILING=$rps CEILING_CPU=$cpu
  fi
  local ratio cpuratio
  ratio=$(awk -v r="$rps" -v c="$CEILING" 'BEGIN { if (c > 0) printf "%.2f", r / c; else print "–" }')
  cpuratio=$(awk -v r="$cpu" -v c="$CEILING_CPU" 'BEGIN { if (r > 0) printf "%.2f", c / r; else print "–" }')
  [ "$bad" -gt 0 ] && FAILED=1
  ROWS+=("| $name | $rps | $(awk -v u="$p50" 'BEGIN{printf "%.2f", u/1000}') | $(awk -v u="$p99" 'BEGIN{printf "%.2f", u/1000}') | $bad | $ratio | $cpu | $cpuratio | $note |")
  local rss
  rss=$(rss_kib)
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$name" "$rps" "$(ms "$p50")" "$(ms "$(field p90_us "$LAST")")" "$(ms "$p99")" \
    "$(ms "$(field p999_us "$LAST")")" "$(ms "$(field max_us "$LAST")")" "$bad" "$cpu" "${ratio/–/}" "${cpuratio/–/}" \
    "${rss:+$((rss / 1024))}" "${note//,/;}" >>"$SCEN_CSV"
  echo "   $rps req/s, p50 ${p50} µs, p99 ${p99} µs, non-success $bad, server CPU $cpu µs/request" >&2
  if [ "$PROFILE" = "$name" ]; then
    # One recording from the server's start; each summary keeps only its scenario's run.
    jcmd "$SPID" JFR.dump name=bench filename="$WORK/recording.jfr" >/dev/null
    local s
    for s in healthz "$name"; do
      read -r _ w0 w1 < <(grep "^$s " "$WORK/windows.txt" | tail -1)
      { echo "JFR summary of scenario $s (samples from its measured run only)"; echo
        gen jfr-top "$WORK/recording.jfr" 30 "$w0" "$w1"; } >"${OUT%.md}-profile-$s.md"
      echo "   JFR summary: ${OUT%.md}-profile-$s.md" >&2
    done
  fi
}

raw() { gen raw "$URL" "$SECRET_ID" "$SECRET_KEY" "$@"; }

raw warm "$WORK/warm.req"
echo "== warm-up of all request types: $((WARMUP * 3))s" >&2
[ "$WARMUP" -gt 0 ] && wrk_run $((WARMUP * 3)) raw "$WORK/warm.req"
raw healthz "$WORK/healthz.req"
scenario healthz raw "$WORK/healthz.req"
if want encrypt-32; then raw encrypt "$WORK/enc32.req" 32; scenario encrypt-32 raw "$WORK/enc32.req"; fi
if want encrypt-1k; then raw encrypt "$WORK/enc1k.req" 1024; scenario encrypt-1k raw "$WORK/enc1k.req"; fi
if want sm4-encrypt-1k; then raw sm4-encrypt "$WORK/sm4enc1k.req" 1024; scenario sm4-encrypt-1k raw "$WORK/sm4enc1k.req"; fi
if want encrypt-4k; then raw encrypt "$WORK/enc4k.req" 4096; scenario encrypt-4k raw "$WORK/enc4k.req"; fi
if want decrypt-1k; then raw decrypt "$WORK/dec1k.req" 1024; scenario decrypt-1k raw "$WORK/dec1k.req"; fi
if want gdk; then raw gdk "$WORK/gdk.req"; scenario gdk raw "$WORK/gdk.req"; fi
if want ref-encrypt-32 || want ref-encrypt-1k; then
  # The reference server on the server's cores, with the same heap; the idle server stays up.
  javac -cp "$JAR" -d "$WORK/ref" "$HERE/ReferenceServer.java"
  RPORT=$(gen free-port)
  # shellcheck disable=SC2086
  "${SERVER_PIN[@]}" java -Xms$XMX -Xmx$XMX ${BENCH_JAVA_OPTS:-} -cp "$JAR:$WORK/ref" ReferenceServer "$RPORT" >"$WORK/reference.log" 2>&1 &
  RPID=$!
  for i in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$RPORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$RPID" 2>/dev/null || { cat "$WORK/reference.log" >&2; die "the reference server exited during start"; }
    [ "$i" = 60 ] && die "the reference server did not start in 60 s"
    sleep 1
  done
  TARGET_PID=$RPID TARGET_URL="http://127.0.0.1:$RPORT"
  echo "== reference warm-up: $((WARMUP * 3))s" >&2
  [ -f "$WORK/enc1k.req" ] || raw encrypt "$WORK/enc1k.req" 1024
  [ "$WARMUP" -gt 0 ] && wrk_run $((WARMUP * 3)) raw "$WORK/enc1k.req"
  if want ref-encrypt-32; then [ -f "$WORK/enc32.req" ] || raw encrypt "$WORK/enc32.req" 32; scenario ref-encrypt-32 raw "$WORK/enc32.req"; fi
  if want ref-encrypt-1k; then scenario ref-encrypt-1k raw "$WORK/enc1k.req"; fi
  kill "$RPID" 2>/dev/null || true
  wait "$RPID" 2>/dev/null || true
  RPID="" TARGET_PID="" TARGET_URL=""
fi
if want v2-encrypt-1k; then
  gen v2 "$URL" "$SECRET_ID" "$SECRET_KEY" 1024 $(( (WARMUP + 2) * V2_RATE )) 1000000000 "$WORK/v2-warm.txt"
  gen v2 "$URL" "$SECRET_ID" "$SECRET_KEY" 1024 "$V2_COUNT" 2000000000 "$WORK/v2.txt"
  scenario v2-encrypt-1k v2 "$WORK/v2.txt" "$WORK/v2-warm.txt"
fi
mixcount() { local c=$(( $1 * 10 )); [ "$c" -lt 20000 ] && c=20000; [ "$c" -gt 100000 ] && c=100000; echo "$c"; }
if want mix-hot; then
  echo "== seeding $HOT_KEYS keys" >&2
  gen seed "$URL" "$SECRET_ID" "$SECRET_KEY" "$HOT_KEYS" "$REGIONS" "$WORK/hot-keys.txt"
  raw mix "$WORK/mix-hot.req" "$WORK/hot-keys.txt" "$(mixcount "$HOT_KEYS")"
  scenario mix-hot raw "$WORK/mix-hot.req"
fi
SEED_SECONDS=""
if want mix-cold; then
  echo "== seeding $COLD_KEYS keys" >&2
  t0=$(date +%s)
  gen seed "$URL" "$SECRET_ID" "$SECRET_KEY" "$COLD_KEYS" "$REGIONS" "$WORK/cold-keys.txt"
  SEED_SECONDS=$(( $(date +%s) - t0 ))
  raw mix "$WORK/mix-cold.req" "$WORK/cold-keys.txt" "$(mixcount "$COLD_KEYS")"
  scenario mix-cold raw "$WORK/mix-cold.req"
fi

BLOCKED=$(grep -c "has been blocked" "$WORK/server.log" || true)
RSS_KB=$(ps -o rss= -p "$SPID" | tr -d ' ')
SOAK_FAILED=0
if [ "$SOAK" -gt 0 ]; then
  # shellcheck source=load-tests/bench/soak.sh
  . "$HERE/soak.sh"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- The CSV into --charts-dir, then the charts (bench/charts.sh, gnuplot).
CHARTS_SRC=$BASE CHARTS_OUT="$BASE-charts" CHARTS_SKIPPED=""
if [ -n "$CHARTS_DIR" ]; then
  mkdir -p "$CHARTS_DIR"
  if [ "$SCENARIOS" != healthz ]; then
    cp "$SCEN_CSV" "$CHARTS_DIR/scenarios.csv"
  elif [ -f "$CHARTS_DIR/scenarios.csv" ]; then
    echo "bench: only healthz ran: $CHARTS_DIR/scenarios.csv stays as it was" >&2
  fi
  if [ -f "$SOAK_CSV" ]; then
    cp "$SOAK_CSV" "$CHARTS_DIR/soak.csv"
    cp "$SOAK_EVENTS_CSV" "$CHARTS_DIR/soak-events.csv"
  elif [ -f "$CHARTS_DIR/soak.csv" ]; then
    echo "bench: no soak in this run: $CHARTS_DIR/soak.csv and soak-events.csv stay as they were" >&2
  fi
  CHARTS_SRC=$CHARTS_DIR CHARTS_OUT=$CHARTS_DIR
fi
REDRAW="load-tests/bench/charts.sh $CHARTS_SRC $CHARTS_OUT"
CSV_LIST="\`$(basename "$SCEN_CSV")\`"
[ -f "$SOAK_CSV" ] && CSV_LIST="$CSV_LIST, \`$(basename "$SOAK_CSV")\`, \`$(basename "$SOAK_EVENTS_CSV")\`"
if ! command -v gnuplot >/dev/null; then
  CHARTS_SKIPPED="CHARTS SKIPPED: gnuplot is missing and could not be installed. The CSV is written; draw the charts later with: apt-get install -y --no-install-recommends gnuplot-nox && $REDRAW"
  CHARTS_LINE="Charts: **skipped** (no gnuplot); the CSV is next to this report, \`$REDRAW\` draws them."
elif "$HERE/charts.sh" "$CHARTS_SRC" "$CHARTS_OUT"; then
  CHARTS_LINE="Charts: \`$CHARTS_OUT/\` (drawn from the CSV by \`$REDRAW\`)."
else
  CHARTS_SKIPPED="CHARTS INCOMPLETE: gnuplot failed (its messages are above). The CSV is intact; retry with: $REDRAW"
  CHARTS_LINE="Charts: **incomplete** (gnuplot failed); \`$REDRAW\` redraws them from the CSV."
fi
if [ -n "$CHARTS_SKIPPED" ]; then printf '\nbench: !!!!!!!! %s !!!!!!!!\n\n' "$CHARTS_SKIPPED" >&2; fi

{
  echo "## tkms benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`load-tests/bench.sh --duration $DURATION --warmup $WARMUP --connections $CONNECTIONS --xmx $XMX" \
    "--hot-keys $HOT_KEYS --cold-keys $COLD_KEYS --key-cache $KEY_CACHE${PROFILE:+ --profile $PROFILE}\`"
  echo "Machine: $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')); server on CPUs $SERVER_CPUS," \
    "wrk on $WRK_CPUS ($WRK_THREADS threads, $CONNECTIONS connections); $(java -version 2>&1 | head -1)"
  echo "Server JVM flags: \`$JVM_FLAGS\`; Postgres: ${KMS_PG_URL:+external}${KMS_PG_URL:-embedded}; limiter: ${KMS_REDIS_URL:+Redis}${KMS_REDIS_URL:-in-process}," \
    "crypto QPS limit 50,000,000 (on, never binding); key cache $KEY_CACHE"
  echo "Load average before / after the run (other work on the machine shows here): $LOAD_BEFORE / $LOAD_AFTER"
  echo
  echo "| Scenario | Requests/s | p50 ms | p99 ms | Non-success | × ceiling | Server CPU µs/req | × ceiling (CPU) | Note |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Non-success = the server's kms_requests_total with result ≠ 0 (delta over the run) + wrk socket errors," \
    "HTTP errors and timeouts. Latency is wrk's (closed loop, $CONNECTIONS connections)." \
    "Server CPU = user + system time of the server JVM over the run ÷ requests (embedded Postgres not included);" \
    "× ceiling (CPU) = healthz's CPU per request ÷ the scenario's, the ratio the server would reach if it had its core to itself." \
    "ref-* rows: the same Encrypt requests answered by load-tests/bench/ReferenceServer.java (bare Vert.x: JSON + Base64 + AES-GCM only;" \
    "CPU is that JVM's), what a request of that size costs before any KMS work." \
    "${SEED_SECONDS:+Seeding $COLD_KEYS keys through the API took $SEED_SECONDS s.}" \
    "Blocked-thread warnings in the server log: $BLOCKED. Server RSS at the end: $((RSS_KB / 1024)) MiB."
  echo
  echo "CSV: $CSV_LIST (next to this report). $CHARTS_LINE"
  if [ -f "$WORK/soak.md" ]; then echo; cat "$WORK/soak.md"; fi
} | tee "$OUT"
echo "report: $OUT" >&2
if [ -n "$CHARTS_SKIPPED" ]; then echo "bench: !!!!!!!! $CHARTS_SKIPPED !!!!!!!!" >&2; fi
[ "$SOAK_FAILED" = 0 ] || FAILED=1
exit "$FAILED"
