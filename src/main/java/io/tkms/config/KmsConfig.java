package io.tkms.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated configuration, read once at boot. Secrets appear only as {@link SecretRef}s, so
 * logging this record never prints one.
 */
public record KmsConfig(
    String httpHost,
    int httpPort,
    Path dataDir,
    Optional<Path> tlsCertFile,
    Optional<Path> tlsKeyFile,
    Optional<String> pgUrl,
    SecretRef pgPassword,
    int pgPoolSize,
    SecretRef unsealKey,
    Optional<Bootstrap> bootstrap,
    List<String> regions,
    Map<String, String> regionAliases,
    String defaultRegion,
    int defaultCryptoQps,
    int defaultManagementQps,
    Map<String, Integer> defaultActionQps,
    int authFailuresPerIp,
    int cmkQuota,
    int timestampWindowSeconds,
    int replayCacheSize,
    int keyCacheSize,
    int keyCacheTtlSeconds,
    int credentialCacheTtlSeconds,
    int jobsIntervalSeconds,
    String logFormat,
    Map<String, String> logLevels,
    int eventLoops,
    int cryptoWorkers,
    SecretRef adminToken,
    String adminHost,
    int adminPort,
    int drainTimeoutSeconds,
    String metricsHost,
    int metricsPort,
    Optional<Redis> redis) {

  /** The bootstrap owner account and credential ensured at start. */
  public record Bootstrap(String appId, String uin, String secretId, SecretRef secretKey) {}

  /** What account limits do while Redis is unreachable. */
  public enum RedisFailureMode {
    LOCAL_SHARE,
    FAIL_OPEN,
    FAIL_CLOSED
  }

  /** The shared Redis (KMS_REDIS_*); absent: in-process limiter and replay cache. */
  public record Redis(String url, SecretRef password, RedisFailureMode failureMode, int timeoutMillis, String keyPrefix) {}

  /** True unless {@code KMS_METRICS_PORT} is 0. */
  public boolean metricsEnabled() {
    return metricsPort > 0;
  }

  public boolean tlsEnabled() {
    return tlsCertFile.isPresent();
  }

  /** Resolves a region name or v2 short alias to a configured region, if served. */
  public Optional<String> resolveRegion(String name) {
    String canonical = regionAliases.getOrDefault(name, name);
    return regions.contains(canonical) ? Optional.of(canonical) : Optional.empty();
  }
}
