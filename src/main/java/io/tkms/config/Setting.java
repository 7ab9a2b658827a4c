package io.tkms.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one registry of settings: each has a key in {@code conf/kms.yaml} (dotted path), an
 * environment variable that overrides it, a default and a description. Secrets can also be given as
 * a file path in {@code <ENV>_FILE} (or the YAML key {@code <key>_file}).
 */
public enum Setting {
  HTTP_HOST(
      "http.host",
      "KMS_HTTP_HOST",
      "0.0.0.0",
      false,
      "Address the API listener binds to; in development mode `127.0.0.1` unless set."),
  HTTP_PORT(
      "http.port",
      "KMS_HTTP_PORT",
      "8080",
      false,
      "Port of the API listener (HTTP, or HTTPS when TLS is configured)."),
  DATA_DIR(
      "data.dir",
      "KMS_DATA_DIR",
      "./data",
      false,
      "Directory for the embedded Postgres (`pg/`), the development unseal key and development credentials."),
  DEV_MODE(
      "server.dev_mode",
      "KMS_DEV_MODE",
      "false",
      false,
      "Development mode (also `java -jar kms.jar --dev`): the only mode in which a missing unseal key or bootstrap credential is generated under the data directory instead of stopping the start; listeners default to `127.0.0.1`."),
  TLS_CERT_FILE(
      "tls.cert_file",
      "KMS_TLS_CERT_FILE",
      "",
      false,
      "PEM certificate chain; with `tls.key_file` the API listener serves HTTPS."),
  TLS_KEY_FILE(
      "tls.key_file", "KMS_TLS_KEY_FILE", "", false, "PEM private key for `tls.cert_file`."),
  PG_URL(
      "pg.url",
      "KMS_PG_URL",
      "",
      false,
      "External Postgres, e.g. `postgresql://kms@db:5432/kms?sslmode=require`. Empty: start the embedded Postgres."),
  PG_PASSWORD("pg.password", "KMS_PG_PASSWORD", "", true, "Password for `pg.url`."),
  PG_POOL_SIZE("pg.pool_size", "KMS_PG_POOL_SIZE", "8", false, "Postgres connections per process."),
  PG_QUERY_TIMEOUT_MS(
      "pg.query_timeout_ms",
      "KMS_PG_QUERY_TIMEOUT_MS",
      "2000",
      false,
      "Deadline of the request path's Postgres work: `statement_timeout` on its connections, the wait for a pooled connection, connecting, and the kernel's give-up time for an unanswered connection (TCP_USER_TIMEOUT, with the epoll transport). Migrations, the migration lock and the background jobs use connections of their own without it."),
  UNSEAL_KEY(
      "unseal.key",
      "KMS_UNSEAL_KEY",
      "",
      true,
      "32 random bytes, base64 (`openssl rand -base64 32`), sealing the root key. Required, except in development mode, which generates one under the data directory."),
  HSA(
      "hsa.type",
      "KMS_HSA",
      "software",
      false,
      "Who keeps the root key: `software` (in memory, stored in Postgres under a keyring key sealed by the unseal key) or `pkcs11` (non-extractable objects in a PKCS#11 token; no unseal key needed). Changing it needs `java -jar kms.jar seal migrate`."),
  PKCS11_LIBRARY(
      "hsa.pkcs11.library",
      "KMS_PKCS11_LIBRARY",
      "",
      false,
      "With `KMS_HSA=pkcs11`: path of the token's PKCS#11 module (SoftHSM2: `/usr/lib/softhsm/libsofthsm2.so`)."),
  PKCS11_SLOT_INDEX(
      "hsa.pkcs11.slot_index",
      "KMS_PKCS11_SLOT_INDEX",
      "0",
      false,
      "With `KMS_HSA=pkcs11`: index of the token's slot in the module's slot list (slot ids can change when a token is re-initialised; the index does not)."),
  PKCS11_PIN(
      "hsa.pkcs11.pin", "KMS_PKCS11_PIN", "", true, "With `KMS_HSA=pkcs11`: the token's user PIN."),
  PKCS11_KEY_LABEL(
      "hsa.pkcs11.key_label",
      "KMS_PKCS11_KEY_LABEL",
      "tkms-root",
      false,
      "With `KMS_HSA=pkcs11`: label prefix of the root-key objects; version n is `<label>-v<n>`."),
  BOOTSTRAP_APPID(
      "bootstrap.appid",
      "KMS_BOOTSTRAP_APPID",
      "",
      false,
      "AppId of an owner account ensured at start."),
  BOOTSTRAP_UIN(
      "bootstrap.uin",
      "KMS_BOOTSTRAP_UIN",
      "",
      false,
      "Uin of the bootstrap owner (default: the AppId)."),
  BOOTSTRAP_SECRET_ID(
      "bootstrap.secret_id",
      "KMS_BOOTSTRAP_SECRET_ID",
      "",
      false,
      "SecretId (AKID...) of the bootstrap credential."),
  BOOTSTRAP_SECRET_KEY(
      "bootstrap.secret_key",
      "KMS_BOOTSTRAP_SECRET_KEY",
      "",
      true,
      "SecretKey of the bootstrap credential."),
  REGIONS(
      "regions",
      "KMS_REGIONS",
      "ap-guangzhou,ap-shanghai,ap-beijing",
      false,
      "Comma-separated regions served; `gz`, `sh`, `bj` are aliases of the first three."),
  DEFAULT_REGION(
      "default_region",
      "KMS_DEFAULT_REGION",
      "ap-guangzhou",
      false,
      "Region used when a request names none."),
  SM_REGIONS(
      "sm_regions",
      "KMS_SM_REGIONS",
      "",
      false,
      "Comma-separated regions (of `KMS_REGIONS`) of the SM profile: new symmetric CMKs there are"
          + " SM4 (SM4-GCM, 16-byte material, shown with `Type` 4); elsewhere AES-256-GCM. Fixed"
          + " per key at creation: changing it never changes an existing key."),
  DEFAULT_CRYPTO_QPS(
      "limits.default_crypto_qps",
      "KMS_DEFAULT_CRYPTO_QPS",
      "10000",
      false,
      "Per-account QPS of the crypto actions: Encrypt, Decrypt, GenerateDataKey, ReEncrypt and GenerateRandom."),
  DEFAULT_MANAGEMENT_QPS(
      "limits.default_management_qps",
      "KMS_DEFAULT_MANAGEMENT_QPS",
      "100",
      false,
      "Per-account QPS for all other actions."),
  DEFAULT_SIGN_QPS(
      "limits.default_sign_qps",
      "KMS_DEFAULT_SIGN_QPS",
      "1000",
      false,
      "Per-account QPS of SignByAsymmetricKey."),
  DEFAULT_VERIFY_QPS(
      "limits.default_verify_qps",
      "KMS_DEFAULT_VERIFY_QPS",
      "1000",
      false,
      "Per-account QPS of VerifyByAsymmetricKey."),
  DEFAULT_ASYMMETRIC_DECRYPT_QPS(
      "limits.default_asymmetric_decrypt_qps",
      "KMS_DEFAULT_ASYMMETRIC_DECRYPT_QPS",
      "1000",
      false,
      "Per-account QPS of AsymmetricRsaDecrypt and AsymmetricSm2Decrypt together."),
  DEFAULT_PUBLIC_KEY_QPS(
      "limits.default_public_key_qps",
      "KMS_DEFAULT_PUBLIC_KEY_QPS",
      "1000",
      false,
      "Per-account QPS of GetPublicKey."),
  LIMITS_ACTIONS(
      "limits.actions",
      "KMS_LIMITS_ACTIONS",
      "",
      false,
      "Default per-action limits on top of the group limits, e.g. `GenerateDataKey=100,GenerateRandom=150` (see `conf/profiles/tencent.env`)."),
  AUTH_FAILURES_PER_IP(
      "limits.auth_failures_per_ip",
      "KMS_LIMITS_AUTH_FAILURES_PER_IP",
      "20",
      false,
      "Failed authentications per second allowed from one source (an IPv4 address, an IPv6 /64) before it is throttled."),
  CMK_QUOTA("limits.cmk_quota", "KMS_CMK_QUOTA", "10000", false, "CMKs per account and region."),
  TIMESTAMP_WINDOW(
      "auth.timestamp_window_seconds",
      "KMS_AUTH_TIMESTAMP_WINDOW_SECONDS",
      "300",
      false,
      "Allowed clock skew of a request's Timestamp, in seconds either way."),
  REPLAY_CACHE_SIZE(
      "auth.replay_cache_size",
      "KMS_AUTH_REPLAY_CACHE_SIZE",
      "2000000",
      false,
      "Most (SecretId, Timestamp, Nonce) triples remembered for replay protection."),
  SIGNATURE_CACHE_SIZE(
      "auth.signature_cache_size",
      "KMS_AUTH_SIGNATURE_CACHE_SIZE",
      "2000000",
      false,
      "Most TC3 signatures remembered with the action, region and version they ran as (for signatures that do not sign `x-tc-action`), per replica; when full, such requests fail with `InternalError` until entries expire (about 32 bytes each)."),
  ALLOW_UNSIGNED_PAYLOAD(
      "auth.allow_unsigned_payload",
      "KMS_AUTH_ALLOW_UNSIGNED_PAYLOAD",
      "false",
      false,
      "Accept TC3 requests sent with `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` (`true` or `false`). Such a request's body is not covered by its signature: anyone who sees one request can send any body with its headers for the timestamp window. Leave off unless a client cannot sign its body."),
  KEY_CACHE_SIZE(
      "cache.key_cache_size",
      "KMS_CACHE_KEY_CACHE_SIZE",
      "10000",
      false,
      "Unwrapped CMKs kept in memory."),
  KEY_CACHE_TTL(
      "cache.key_cache_ttl_seconds",
      "KMS_CACHE_KEY_CACHE_TTL_SECONDS",
      "300",
      false,
      "Longest time an unwrapped CMK stays in memory."),
  CREDENTIAL_CACHE_TTL(
      "cache.credential_ttl_seconds",
      "KMS_CACHE_CREDENTIAL_TTL_SECONDS",
      "60",
      false,
      "Safety-net refresh interval of cached credentials."),
  LOG_FORMAT(
      "log.format",
      "KMS_LOG_FORMAT",
      "text",
      false,
      "Log line format: `text` for people, `json` (one JSON object per line) for collectors."),
  LOG_LEVELS(
      "log.levels",
      "KMS_LOG_LEVELS",
      "",
      false,
      "Per-logger levels, e.g. `io.tkms=DEBUG,io.netty=WARN` (the audit logger is `kms.audit`)."),
  AUDIT_FAILURE_MODE(
      "audit.failure_mode",
      "KMS_AUDIT_FAILURE_MODE",
      "drop",
      false,
      "When the audit queue is full: `drop` answers anyway and counts the event (`kms_audit_dropped_total`, `dropped` on the next line); `block` holds the answer until the event is queued, at most `KMS_AUDIT_BLOCK_TIMEOUT_MS`, then answers `InternalError`."),
  AUDIT_BLOCK_TIMEOUT_MS(
      "audit.block_timeout_ms",
      "KMS_AUDIT_BLOCK_TIMEOUT_MS",
      "1000",
      false,
      "With `KMS_AUDIT_FAILURE_MODE=block`: how long an answer waits for room in the audit queue."),
  JOBS_INTERVAL(
      "jobs.interval_seconds",
      "KMS_JOBS_INTERVAL_SECONDS",
      "60",
      false,
      "How often each replica runs the purge and rotation jobs (due dates are judged by the database's clock)."),
  EVENT_LOOPS(
      "server.event_loops",
      "KMS_SERVER_EVENT_LOOPS",
      "0",
      false,
      "API verticle instances (0: one per core)."),
  CRYPTO_WORKERS(
      "server.crypto_workers",
      "KMS_SERVER_CRYPTO_WORKERS",
      "0",
      false,
      "Threads of the crypto worker pool (0: two per core)."),
  CRYPTO_QUEUE_SIZE(
      "server.crypto_queue_size",
      "KMS_SERVER_CRYPTO_QUEUE_SIZE",
      "1024",
      false,
      "Most tasks (key unwraps, key generation) waiting or running in the crypto worker pool; one more is refused at once with `RequestLimitExceeded` \"server busy\" (API 2.0: 4420/10250) and counted in `kms_crypto_busy_total`. Encrypt and Decrypt with a cached key do not use the pool."),
  REQUEST_TIMEOUT_MS(
      "server.request_timeout_ms",
      "KMS_REQUEST_TIMEOUT_MS",
      "5000",
      false,
      "Deadline of every API request: past it the caller gets `InternalError` (API 2.0: 6000/10050) at once, and the audit event's result is `InternalError.Timeout`. A change already sent to Postgres may still commit (one transaction: wholly or not at all)."),
  DRAIN_TIMEOUT(
      "server.drain_timeout_seconds",
      "KMS_SERVER_DRAIN_TIMEOUT_SECONDS",
      "20",
      false,
      "On SIGTERM `/readyz` answers 503 at once; in-flight API requests then get this long to finish before the listeners stop and the process exits 0."),
  ADMIN_TOKEN(
      "admin.token",
      "KMS_ADMIN_TOKEN",
      "",
      true,
      "Bearer token of the management API; empty: no management listener."),
  ADMIN_HOST(
      "admin.host", "KMS_ADMIN_HOST", "127.0.0.1", false, "Address of the management listener."),
  ADMIN_PORT("admin.port", "KMS_ADMIN_PORT", "9090", false, "Port of the management listener."),
  METRICS_HOST(
      "metrics.host",
      "KMS_METRICS_HOST",
      "0.0.0.0",
      false,
      "Address the Prometheus endpoint (`/metrics`, no authentication) binds to."),
  METRICS_PORT(
      "metrics.port",
      "KMS_METRICS_PORT",
      "9100",
      false,
      "Port of the Prometheus endpoint `/metrics`; `0` turns metrics off."),
  REDIS_URL(
      "redis.url",
      "KMS_REDIS_URL",
      "",
      false,
      "Redis shared by all replicas: account limits and replay protection become cluster-wide. One server: `redis://host:6379` (`rediss://` for TLS, `redis://user@host` for an ACL user). Sentinel: `redis-sentinel://s1:26379,s2:26379,s3:26379/?sentinelMasterId=mymaster` (the sentinels are asked for the master, again after a failover). Cluster (`redis.mode: cluster`): comma-separated seed nodes, `redis://n1:6379,redis://n2:6379`. Empty: both stay in-process."),
  REDIS_MODE(
      "redis.mode",
      "KMS_REDIS_MODE",
      "standalone",
      false,
      "`standalone` (one server, or a master found through Sentinel) or `cluster` (Redis Cluster: `redis.url` lists seed nodes; the slot map is refreshed every few seconds and at once when a node stops answering or redirects)."),
  REDIS_PASSWORD(
      "redis.password",
      "KMS_REDIS_PASSWORD",
      "",
      true,
      "Password for `redis.url` (never in the URL)."),
  REDIS_FAILURE_MODE(
      "redis.failure_mode",
      "KMS_REDIS_FAILURE_MODE",
      "local-share",
      false,
      "Account limits while Redis is unreachable: `local-share` (each replica allows its limit divided by the live replicas last counted), `fail-open` (no limit) or `fail-closed` (throttle everything). Nonces follow `redis.replay_failure_mode`."),
  REDIS_REPLAY_FAILURE_MODE(
      "redis.replay_failure_mode",
      "KMS_REDIS_REPLAY_FAILURE_MODE",
      "local",
      false,
      "Nonce checks (API 2.0, legacy-signed API 3.0) that Redis cannot confirm (unreachable, or slower than `redis.timeout_ms`): `local` (this replica's cache decides: a request replayed to another replica passes; counted in `kms_replay_local_decisions_total`) or `refuse` (answered `InternalError`: no replay passes, at the price of availability)."),
  REDIS_TIMEOUT_MS(
      "redis.timeout_ms",
      "KMS_REDIS_TIMEOUT_MS",
      "50",
      false,
      "Longest wait for one Redis command before the request is decided by the failure mode; repeated failures open a circuit breaker for a second."),
  REDIS_KEY_PREFIX(
      "redis.key_prefix",
      "KMS_REDIS_KEY_PREFIX",
      "tkms:",
      false,
      "Prefix of every Redis key this service writes (several deployments can share one Redis).");

  private static final Map<String, Setting> BY_ENV =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(Setting::env, Function.identity()));

  private final String key;
  private final String env;
  private final String defaultValue;
  private final boolean secret;
  private final String description;

  Setting(String key, String env, String defaultValue, boolean secret, String description) {
    this.key = key;
    this.env = env;
    this.defaultValue = defaultValue;
    this.secret = secret;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public String env() {
    return env;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public boolean secret() {
    return secret;
  }

  public String description() {
    return description;
  }

  /** True when {@code name} is a variable this registry reads (including {@code _FILE} forms). */
  public static boolean isKnownEnv(String name) {
    if (BY_ENV.containsKey(name)) {
      return true;
    }
    if (name.endsWith("_FILE")) {
      Setting s = BY_ENV.get(name.substring(0, name.length() - 5));
      return s != null && s.secret;
    }
    return false;
  }

  public static Optional<Setting> byEnv(String name) {
    return Optional.ofNullable(BY_ENV.get(name));
  }
}
