package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@link KmsConfig.Redis}. The modes, timeout and key prefix are checked even without a URL,
 * so a typo there fails at once rather than on the day Redis is turned on. No message repeats the
 * URL: a password written into it must not reach a log.
 */
final class RedisConfigs {
  private static final String NO_PASSWORD =
      "KMS_REDIS_URL must not carry a password: use KMS_REDIS_PASSWORD_FILE";

  private RedisConfigs() {}

  /** The shared Redis, or empty when {@code KMS_REDIS_URL} is unset. */
  static Optional<KmsConfig.Redis> redis(RawSettings raw) {
    KmsConfig.RedisMode mode = mode(raw.str(Setting.REDIS_MODE));
    KmsConfig.RedisFailureMode failureMode = failureMode(raw.str(Setting.REDIS_FAILURE_MODE));
    KmsConfig.ReplayFailureMode replayMode =
        replayFailureMode(raw.str(Setting.REDIS_REPLAY_FAILURE_MODE));
    int timeout = raw.integer(Setting.REDIS_TIMEOUT_MS, 1, 60_000);
    String prefix = raw.str(Setting.REDIS_KEY_PREFIX);
    if (prefix.length() > 64 || !prefix.matches("[A-Za-z0-9:_.{}-]*")) {
      throw new ConfigException("KMS_REDIS_KEY_PREFIX must be at most 64 of [A-Za-z0-9:_.{}-]");
    }
    Optional<String> url = raw.opt(Setting.REDIS_URL);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    if (mode == KmsConfig.RedisMode.CLUSTER) {
      checkClusterSeeds(url.get());
    } else {
      checkStandaloneUrl(url.get());
    }
    return Optional.of(
        new KmsConfig.Redis(
            url.get(),
            raw.secret(Setting.REDIS_PASSWORD),
            mode,
            failureMode,
            replayMode,
            timeout,
            prefix));
  }

  private static KmsConfig.RedisMode mode(String mode) {
    return switch (mode) {
      case "standalone" -> KmsConfig.RedisMode.STANDALONE;
      case "cluster" -> KmsConfig.RedisMode.CLUSTER;
      default ->
          throw new ConfigException(
              "KMS_REDIS_MODE must be standalone or cluster, got '" + mode + "'");
    };
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

  private static KmsConfig.ReplayFailureMode replayFailureMode(String mode) {
    return switch (mode) {
      case "local" -> KmsConfig.ReplayFailureMode.LOCAL;
      case "refuse" -> KmsConfig.ReplayFailureMode.REFUSE;
      default ->
          throw new ConfigException(
              "KMS_REDIS_REPLAY_FAILURE_MODE must be local or refuse, got '" + mode + "'");
    };
  }

  /** One server ({@code redis://}, {@code rediss://}) or Sentinel ({@code redis-sentinel://}). */
  private static void checkStandaloneUrl(String url) {
    if (url.startsWith("redis-sentinel://") || url.startsWith("rediss-sentinel://")) {
      checkSentinelUrl(url);
      return;
    }
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new ConfigException(
          "KMS_REDIS_URL must start with redis://, rediss:// or redis-sentinel://");
    }
    if (url.indexOf(',') >= 0) {
      throw new ConfigException(
          "KMS_REDIS_URL names several nodes: set KMS_REDIS_MODE=cluster for a Redis Cluster,"
              + " or use redis-sentinel://s1:26379,s2:26379/?sentinelMasterId=<name> for Sentinel");
    }
    checkServerUrl(url);
  }

  /** {@code redis://[user@]host[:port][/db]}: one parsable URL with a host and no password. */
  private static URI checkServerUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("KMS_REDIS_URL is not a URL");
    }
    if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
      throw new ConfigException(NO_PASSWORD);
    }
    if (uri.getHost() == null) {
      throw new ConfigException("KMS_REDIS_URL must name a host");
    }
    return uri;
  }

  /**
   * Lettuce's Sentinel form, {@code redis-sentinel://[user@]host[:port][,host[:port]…][/db]
   * ?sentinelMasterId=<name>}, which {@link URI} cannot parse (several hosts): checked by hand.
   */
  private static void checkSentinelUrl(String url) {
    String rest = url.substring(url.indexOf("://") + 3);
    int end = indexOfAny(rest, '/', '?');
    String authority = end < 0 ? rest : rest.substring(0, end);
    String tail = end < 0 ? "" : rest.substring(end);
    int at = authority.lastIndexOf('@');
    if (at >= 0 && authority.substring(0, at).contains(":")) {
      throw new ConfigException(NO_PASSWORD);
    }
    String hosts = authority.substring(at + 1);
    for (String node : hosts.split(",", -1)) {
      if (!node.matches("[A-Za-z0-9._-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
        throw new ConfigException(
            "KMS_REDIS_URL (Sentinel) must list the sentinels as host:port, separated by commas");
      }
    }
    int query = tail.indexOf('?');
    List<String> params = query < 0 ? List.of() : List.of(tail.substring(query + 1).split("&"));
    if (params.stream().noneMatch(p -> p.startsWith("sentinelMasterId=") && p.length() > 17)) {
      throw new ConfigException(
          "KMS_REDIS_URL (Sentinel) must name the master: ?sentinelMasterId=<name>");
    }
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == a || s.charAt(i) == b) {
        return i;
      }
    }
    return -1;
  }

  /** Cluster mode: comma-separated {@code redis://} or {@code rediss://} seeds, database 0. */
  private static void checkClusterSeeds(String url) {
    String scheme = null;
    for (String seed : url.split(",", -1)) {
      String s = seed.strip();
      if (s.isEmpty()) {
        throw new ConfigException("KMS_REDIS_URL has an empty entry between commas");
      }
      if (!s.startsWith("redis://") && !s.startsWith("rediss://")) {
        throw new ConfigException(
            "KMS_REDIS_MODE=cluster needs KMS_REDIS_URL as redis:// or rediss:// seed URLs,"
                + " separated by commas (Sentinel is for standalone mode)");
      }
      URI uri = checkServerUrl(s);
      if (scheme != null && !scheme.equals(uri.getScheme())) {
        throw new ConfigException("KMS_REDIS_URL: all cluster seeds must use the same scheme");
      }
      scheme = uri.getScheme();
      String path = uri.getPath() == null ? "" : uri.getPath();
      if (!path.isEmpty() && !path.equals("/") && !path.equals("/0")) {
        throw new ConfigException(
            "KMS_REDIS_URL: a Redis Cluster has only database 0; remove the /<db> of the seeds");
      }
    }
  }
}
