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
    int authFailuresPerIp,
    int cmkQuota,
    int timestampWindowSeconds,
    int replayCacheSize,
    int keyCacheSize,
    int keyCacheTtlSeconds,
    int credentialCacheTtlSeconds,
    int eventLoops,
    int cryptoWorkers,
    SecretRef adminToken,
    String adminHost,
    int adminPort,
    String metricsHost,
    int metricsPort) {

  /** The bootstrap owner account and credential ensured at start. */
  public record Bootstrap(String appId, String uin, String secretId, SecretRef secretKey) {}

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
