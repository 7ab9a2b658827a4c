#!/usr/bin/env bash
# Builds the server image as users build it (from target/kms.jar, which `./mvnw package` makes) and
# runs it as the Kubernetes manifests do: uid/gid 10001, read-only root filesystem with a tmpfs on
# /tmp only, all capabilities dropped, the config and the secrets as read-only files at the
# Deployment's paths. Against the machine's Postgres (127.0.0.1:5432, trust, user postgres; a fresh
# database dropped at the end) and Redis (127.0.0.1:6379), on host networking and free ports, it
# checks:
#   1. the image: no build tools, no test classes, no secrets (docker history, docker export);
#   2. one container: /readyz 200, a TC3-signed CreateKey/Encrypt/Decrypt round trip, and
#      `docker stop` draining and exiting 0 within the grace period;
#   3. two containers on one database and one Redis: an account's QPS limit holds across both, and
#      an API 2.0 nonce used on one is refused by the other.
#
# Needs root (it installs Debian's docker.io and debootstrap when missing and starts dockerd when no
# daemon answers), a JDK on the PATH (the signed requests come from load-tests/bench/BenchGen.java),
# and target/kms.jar. No registry is needed: the runtime base is a Debian bookworm with
# openjdk-17-jre-headless made with debootstrap from the mirror apt uses and `docker import`ed once
# (cached under its tag: `docker rmi tkms-test/debian-jre17:bookworm` makes it again).
# TKMS_IMAGE_TEST_BASE=<a JRE 17 image> builds on that base instead (pulled if need be), e.g. the
# Dockerfile's default eclipse-temurin:17.0.15_6-jre where a registry is reachable.
# Prints each check; exits non-zero on the first failed one; removes its containers, image, database,
# Redis keys and temporary files on every exit.
set -euo pipefail
cd "$(dirname "$0")/.."

OWN_BASE=tkms-test/debian-jre17:bookworm
BASE_IMAGE=${TKMS_IMAGE_TEST_BASE:-$OWN_BASE}
RUN_ID="$(date +%s)-$$"
IMAGE="tkms-image-test:$RUN_ID"
NAME="tkms-image-test-$RUN_ID"
DB="kms_image_$(date +%s)_$RANDOM"
REDIS_PREFIX="tkms-image-test-$RUN_ID:"
APPID=1250000000
SECRET_ID="AKIDimage$(date +%s)$RANDOM"
STOP_GRACE=30      # seconds given to `docker stop -t`; the server drains within KMS_SERVER_DRAIN_TIMEOUT_SECONDS (20)
CRYPTO_QPS=10      # the account limit of the two-container run
started=$SECONDS
export DOCKER_BUILDKIT=0   # Debian's docker.io has no BuildKit; the Dockerfile works with either builder

WORK=$(mktemp -d /tmp/tkms-image-test.XXXXXX)
ROOTFS=
db_created=
containers=()

log() { echo "image test: $*"; }
fail() { echo "image test: FAILED: $*" >&2; exit 1; }
ok() { echo "  ok: $*"; }

cleanup() {
  local rc=$?
  trap - EXIT
  if [ "$rc" -ne 0 ]; then
    for c in "${containers[@]}"; do
      echo "--- last server log lines of $c (audit lines left out)" >&2
      docker logs "$c" 2>&1 | grep -v '^{"time"' | tail -n 25 | sed 's/^/    /' >&2 || true
    done
  fi
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  docker rmi -f "$IMAGE" >/dev/null 2>&1 || true
  if [ -n "$db_created" ]; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  redis-cli -h 127.0.0.1 -p 6379 --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null \
    | xargs -r redis-cli -h 127.0.0.1 -p 6379 del >/dev/null 2>&1 || true
  if [ -n "$ROOTFS" ]; then
    # An interrupted debootstrap may leave proc/sys mounted in its target.
    awk -v r="$ROOTFS/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l || true
    rm -rf --one-file-system "$ROOTFS"
  fi
  rm -rf "$WORK"
  if [ "$rc" -eq 0 ]; then
    log "passed in $((SECONDS - started)) s"
  else
    log "failed (exit $rc) after $((SECONDS - started)) s"
  fi
  exit "$rc"
}
trap cleanup EXIT

[ -f target/kms.jar ] || fail "target/kms.jar is missing: run ./mvnw -q package -DskipTests first"

