package io.tkms.boot;

import io.tkms.adapter.ratelimit.LocalRateLimiter;
import io.tkms.adapter.ratelimit.LocalReplayGuard;
import io.tkms.adapter.ratelimit.LocalSignatureBindings;
import io.tkms.adapter.ratelimit.RedisBackend;
import io.tkms.adapter.ratelimit.RedisRateLimiter;
import io.tkms.adapter.ratelimit.RedisReplayGuard;
import io.tkms.adapter.ratelimit.RedisSignatureBindings;
import io.tkms.application.port.RateLimiter;
import io.tkms.application.port.ReplayGuard;
import io.tkms.application.port.SignatureBindings;
import io.tkms.config.KmsConfig;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * The redis step of start-up and what builds on it: the account rate limiter and the replay guard
 * run in-process, or on the Redis shared by all replicas when {@code KMS_REDIS_URL} is set. Blocks
 * (connecting, warming up): call from the starting thread, never an event loop.
 */
final class Limiters {
  private Limiters() {}

  /**
   * Connects to the shared Redis, when configured, waiting at most {@link RedisBackend#START_WAIT}
   * for its first answer; the caller closes it.
   */
  static Optional<RedisBackend> redis(Vertx vertx, Optional<KmsConfig.Redis> config) {
    return config.map(r -> connect(vertx, r));
  }

  private static RedisBackend connect(Vertx vertx, KmsConfig.Redis r) {
    char[] password = null;
    if (r.password().isPresent()) {
      byte[] raw = r.password().read();
      password = new String(raw, StandardCharsets.UTF_8).toCharArray();
      Arrays.fill(raw, (byte) 0);
    }
    try {
      return RedisBackend.start(
          vertx,
          new RedisBackend.Settings(
              r.url(),
              password,
              r.timeoutMillis(),
              r.keyPrefix(),
              r.mode() == KmsConfig.RedisMode.CLUSTER,
              RedisReplayGuard.FailureMode.valueOf(r.replayFailureMode().name()),
              RedisBackend.START_WAIT));
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  /** Per-account limits: on Redis with its failure mode, else in-process. */
  static RateLimiter rateLimiter(KmsConfig config, Optional<RedisBackend> redis) {
    KmsConfig.Limits limits = config.limits();
    if (redis.isEmpty()) {
      return new LocalRateLimiter(limits.defaultCryptoQps(), limits.defaultManagementQps());
    }
    RedisRateLimiter.FailureMode mode =
        RedisRateLimiter.FailureMode.valueOf(config.redis().get().failureMode().name());
    return new RedisRateLimiter(
            redis.get(), mode, limits.defaultCryptoQps(), limits.defaultManagementQps())
        .warmUp();
  }

  /**
   * Replay protection: on Redis with the in-process cache first and {@code
   * KMS_REDIS_REPLAY_FAILURE_MODE} deciding while Redis cannot, else in-process.
   */
  static ReplayGuard replayGuard(KmsConfig.Auth auth, Optional<RedisBackend> redis, Clock clock) {
    LocalReplayGuard local = new LocalReplayGuard(clock, auth.replayCacheSize());
    return redis.isEmpty() ? local : new RedisReplayGuard(redis.get(), local, clock).warmUp();
  }

  /** What each TC3 signature ran as: on Redis with the in-process store first, else in-process. */
  static SignatureBindings signatureBindings(
      KmsConfig.Auth auth, Optional<RedisBackend> redis, Clock clock) {
    LocalSignatureBindings local = new LocalSignatureBindings(clock, auth.signatureCacheSize());
    return redis.isEmpty() ? local : new RedisSignatureBindings(redis.get(), local, clock);
  }
}
