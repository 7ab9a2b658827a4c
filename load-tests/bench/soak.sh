# The soak of load-tests/bench.sh (--soak MIN), sourced by it after the scenarios; the design is
# written down in bench.sh's header. Uses bench.sh's functions and variables (gen, start_server,
# stop_server, wrk_run, jit_settle, field, mixcount, rss_kib, ms, die, the CPU layout, the options,
# RUN_INFO and the CSV paths).
# Writes its Markdown section to $WORK/soak.md, the slices to ${OUT%.md}-soak-slices.tsv and (for
# the charts) $SOAK_CSV, the restarts to $SOAK_EVENTS_CSV, and sets SOAK_FAILED=1 when a check fails.

[ "$SOAK" -ge 3 ] || die "--soak needs at least 3 minutes (warm-up, then a Postgres and a Redis restart)"
now_ms() { date +%s%3N; }
utc() { date -u -d "@$(($1 / 1000))" '+%Y-%m-%d %H:%M:%S UTC'; }
# Cumulative successes and non-successes of kms_requests_total ("ok failed").
soak_counters() {
  curl -sf --max-time 5 "$METRICS" \
    | awk '/^kms_requests_total\{/ { if ($0 ~ /result="0"/) ok += $NF; else f += $NF; n++ }
           END { if (n) printf "%.0f %.0f\n", ok, f; else print "x x" }'
}
# The non-success series of kms_requests_total: "{labels} count" lines.
soak_failures() {
  curl -sf --max-time 5 "$METRICS" \
    | awk '/^kms_requests_total\{/ && $0 !~ /result="0"/ { l = $0; sub(/^kms_requests_total/, "", l); sub(/ [^ ]+$/, "", l); print l, $NF }'
}

SOAK_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== soak: stopping the scenarios' server; a Postgres cluster, a Redis and a server of the soak's own" >&2
stop_server

# --- Postgres: a cluster of the soak's own (dropped at exit by bench.sh's cleanup).
PG_VER=$(ls /usr/lib/postgresql | sort -n | tail -1)
PG_PORT=$(gen free-port) REDIS_PORT=$(gen free-port)
PG_CLUSTER="kms_soak_$$"
pg_createcluster "$PG_VER" "$PG_CLUSTER" -p "$PG_PORT" -- --auth-local=trust --auth-host=trust >"$WORK/pg.log" 2>&1 \
  || { cat "$WORK/pg.log" >&2; die "pg_createcluster failed"; }
# Started (and restarted) outside systemd, on the server's CPUs like the embedded Postgres.
pg_soak() { "${SERVER_PIN[@]}" pg_ctlcluster --skip-systemctl-redirect "$PG_VER" "$PG_CLUSTER" "$@"; }
pg_ready() {
  local i
  for i in $(seq 1 300); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && return 0; sleep 0.1; done
  return 1
}
pg_soak start >>"$WORK/pg.log" 2>&1 || { cat "$WORK/pg.log" >&2; die "the soak's Postgres did not start"; }
pg_ready || die "the soak's Postgres does not answer on port $PG_PORT"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qAtc "CREATE DATABASE kms" >/dev/null || die "CREATE DATABASE failed"

# --- Redis of its own, no persistence: a restart starts empty.
redis_soak_start() {
  local i
  "${SERVER_PIN[@]}" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" --dir "$WORK" || return 1
  for i in $(seq 1 200); do
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.05
  done
  return 1
}
redis_soak_start || die "the soak's Redis did not start"
echo "   Postgres $PG_VER cluster $PG_CLUSTER on port $PG_PORT, Redis on port $REDIS_PORT" >&2

SOAK_CACHE=$((2 * HOT_KEYS))
start_server "$WORK/soak-data" "$WORK/soak-server.log" "$SOAK_CACHE" \
  KMS_PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/kms" KMS_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