# ---- a container engine and debootstrap ----------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y "${missing[@]}" >"$WORK/apt.log" 2>&1; then
    apt-get update >>"$WORK/apt.log" 2>&1 && apt-get install -y "${missing[@]}" >>"$WORK/apt.log" 2>&1 \
      || { tail -n 20 "$WORK/apt.log"; fail "could not install ${missing[*]}"; }
  fi
fi
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/tkms-dockerd.log)"
  setsid dockerd >/var/log/tkms-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -n 20 /var/log/tkms-dockerd.log; fail "dockerd did not answer in 60 s"; }
fi

# ---- the runtime base: Debian bookworm + openjdk-17-jre-headless, made here ------------------------
# The Debian mirror apt uses: deb822 .sources files first, then one-line .list files.
apt_mirror() {
  local m
  m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk 'BEGIN { RS = "" } {
        uri = ""; suite = 0; src_only = 0; off = 0; n = split($0, l, "\n")
        for (i = 1; i <= n; i++) {
          if (l[i] ~ /^URIs:/) { split(l[i], w, /[ \t]+/); uri = w[2] }
          if (l[i] ~ /^Suites:/ && (l[i] " ") ~ /[ \t]bookworm[ \t]/) suite = 1
          if (l[i] ~ /^Types:/ && (l[i] " ") !~ /[ \t]deb[ \t]/) src_only = 1
          if (l[i] ~ /^Enabled:[ \t]*no/) off = 1
        }
        if (uri != "" && suite && !src_only && !off) { print uri; exit }
      }')
  if [ -z "$m" ]; then
    m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
  fi
  echo "${m:-http://deb.debian.org/debian}"
}
if [ "$BASE_IMAGE" != "$OWN_BASE" ]; then
  log "runtime base $BASE_IMAGE (TKMS_IMAGE_TEST_BASE)"
elif docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "runtime base $BASE_IMAGE: cached"
else
  mirror=$(apt_mirror)
  log "making runtime base $BASE_IMAGE with debootstrap from $mirror"
  t=$SECONDS
  ROOTFS=$(mktemp -d /var/tmp/tkms-rootfs.XXXXXX)
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
    bookworm "$ROOTFS" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 20 "$WORK/debootstrap.log"; fail "debootstrap failed"; }
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar -C "$ROOTFS" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf --one-file-system "$ROOTFS"
  ROOTFS=
  ok "runtime base made in $((SECONDS - t)) s"
fi
docker run --rm --entrypoint java "$BASE_IMAGE" -version >"$WORK/java-version" 2>&1 \
  || { cat "$WORK/java-version"; fail "the runtime base has no java on its PATH"; }
ok "runtime base runs: $(head -n 1 "$WORK/java-version")"

# ---- build ---------------------------------------------------------------------------------------
t=$SECONDS
docker build --build-arg RUNTIME_IMAGE="$BASE_IMAGE" -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
  || { tail -n 30 "$WORK/build.log"; fail "docker build failed"; }
ok "docker build --build-arg RUNTIME_IMAGE=$BASE_IMAGE: $IMAGE in $((SECONDS - t)) s"

# ---- 1. what the image holds -----------------------------------------------------------------------
[ "$(docker image inspect -f '{{.Config.User}}' "$IMAGE")" = "10001:10001" ] || fail "the image's USER is not 10001:10001"
ok "USER 10001:10001"
docker history --no-trunc --format '{{.CreatedBy}}' "$IMAGE" >"$WORK/history"
if grep -Ein 'mvn|javac|gcc|apt-get|unseal|secret|password|token|credential|data/' "$WORK/history"; then
  fail "a build step of the image names a build tool or a secret (docker history above)"
fi
docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" >"$WORK/env"
if grep -E '^KMS_' "$WORK/env"; then fail "the image sets KMS_* variables (above)"; fi
ok "docker history: only the runtime steps, no build tool, no secret; no KMS_* in the image's environment"
containers+=("$NAME-export")
docker create --name "$NAME-export" "$IMAGE" >/dev/null
docker export "$NAME-export" | tar -t >"$WORK/files"
docker cp "$NAME-export:/app/kms.jar" "$WORK/kms.jar"
bad=$(grep -E '(^|/)(mvn|mvnw|javac|gcc|cc|g\+\+|make)$|(^|/)\.m2/|(^|/)\.git/|^app/(data|src|target)/|unseal|dev-credentials|secret|Test\.class$|IT\.class$|io/tkms/it/' \
  "$WORK/files" || true)
