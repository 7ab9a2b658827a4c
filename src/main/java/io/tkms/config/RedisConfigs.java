package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Parses {@link KmsConfig.Redis}. The failure mode, timeout and key prefix are checked even without
 * a URL, so a typo there fails at once rather than on the day Redis is turned on.
 */
final class RedisConfigs {
  private RedisConfigs() {}

  /** The shared Redis, or empty when {@code KMS_REDIS_URL} is unset. */
  static Optional<KmsConfig.Redis> redis(RawSettings raw) {
    KmsConfig.RedisFailureMode failureMode = failureMode(raw.str(Setting.REDIS_FAILURE_MODE));
    int timeout = raw.integer(Setting.REDIS_TIMEOUT_MS, 1, 60_000);
    String prefix = raw.str(Setting.REDIS_KEY_PREFIX);
    if (prefix.length() > 64 || !prefix.matches("[A-Za-z0-9:_.{}-]*")) {
      throw new ConfigException("KMS_REDIS_KEY_PREFIX must be at most 64 of [A-Za-z0-9:_.{}-]");
    }
    Optional<String> url = raw.opt(Setting.REDIS_URL);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    checkUrl(url.get());
    return Optional.of(
        new KmsConfig.Redis(
            url.get(), raw.secret(Setting.REDIS_PASSWORD), failureMode, timeout, prefix));
  }

  private static KmsConfig.RedisFailureMode failureMode(String mode) {
    return switch (mode) {
      case "local-share" -> KmsConfig.RedisFailureMode.LOCAL_SHARE;
      case "fail-open" -> KmsConfig.RedisFailureMode.FAIL_OPEN;
      case "fail-closed" -> KmsConfig.RedisFailureMode.FAIL_CLOSED;
      default ->
          throw new ConfigException(
              "KMS_REDIS_FAILURE_MODE must be local-share, fail-open or fail-closed, got '"
                  + mode
                  + "'");
    };
  }

  /** The message never repeats the URL: a password written into it must not reach a log. */
  private static void checkUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("KMS_REDIS_URL is not a URL");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new ConfigException("KMS_REDIS_URL must start with redis:// or rediss://");
    }
    if (uri.getHost() == null) {
      throw new ConfigException("KMS_REDIS_URL must name a host");
    }
    if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
      throw new ConfigException(
          "KMS_REDIS_URL must not carry a password: use KMS_REDIS_PASSWORD_FILE");
    }
  }
}