echo "== soak: seeding $HOT_KEYS hot and $SOAK_COLD_KEYS cold keys" >&2
t=$(date +%s)
gen seed "$URL" "$SECRET_ID" "$SECRET_KEY" "$HOT_KEYS" "$REGIONS" "$WORK/soak-hot.txt"
gen seed "$URL" "$SECRET_ID" "$SECRET_KEY" "$SOAK_COLD_KEYS" "$REGIONS" "$WORK/soak-cold.txt"
SOAK_SEED_SECONDS=$(($(date +%s) - t))
SOAK_COUNT=$(mixcount "$HOT_KEYS")
SOAK_COLD_PER_FILE=$((SOAK_COUNT / 5))
[ "$SOAK_COLD_KEYS" -ge "$SOAK_COLD_PER_FILE" ] \
  || echo "   note: $SOAK_COLD_KEYS cold keys is fewer than the ~$SOAK_COLD_PER_FILE cold requests of a request file: cold keys repeat within it" >&2
# soak_sign SEED: a freshly signed request file, its cold keys drawn with SEED; replaces soak.req.
soak_sign() {
  nice -n 19 "${WRK_PIN[@]}" java -cp "$WORK/gen" BenchGen raw "$URL" "$SECRET_ID" "$SECRET_KEY" soakmix "$WORK/soak.req.$1" \
    "$WORK/soak-hot.txt" "$WORK/soak-cold.txt" "$SOAK_COUNT" 20 "$1" && mv -f "$WORK/soak.req.$1" "$WORK/soak.req"
}
soak_sign 0