[ -z "$bad" ] || { echo "$bad" | head -n 20; fail "the image holds build tools, test classes or secrets (above)"; }
app=$(grep -E '^app/' "$WORK/files" | grep -vE '^app/(kms\.jar|conf/.*)?$' || true)
[ -z "$app" ] || { echo "$app"; fail "/app holds more than kms.jar and conf/"; }
jar tf "$WORK/kms.jar" >"$WORK/jar-files"
bad=$(grep -E '^io/tkms/.*(Test|IT)(\$.*)?\.class$|^io/tkms/it/|unseal|dev-credentials' "$WORK/jar-files" || true)
[ -z "$bad" ] || { echo "$bad" | head -n 20; fail "kms.jar holds test classes or secrets (above)"; }
cmp -s "$WORK/kms.jar" target/kms.jar || fail "/app/kms.jar is not target/kms.jar"
ok "docker export ($(wc -l <"$WORK/files") paths): no mvn, javac, gcc, .git, data/, test classes or secrets;"
ok "/app is kms.jar (= target/kms.jar, $(wc -l <"$WORK/jar-files") entries, no test classes) and conf/"

# ---- running it as the Deployment does ---------------------------------------------------------------
# The Secret's files, mode 0440, group 10001 (the Deployment's fsGroup), mounted where it mounts them.
SECRETS="$WORK/secrets"
mkdir -m 0750 "$SECRETS"
head -c 32 /dev/urandom | base64 >"$SECRETS/unseal-key"
head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$SECRETS/admin-token"
SECRET_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
printf '%s' "$SECRET_KEY" >"$SECRETS/bootstrap-secret-key"
printf '%s' "unused-with-trust-auth" >"$SECRETS/pg-password"
chgrp -R 10001 "$SECRETS"
chmod 0440 "$SECRETS"/*

psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
db_created=1

# next_port VAR: a free port (nothing listens on it, not handed out before) into VAR.
used_ports=" 5432 6379 8080 9090 9100 "
next_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    case "$used_ports" in *" $p "*) continue ;; esac
    if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      used_ports+="$p "
      printf -v "$1" '%s' "$p"
      return
    fi
  done
  fail "no free port"
}

# run_kms NAME HTTP_PORT METRICS_PORT [docker run options...]: starts the image as the
# Deployment's container, with its limits (1 GiB, 2 CPUs), securityContext, volumes and environment
# (its management listener on a free port too).
run_kms() {
  local name=$1 http=$2 metrics=$3 admin
  shift 3
  next_port admin
  containers+=("$name")
  docker run -d --name "$name" --network host \
    --user 10001:10001 --read-only --tmpfs /tmp:rw,exec,nosuid,size=128m \
    --cap-drop ALL --security-opt no-new-privileges --memory 1g --cpus 2 \
    -v "$PWD/k8s/base/kms.yaml:/etc/kms/config/kms.yaml:ro" \
    -v "$SECRETS:/run/secrets/kms:ro" \
    -e KMS_CONFIG=/etc/kms/config/kms.yaml \
    -e JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=70.0 -XX:InitialRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    -e KMS_SERVER_DRAIN_TIMEOUT_SECONDS=20 \
    -e KMS_ADMIN_HOST=127.0.0.1 \
    -e KMS_UNSEAL_KEY_FILE=/run/secrets/kms/unseal-key \
    -e KMS_ADMIN_TOKEN_FILE=/run/secrets/kms/admin-token \
    -e KMS_BOOTSTRAP_SECRET_KEY_FILE=/run/secrets/kms/bootstrap-secret-key \
    -e KMS_PG_PASSWORD_FILE=/run/secrets/kms/pg-password \
    -e KMS_BOOTSTRAP_APPID="$APPID" -e KMS_BOOTSTRAP_SECRET_ID="$SECRET_ID" \
    -e KMS_PG_URL="postgresql://postgres@127.0.0.1:5432/$DB" \
    -e KMS_HTTP_PORT="$http" -e KMS_ADMIN_PORT="$admin" -e KMS_METRICS_PORT="$metrics" \
    "$@" "$IMAGE" >/dev/null
}

# wait_ready NAME HTTP_PORT: /readyz 200 within 120 s, or the container's exit is reported.
wait_ready() {
  local name=$1 port=$2
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || fail "$name exited during start"
    sleep 0.5
  done
  fail "$name did not become ready in 120 s"
}

javac -d "$WORK/gen" load-tests/bench/BenchGen.java
gen() { java -cp "$WORK/gen" BenchGen "$@"; }
field() { sed -nE "s/.*\"$1\" *: *\"([^\"]*)\".*/\1/p"; }

