package io.tkms.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated configuration, read once at boot by {@link ConfigLoader}: one record per area, each
 * holding the settings of {@link Setting} that belong to it. Secrets appear only as {@link
 * SecretRef}s, so logging this record never prints one.
 *
 * @param http the API listener
 * @param regions the regions served
 * @param auth request-signature checks
 * @param limits per-account and per-source limits, and the CMK quota
 * @param caches the in-memory key and credential caches
 * @param database the Postgres the server uses
 * @param seal what seals the root key
 * @param bootstrap the owner credential ensured at start, if configured
 * @param admin the management listener
 * @param observability logging and Prometheus metrics
 * @param server the process: data directory, threads, drain and job schedule
 * @param redis the Redis shared by all replicas, if configured
 */
public record KmsConfig(
    Http http,
    Regions regions,
    Auth auth,
    Limits limits,
    Caches caches,
    Database database,
    Seal seal,
    Optional<Bootstrap> bootstrap,
    Admin admin,
    Observability observability,
    Server server,
    Optional<Redis> redis) {

  /** The API listener ({@code KMS_HTTP_*}, {@code KMS_TLS_*}); both TLS files or neither. */
  public record Http(String host, int port, Optional<Path> tlsCertFile, Optional<Path> tlsKeyFile) {

    /** True when the listener serves HTTPS. */
    public boolean tlsEnabled() {
      return tlsCertFile.isPresent();
    }
  }

  /**
   * The regions served ({@code KMS_REGIONS}, canonical names), the API 2.0 short aliases, and the
   * region of a request that names none; {@code smRegions} are those of the SM profile ({@code
   * KMS_SM_REGIONS}), where new symmetric keys are SM4.
   */
  public record Regions(
      List<String> served,
      Map<String, String> aliases,
      String defaultRegion,
      java.util.Set<String> smRegions) {

    /** Resolves a region name or v2 short alias to a configured region, if served. */
    public Optional<String> resolve(String name) {
      String canonical = aliases.getOrDefault(name, name);
      return served.contains(canonical) ? Optional.of(canonical) : Optional.empty();
    }
  }

  /**
   * Request-signature checks ({@code KMS_AUTH_*}): timestamp skew, replay memory, the memory of
   * what each TC3 signature ran as, and whether a TC3 request may leave its body unsigned.
   */
  public record Auth(
      int timestampWindowSeconds,
      int replayCacheSize,
      int signatureCacheSize,
      boolean allowUnsignedPayload) {}

  /** Default per-account limits, the per-source limit on failed authentications, the quota. */
  public record Limits(
      int defaultCryptoQps,
      int defaultManagementQps,
      Map<String, Integer> defaultActionQps,
      int authFailuresPerIp,
      int cmkQuota,
      Map<String, Integer> defaultGroupQps) {}

  /** The in-memory caches ({@code KMS_CACHE_*}). */
  public record Caches(int keyCacheSize, int keyCacheTtlSeconds, int credentialCacheTtlSeconds) {}

  /** The external Postgres ({@code KMS_PG_*}); no URL: the embedded one. */
  public record Database(
      Optional<String> url, SecretRef password, int poolSize, int queryTimeoutMillis) {}

  /**
   * The unseal key; absent: a development key is generated under the data directory in development
   * mode, and the start refused otherwise.
   */
  public record Seal(SecretRef unsealKey, HsaType hsa, Pkcs11 pkcs11) {}

  /** Who keeps the root key ({@code KMS_HSA}). */
  public enum HsaType {
    SOFTWARE,
    PKCS11
  }

  /**
   * The PKCS#11 token ({@code KMS_PKCS11_*}); the library is present when {@code KMS_HSA=pkcs11}.
   */
  public record Pkcs11(Optional<Path> library, int slotIndex, SecretRef pin, String keyLabel) {}

  /** The bootstrap owner account and credential ensured at start. */
  public record Bootstrap(String appId, String uin, String secretId, SecretRef secretKey) {}

  /** The management listener ({@code KMS_ADMIN_*}). */
  public record Admin(SecretRef token, String host, int port) {

    /** True when a token is configured: without one there is no management listener. */
    public boolean enabled() {
      return token.isPresent();
    }
  }

  /**
   * Logging ({@code KMS_LOG_*}), the Prometheus endpoint ({@code KMS_METRICS_*}) and the audit
   * queue's failure mode ({@code KMS_AUDIT_*}).
   *
   * @param auditBlockMillis 0: a full audit queue drops events (the default); otherwise answers
   *     wait up to this long for room and then fail
   */
  public record Observability(
      String logFormat,
      Map<String, String> logLevels,
      String metricsHost,
      int metricsPort,
      int auditBlockMillis) {

    /** True unless {@code KMS_METRICS_PORT} is 0. */
    public boolean metricsEnabled() {
      return metricsPort > 0;
    }
  }

  /**
   * The process ({@code KMS_SERVER_*}, {@code KMS_DATA_DIR}, {@code KMS_JOBS_*}, {@code
   * KMS_DEV_MODE}); 0 event loops or crypto workers: sized from the cores.
   *
   * @param devMode development mode: only then may the start generate an unseal key or a credential
   */
  public record Server(
      Path dataDir,
      int eventLoops,
      int cryptoWorkers,
      int drainTimeoutSeconds,
      int jobsIntervalSeconds,
      boolean devMode,
      int requestTimeoutMillis,
      int cryptoQueueSize) {}

  /** What account limits do while Redis is unreachable. */
  public enum RedisFailureMode {
    LOCAL_SHARE,
    FAIL_OPEN,
    FAIL_CLOSED
  }

  /** How {@code KMS_REDIS_URL} is read: one server (or Sentinel), or a Redis Cluster. */
  public enum RedisMode {
    STANDALONE,
    CLUSTER
  }

  /** What nonce checks do while Redis cannot confirm them. */
  public enum ReplayFailureMode {
    /** This replica's cache decides (a replay to another replica passes). */
    LOCAL,
    /** The request is answered InternalError. */
    REFUSE
  }

  /**
   * The shared Redis (KMS_REDIS_*); absent: in-process limiter and replay cache.
   *
   * @param url one {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URL, or in
   *     cluster mode comma-separated {@code redis://} seed URLs; never holds a password
   */
  public record Redis(
      String url,
      SecretRef password,
      RedisMode mode,
      RedisFailureMode failureMode,
      ReplayFailureMode replayFailureMode,
      int timeoutMillis,
      String keyPrefix) {}
}