# --- Warm-up, then the peak of this mix (closed loop).
echo "== soak: warm-up $((WARMUP * 3))s, then the peak of the mix (20 s closed loop)" >&2
[ "$WARMUP" -gt 0 ] && wrk_run $((WARMUP * 3)) raw "$WORK/soak.req"
jit_settle raw "$WORK/soak.req"
soak_sign 1
read -r pok0 pfail0 < <(soak_counters)
wrk_run 20 raw "$WORK/soak.req"
read -r pok1 pfail1 < <(soak_counters)
PEAK_RPS=$(awk -v r="$(field requests "$LAST")" -v d="$(field duration_us "$LAST")" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
PEAK_P99=$(field p99_us "$LAST")
PEAK_BAD=$((pfail1 - pfail0 + $(field socket_errors "$LAST") + $(field status_errors "$LAST") + $(field timeouts "$LAST")))
SOAK_RATE=$((PEAK_RPS * SOAK_LOAD / 100))
echo "   peak $PEAK_RPS req/s (p99 $PEAK_P99 µs, non-success $PEAK_BAD); soak at $SOAK_LOAD %: $SOAK_RATE req/s" >&2
[ "$SOAK_RATE" -gt 0 ] || die "the peak measurement gave no requests"

# --- The soak itself.
SLICES_TSV="${OUT%.md}-soak-slices.tsv"
: >"$WORK/soak-events.txt"
: >"$WORK/soak-mem.txt"
# soak_memory MINUTE: a full collection, then old generation in use (jstat OU: after a full
# collection the live data; eden refills within milliseconds at these rates) and RSS. Taken at
# 45 s past each minute: the request file is re-signed on the minute and the server remembers
# each TC3 signature until it expires (5 min), so at :45 it always holds exactly five files'
# signatures, with 15 s to spare either side; the restarts come at :20.
soak_memory() {
  local t heap rss
  t=$(now_ms)
  nice -n 19 "${WRK_PIN[@]}" jcmd "$SPID" GC.run >/dev/null 2>&1 || true
  heap=$(nice -n 19 "${WRK_PIN[@]}" jstat -gc "$SPID" 2>/dev/null \
    | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { printf "%.0f", $c["OU"] }')
  rss=$(ps -o rss= -p "$SPID" | tr -d ' ')
  echo "$1 $t ${rss:-0} ${heap:-0}" >>"$WORK/soak-mem.txt"
}
soak_restart_pg() {
  local a b r=ok
  a=$(now_ms)
  pg_soak restart -m fast >>"$WORK/pg.log" 2>&1 || r=failed
  pg_ready || r=failed
  b=$(now_ms)
  echo "postgres $a $b $r" >>"$WORK/soak-events.txt"
}
soak_restart_redis() {
  local a b r=ok pid i
  a=$(now_ms)
  pid=$(cat "$WORK/redis.pid")
  kill -KILL "$pid" 2>/dev/null || r=failed
  for i in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || break; sleep 0.05; done
  sleep 2
  redis_soak_start || r=failed
  b=$(now_ms)
  echo "redis $a $b $r" >>"$WORK/soak-events.txt"
}

soak_failures >"$WORK/soak-failures-0.txt"
rm -f "$WORK/verify.stop"
"${WRK_PIN[@]}" java -cp "$WORK/gen" BenchGen verify "$URL" "$SECRET_ID" "$SECRET_KEY" "$WORK/soak-hot.txt" "$WORK/soak-cold.txt" \
  20 "$WORK/verify.stop" "$WORK/soak-verify.txt" >"$WORK/verify.out" 2>"$WORK/verify.err" &
CPID=$!
WRK_RATE=$(awk -v r="$SOAK_RATE" -v t="$WRK_THREADS" 'BEGIN { printf "%.3f", r / t }')
soak_sign 2
T0=$(now_ms)
T_END=$((T0 + SOAK * 60000))
SOAK_WARM_MS=$((SOAK * 15000)); [ "$SOAK_WARM_MS" -gt 300000 ] && SOAK_WARM_MS=300000
PG_AT=$((T0 + (SOAK * 4 / 10) * 60000 + 20000))
REDIS_AT=$((T0 + (SOAK * 7 / 10) * 60000 + 20000))
echo "== soak: $SOAK min at $SOAK_RATE req/s in ${SOAK_SLICE}s slices; warm-up $((SOAK_WARM_MS / 1000))s;" \
  "Postgres restart at +$(((PG_AT - T0) / 1000))s, Redis at +$(((REDIS_AT - T0) / 1000))s" >&2
printf 'slice\tstart_ms\tend_ms\twrk_us\trequests\tp50_us\tp99_us\tmax_us\tsocket_errors\tstatus_errors\ttimeouts\tserver_ok\tserver_failed\trss_kib\n' >"$SLICES_TSV"
{
  echo "# tkms soak: one row per wrk slice (load-tests/bench.sh --soak; columns in load-tests/README.md, \"CSV and charts\")."
  echo "# run: $(date -u -d "@$((T0 / 1000))" '+%Y-%m-%d %H:%M UTC'), $RUN_INFO, $SOAK_RATE req/s planned ($SOAK_LOAD % of the peak, $PEAK_RPS req/s)"
  echo "slice,start_s,end_s,requests,requests_per_s,p50_ms,p99_ms,max_ms,non_success,server_rss_mib"
} >"$SOAK_CSV"
read -r ok0 fail0 < <(soak_counters)
minute=0 sampled=0 pg_done=0 redis_done=0 i=0
while :; do
  now=$(now_ms)
  left=$(((T_END - now) / 1000))
  [ "$left" -ge 1 ] || break
  if [ "$now" -ge $((T0 + (minute + 1) * 60000)) ]; then
    minute=$((minute + 1))
    soak_sign $((minute + 2)) &
    BG_PIDS+=($!)
  fi
  if [ "$now" -ge $((T0 + sampled * 60000 + 45000)) ]; then
    soak_memory "$sampled" &
    BG_PIDS+=($!)
    sampled=$((sampled + 1))
  fi
  if [ "$pg_done" = 0 ] && [ "$now" -ge "$PG_AT" ]; then
    pg_done=1
    echo "   +$(((now - T0) / 1000))s: restarting Postgres (pg_ctlcluster restart -m fast)" >&2
    soak_restart_pg &
    BG_PIDS+=($!)
  fi
  if [ "$redis_done" = 0 ] && [ "$now" -ge "$REDIS_AT" ]; then
    redis_done=1
    echo "   +$(((now - T0) / 1000))s: killing Redis, starting it again in 2 s" >&2
    soak_restart_redis &
    BG_PIDS+=($!)
  fi
  len=$SOAK_SLICE
  [ "$left" -lt "$len" ] && len=$left
  a=$(now_ms)
  wrk_run "$len" raw "$WORK/soak.req"
  b=$(now_ms)
  read -r ok1 fail1 < <(soak_counters)
  if [ "$ok1" = x ]; then ok1=$ok0 fail1=$fail0; fi # metrics unreadable: counted in the next slice
  rss=$(rss_kib "$SPID")
  i=$((i + 1))
  req=$(field requests "$LAST") p99=$(field p99_us "$LAST") wus=$(field duration_us "$LAST")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$a" "$b" "$wus" "$req" "$(field p50_us "$LAST")" "$p99" \
    "$(field max_us "$LAST")" "$(field socket_errors "$LAST")" "$(field status_errors "$LAST")" "$(field timeouts "$LAST")" \
    $((ok1 - ok0)) $((fail1 - fail0)) "$rss" >>"$SLICES_TSV"
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$i" "$(awk -v t=$((a - T0)) 'BEGIN { printf "%.3f", t / 1000 }')" \
    "$(awk -v t=$((b - T0)) 'BEGIN { printf "%.3f", t / 1000 }')" "$req" \
    "$(awk -v r="$req" -v d="$wus" 'BEGIN { if (d > 0) printf "%.0f", r / (d / 1e6) }')" "$(ms "$(field p50_us "$LAST")")" "$(ms "$p99")" \
    "$(ms "$(field max_us "$LAST")")" \
    $(($(field socket_errors "$LAST") + $(field status_errors "$LAST") + $(field timeouts "$LAST") + fail1 - fail0)) \
    "$(awk -v k="$rss" 'BEGIN { if (k != "") printf "%.1f", k / 1024 }')" >>"$SOAK_CSV"
  echo "   +$(((a - T0) / 1000))s: $((req * 1000 / (b - a > 0 ? b - a : 1))) req/s, p99 $p99 µs, server non-success $((fail1 - fail0))" >&2
  ok0=$ok1 fail0=$fail1
done
WRK_RATE=""
for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
BG_PIDS=()
soak_failures >"$WORK/soak-failures-1.txt"
touch "$WORK/verify.stop"
wait "$CPID" || echo "bench: the checker exited with an error (see below)" >&2
CPID=""
SOAK_T1=$(now_ms)
{
  echo "# tkms soak: the restarts (load-tests/bench.sh --soak; columns in load-tests/README.md, \"CSV and charts\")."
  echo "event,start_s,answering_s,result"
  awk -v t0="$T0" '{ printf "%s,%.3f,%.3f,%s\n", $1, ($2 - t0) / 1000, ($3 - t0) / 1000, $4 }' "$WORK/soak-events.txt"
} >"$SOAK_EVENTS_CSV"
SOAK_BLOCKED=$(grep -c "has been blocked" "$WORK/soak-server.log" || true)
SOAK_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$WORK/verify.err" >&2

# --- The report section and the checks.
{
  echo "## Soak, $(date -u -d "@$((T0 / 1000))" '+%Y-%m-%d')"
  echo
  echo "Command: \`load-tests/bench.sh $ORIG_ARGS\` (all other options at their defaults)"
  echo "Machine: $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')); server, its Postgres and" \
    "its Redis on CPUs $SERVER_CPUS, wrk and the checker on $WRK_CPUS (wrk threads: $WRK_THREADS, connections: $CONNECTIONS);" \
    "$(java -version 2>&1 | head -1); PostgreSQL $PG_VER (a cluster of the soak's own), $(redis-server --version | cut -d' ' -f1-3)"
  echo "Server: \`${JVM_FLAGS% }\`, key cache $SOAK_CACHE, $HOT_KEYS hot and $SOAK_COLD_KEYS cold keys (seeded through the API in" \
    "$SOAK_SEED_SECONDS s); requests: the 70/20/10 Decrypt/Encrypt/GenerateDataKey mix, 20 % of them on cold keys."
  echo "Run: $(utc "$T0") to $(utc "$SOAK_T1"); load average before / after: $SOAK_LOAD_BEFORE / $SOAK_LOAD_AFTER;" \
    "blocked-thread warnings in the server log: $SOAK_BLOCKED."
  echo "Peak of the mix (20 s closed loop, $CONNECTIONS connections): $PEAK_RPS req/s, p99 $(awk -v u="$PEAK_P99" 'BEGIN { printf "%.2f", u / 1000 }') ms," \
    "non-success $PEAK_BAD. Soak rate: $SOAK_LOAD % of it = $SOAK_RATE req/s, paced, in ${SOAK_SLICE}-s wrk slices (all slices: \`$(basename "$SLICES_TSV")\`)."
  echo
} >"$WORK/soak.md"
awk -v t0="$T0" -v warm="$SOAK_WARM_MS" -v target="$SOAK_RATE" -v minutes="$SOAK" \
  -v events="$WORK/soak-events.txt" -v verify="$WORK/soak-verify.txt" -v mem="$WORK/soak-mem.txt" \
  -v f0="$WORK/soak-failures-0.txt" -v f1="$WORK/soak-failures-1.txt" -v vout="$WORK/verify.out" '
function ms(u) { return sprintf("%.2f", u / 1000) }
function fitgrowth(v, from, to,    i, n, mx, my, sxy, sxx) {
  n = to - from + 1; mx = 0; my = 0
  for (i = from; i <= to; i++) { mx += i; my += v[i] }
  mx /= n; my /= n; sxy = 0; sxx = 0
  for (i = from; i <= to; i++) { sxy += (i - mx) * (v[i] - my); sxx += (i - mx) * (i - mx) }
  return (sxx > 0 && my > 0) ? (sxy / sxx) * (to - from) * 100 / my : 0
}
function phase_of(a, b,   k) {
  for (k = 1; k <= nr; k++) if (a < rb[k] + 10000 && b > ra[k]) return "r" k
  if (b <= t0 + warm) return "warm"
  if (nr >= 1 && a < ra[1]) return "before"
  if (nr >= 2 && a < ra[2]) return "between"
  return "after"
}
BEGIN { FS = "\t" }
FNR == 1 { next }
{ n++; sa[n] = $2; sb[n] = $3; swrk[n] = $4; sreq[n] = $5; sp99[n] = $7; sbad[n] = $9 + $10 + $11 + $13 }
END {
  # restarts, in the order they happened
  while ((getline line < events) > 0) {
    split(line, e, " "); nr++; rname[nr] = e[1]; ra[nr] = e[2]; rb[nr] = e[3]; rok[nr] = e[4]
  }
  fail = 0
  names["warm"] = "warm-up"; names["before"] = "before the first restart"; names["between"] = "between the restarts"
  names["after"] = "after the last restart"
  for (k = 1; k <= nr; k++) names["r" k] = (rname[k] == "postgres" ? "Postgres" : "Redis") " restart window"
  order = "warm before r1 between r2 after"
  for (i = 1; i <= n; i++) {
    p = phase_of(sa[i], sb[i]); sph[i] = p
    if (!(p in from)) from[p] = sa[i]
    to[p] = sb[i]; pn[p]++; preq[p] += sreq[i]; psec[p] += (sb[i] - sa[i]) / 1000; pbad[p] += sbad[i]
    if (sp99[i] > pmax[p]) pmax[p] = sp99[i]
    if (p != "r1" && p != "r2") { outbad += sbad[i]; outreq += sreq[i]; outsec += (sb[i] - sa[i]) / 1000; outwrk += swrk[i] / 1e6 }
    if (p == "before") { nn++; normals[nn] = sp99[i] }
  }
  if (nn == 0) for (i = 1; i <= n; i++) if (nr >= 1 && sa[i] < ra[1]) { nn++; normals[nn] = sp99[i] }
  # median (insertion sort; a few hundred values at most)
  for (i = 2; i <= nn; i++) { x = normals[i]; for (j = i - 1; j >= 1 && normals[j] > x; j--) normals[j + 1] = normals[j]; normals[j + 1] = x }
  normal = nn ? (nn % 2 ? normals[(nn + 1) / 2] : (normals[nn / 2] + normals[nn / 2 + 1]) / 2) : 0
  # the checker, per second, into the phases by time
  while ((getline line < verify) > 0) {
    split(line, v, " "); p = ""
    for (q in from) if (v[1] > from[q] && v[1] <= to[q] + 1000) p = q
    if (p == "") p = (v[1] <= t0 + warm ? "warm" : "after")
    cok[p] += v[2]; cfail[p] += v[3]; cwrong[p] += v[4]; wrong += v[4]; checks_ok += v[2]
    if (p != "r1" && p != "r2") outcfail += v[3]
  }
  print "| Phase | From–to (s) | Slices | Requests | Requests/s | Non-success | Highest slice p99 ms | Checks ok / failed / wrong |"
  print "|---|---|---:|---:|---:|---:|---:|---|"
  np = split(order, ph, " ")
  for (k = 1; k <= np; k++) {
    p = ph[k]; if (!(p in pn)) continue
    printf "| %s | %d–%d | %d | %d | %.0f | %d | %s | %d / %d / %d |\n", names[p], (from[p] - t0) / 1000, (to[p] - t0) / 1000, pn[p], preq[p],
      preq[p] / psec[p], pbad[p], ms(pmax[p]), cok[p], cfail[p], cwrong[p]
  }
  print ""
  printf "Non-success = the server'"'"'s kms_requests_total with result ≠ 0 (the checker'"'"'s requests included) + wrk'"'"'s socket errors, HTTP errors and timeouts. A restart'"'"'s window runs from its start until 10 s after the dependency answered again (whole slices). Normal p99 = the median slice p99 %s: %s ms.\n", (nn ? "before the first restart, after warm-up" : "(none measured)"), ms(normal)
  print ""
  print "| Restart | At (s) | Answering again after (s) | Non-success in its window | Highest slice p99 ms | Slice p99 back within 2 × normal (" ms(2 * normal) " ms) after (s) | Slice p99 (ms) from 2 slices before |"
  print "|---|---:|---:|---:|---:|---:|---|"
  for (k = 1; k <= nr; k++) {
    lastbad = 0; first = 0; series = ""
    for (i = 1; i <= n; i++) {
      if (sb[i] > ra[k] && first == 0) first = i
      if (sb[i] <= rb[k]) continue
      if (sp99[i] > 2 * normal) lastbad = sb[i]; else break
    }
    for (i = (first > 2 ? first - 2 : 1); i <= n && i < first + 6; i++) series = series (series == "" ? "" : ", ") (i == first ? "**" ms(sp99[i]) "**" : ms(sp99[i]))
    rec[k] = lastbad ? (lastbad - rb[k]) / 1000 : 0
    printf "| %s%s | %d | %.1f | %d | %s | %s | %s |\n", (rname[k] == "postgres" ? "Postgres (pg_ctlcluster restart -m fast)" : "Redis (SIGKILL, started again 2 s later)"),
      (rok[k] == "ok" ? "" : " **" rok[k] "**"), (ra[k] - t0) / 1000, (rb[k] - ra[k]) / 1000, pbad["r" k], ms(pmax["r" k]),
      (lastbad ? sprintf("%.1f", rec[k]) : "0 (never above)"), series
  }
  print ""
  print "(**bold**: the slice during which the restart began.)"
  print ""
  # memory
  while ((getline line < mem) > 0) { split(line, m, " "); nm++; mmin[nm] = m[1]; mt[nm] = m[2]; mrss[nm] = m[3]; mheap[nm] = m[4] }
  base = 0
  # From minute 5: the server remembers TC3 signatures for 5 min, so the heap holds the signatures
  # of five request files only from then on.
  for (i = 1; i <= nm; i++) if (base == 0 && mmin[i] >= 5) base = i
  judged = (base > 0 && nm > base)
  rs = ""; for (i = 1; i <= nm; i++) rs = rs (i > 1 ? ", " : "") sprintf("%d:45 %.0f", mmin[i], mrss[i] / 1024)
  hs = ""; for (i = 1; i <= nm; i++) hs = hs (i > 1 ? ", " : "") sprintf("%d:45 %.1f", mmin[i], mheap[i] / 1024)
  # Growth = the least-squares line through every sample from 5:45 on, its rise over that span as
  # a share of the mean. The heap after a full collection is a sawtooth (a few tens of MiB: the
  # signatures remembered for 5 min fill it and are swept): two ends, even medians of three, land on
  # different phases of it and showed +12 % on a flat series; the fitted line does not.
  wide = (judged && nm - base >= 2)
  rg = judged ? fitgrowth(mrss, base, nm) : 999
  hg = judged ? fitgrowth(mheap, base, nm) : 999
  print "Server RSS (MiB) at minute:second of the soak: " rs "."
  print ""
  print "Heap in use right after a full collection (MiB; `jcmd GC.run`, then `jstat -gc` old generation): " hs "."
  print ""
  while ((getline line < f0) > 0) { k = line; sub(/ [^ ]+$/, "", k); c = line; sub(/.* /, "", c); fs0[k] = c }
  kinds = ""
  while ((getline line < f1) > 0) { k = line; sub(/ [^ ]+$/, "", k); c = line; sub(/.* /, "", c); d = c - fs0[k]; if (d > 0) kinds = kinds (kinds == "" ? "" : "; ") "`" k "` " d }
  print "Non-success by kind over the soak (server counters): " (kinds == "" ? "none" : kinds) "."
  getline vline < vout
  print "Checker (Decrypt of seeded ciphertexts, Encrypt then Decrypt, GenerateDataKey then Decrypt, hot and cold keys, 20/s): " vline "."
  print ""
  # verdict
  ok1 = (wrong == 0 && checks_ok > 0)
  ok2 = (outbad == 0)
  print "Checks:"
  printf "- wrong answers: %d (%d checks right) — %s\n", wrong, checks_ok, ok1 ? "pass" : "**FAIL**"
  printf "- non-success outside the restart windows: %d of %d requests (checker: %d failed) — %s\n", outbad, outreq, outcfail, ok2 ? "pass" : "**FAIL**"
  okr = 1
  for (k = 1; k <= nr; k++) {
    o = (rok[k] == "ok" && rec[k] <= 10 && normal > 0)
    printf "- p99 after the %s restart back within 2 × normal after %.1f s (target ≤ 10 s) — %s\n", (rname[k] == "postgres" ? "Postgres" : "Redis"), rec[k], o ? "pass" : "**FAIL**"
    if (!o) okr = 0
  }
  if (nr < 2) { print "- restarts: only " nr " of 2 happened — **FAIL**"; okr = 0 }
  ok4 = (!judged || (rg < 10 && hg < 10))
  if (judged) printf "- memory from %d:45 to %d:45%s: RSS %+.1f %%, heap after a full collection %+.1f %% (target < 10 %% each) — %s\n", mmin[base], mmin[nm],
    (wide ? " (growth of the least-squares line through every sample)" : ""), rg, hg, ok4 ? "pass" : "**FAIL**"
  else print "- memory: not judged (needs samples from 5:45 on and a later one: a soak of at least 7 min)"
  rate = outsec > 0 ? outreq / outsec : 0
  wrate = outwrk > 0 ? outreq / outwrk : 0
  printf "- rate outside the restart windows: %.0f req/s while wrk ran (%.0f %% of the %d req/s planned), %.0f req/s including the gaps between slices%s\n",
    wrate, wrate * 100 / target, target, rate, (wrate < 0.9 * target ? " (below 90 % of the plan: the server or wrk fell behind; not one of the checks)" : "")
  verdict = ok1 && ok2 && okr && ok4
  print ""
  print "Verdict: " (verdict ? "**pass**" : "**FAIL**")
  print "SOAK_RESULT " (verdict ? 0 : 1) > "/dev/stderr"
}' "$SLICES_TSV" >>"$WORK/soak.md" 2>"$WORK/soak-result.txt"
grep -q '^SOAK_RESULT 0' "$WORK/soak-result.txt" || SOAK_FAILED=1
grep -v '^SOAK_RESULT' "$WORK/soak-result.txt" >&2 || true
echo "   soak slices: $SLICES_TSV" >&2