# ---- 2. one container: ready, a signed round trip, a clean stop -------------------------------------
log "one container, as the Deployment runs it (database $DB)"
next_port PORT
next_port METRICS
t=$SECONDS
run_kms "$NAME-single" "$PORT" "$METRICS"
wait_ready "$NAME-single" "$PORT"
ok "/readyz 200 after $((SECONDS - t)) s: $(curl -s "http://127.0.0.1:$PORT/readyz")"
URL="http://127.0.0.1:$PORT"
key=$(gen call "$URL" "$SECRET_ID" "$SECRET_KEY" CreateKey "{\"Alias\":\"image-test-$RUN_ID\"}" | field KeyId)
[ -n "$key" ] || fail "CreateKey answered no KeyId"
plain=$(printf 'hello from the image test %s' "$RUN_ID" | base64 -w0)
blob=$(gen call "$URL" "$SECRET_ID" "$SECRET_KEY" Encrypt "{\"KeyId\":\"$key\",\"Plaintext\":\"$plain\"}" | field CiphertextBlob)
[ -n "$blob" ] || fail "Encrypt answered no CiphertextBlob"
back=$(gen call "$URL" "$SECRET_ID" "$SECRET_KEY" Decrypt "{\"CiphertextBlob\":\"$blob\"}" | field Plaintext)
[ "$back" = "$plain" ] || fail "Decrypt answered '$back', expected '$plain'"
ok "TC3-signed CreateKey, Encrypt, Decrypt: the plaintext comes back"
t0=$(date +%s%N)
docker stop -t "$STOP_GRACE" "$NAME-single" >/dev/null
stop_ms=$((($(date +%s%N) - t0) / 1000000))
code=$(docker inspect -f '{{.State.ExitCode}}' "$NAME-single")
[ "$code" = 0 ] || fail "docker stop: exit code $code, expected 0 (137 would mean killed after the grace period)"
[ "$stop_ms" -lt $((STOP_GRACE * 1000)) ] || fail "docker stop took $stop_ms ms, the grace period is $STOP_GRACE s"
docker logs "$NAME-single" >"$WORK/single.log" 2>&1
grep -q 'drained' "$WORK/single.log" || fail "no 'drained' line in the server's log after SIGTERM"
ok "docker stop -t $STOP_GRACE: drained, exit code 0 after $stop_ms ms"

# ---- 3. two containers, one database, one Redis ---------------------------------------------------------
log "two containers on one database and one Redis (key prefix $REDIS_PREFIX), account limit $CRYPTO_QPS QPS"
next_port PA
next_port PB
next_port MA
next_port MB
# KMS_REDIS_TIMEOUT_MS: on a busy machine a Redis answer can take longer than the default 50 ms, and
# the limiter would then decide alone (KMS_REDIS_FAILURE_MODE); this run is about the Redis path.
shared=(-e KMS_REDIS_URL=redis://127.0.0.1:6379 -e KMS_REDIS_KEY_PREFIX="$REDIS_PREFIX"
  -e KMS_REDIS_TIMEOUT_MS=1000 -e KMS_DEFAULT_CRYPTO_QPS="$CRYPTO_QPS")
t=$SECONDS
run_kms "$NAME-a" "$PA" "$MA" "${shared[@]}"
run_kms "$NAME-b" "$PB" "$MB" "${shared[@]}"
wait_ready "$NAME-a" "$PA"
wait_ready "$NAME-b" "$PB"
ok "both ready after $((SECONDS - t)) s"
UA="http://127.0.0.1:$PA"
UB="http://127.0.0.1:$PB"

# (a) The limit is one bucket for both: capacity CRYPTO_QPS, refilled by CRYPTO_QPS per second
# (Bucket4j, greedy). Alone, each container admits at least a full bucket of a burst of
# BURST = 3 x CRYPTO_QPS requests. The same burst at both at once, T ms from the first request
# sent to the last answer, passes at most CRYPTO_QPS + the refill of T ms in all, where two
# separate buckets would pass that much at each. Every burst starts after a pause that refills
# the bucket.
BURST=$((3 * CRYPTO_QPS))
enc="{\"KeyId\":\"$key\",\"Plaintext\":\"$plain\"}"
burst() { sleep 1.5; gen burst "$1" "$SECRET_ID" "$SECRET_KEY" "$BURST" Encrypt "$enc" >"$WORK/burst"; }
count() { awk -v u="$1" '$1 == u { print $3 }' "$WORK/burst"; }
elapsed() { awk '$1 == "elapsed_ms" { print $2 }' "$WORK/burst"; }
burst "$UA"
alone_a=$(count "$UA")
ok "A alone: $alone_a of $BURST admitted in $(elapsed) ms"
burst "$UB"
alone_b=$(count "$UB")
ok "B alone: $alone_b of $BURST admitted in $(elapsed) ms"
[ "$alone_a" -ge "$CRYPTO_QPS" ] && [ "$alone_b" -ge "$CRYPTO_QPS" ] \
  || fail "a container alone admitted less than its limit of $CRYPTO_QPS"
burst "$UA,$UB"
both_a=$(count "$UA")
both_b=$(count "$UB")
both=$((both_a + both_b))
ms=$(elapsed)
grep -E ' other [1-9]' "$WORK/burst" && fail "answers that are neither success nor RequestLimitExceeded (above)"
shared=$((CRYPTO_QPS + (CRYPTO_QPS * ms + 999) / 1000))
separate=$((2 * (shared < BURST ? shared : BURST)))
[ "$shared" -lt "$separate" ] \
  || fail "the burst at both took $ms ms: too slow to tell one bucket ($shared) from two ($separate)"
[ "$both" -le "$shared" ] \
  || fail "A and B together admitted $both (A $both_a, B $both_b) in $ms ms; one shared bucket passes at most $shared"
fallbacks=0
for m in "$MA" "$MB"; do
  n=$(curl -s "http://127.0.0.1:$m/metrics" \
    | awk '/^kms_redis_fallbacks_total\{.*kind="limiter"/ { s += $NF; seen = 1 } END { print seen ? s : "none" }')
  [ "$n" != none ] || fail "no kms_redis_fallbacks_total{kind=\"limiter\"} on the metrics port $m"
  fallbacks=$((fallbacks + ${n%.*}))
done
[ "$fallbacks" -eq 0 ] || fail "$fallbacks limiter decisions were made without Redis (kms_redis_fallbacks_total)"
ok "A and B at once: $both admitted (A $both_a, B $both_b) of $((2 * BURST)) in $ms ms: within one shared" \
  "bucket ($CRYPTO_QPS + refill = $shared); two separate buckets would pass up to $separate (alone: A $alone_a," \
  "B $alone_b); all decided by Redis"

# (b) The same API 2.0 request (SecretId, Timestamp, Nonce) on A, then on B. BenchGen signs for A's
# Host; both get that Host header, as behind one load balancer.
nonce=$((100000 + RANDOM * 32 + RANDOM % 32))
gen v2 "$UA" "$SECRET_ID" "$SECRET_KEY" 16 2 "$nonce" "$WORK/v2" 2>/dev/null
prefix=$(sed -n 1p "$WORK/v2")
middle=$(sed -n 2p "$WORK/v2")
v2_body() { printf '%s%s%s%s' "$prefix" "$1" "$middle" "$(awk -v n="$1" '$1 == n { print $2 }' "$WORK/v2")"; }
v2_send() {
  curl -s -H "Host: 127.0.0.1:$PA" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "$(v2_body "$2")" "$1/v2/index.php"
}
first=$(v2_send "$UA" "$nonce")
echo "$first" | grep -q '"code":0' || fail "API 2.0 Encrypt on A: $first"
replay=$(v2_send "$UB" "$nonce")
echo "$replay" | grep -q '"code":4100' && echo "$replay" | grep -qi 'nonce' \
  || fail "the same request on B was not refused as a replayed nonce: $replay"
fresh=$(v2_send "$UB" $((nonce + 1)))
echo "$fresh" | grep -q '"code":0' || fail "the same request with a fresh nonce on B: $fresh"
ok "API 2.0 nonce $nonce: accepted by A, refused by B ($(echo "$replay" | field message)); a fresh nonce passes on B"

for c in "$NAME-a" "$NAME-b"; do
  docker stop -t "$STOP_GRACE" "$c" >/dev/null
  [ "$(docker inspect -f '{{.State.ExitCode}}' "$c")" = 0 ] || fail "$c: exit code after docker stop is not 0"
done
ok "both stopped with exit code 0"
