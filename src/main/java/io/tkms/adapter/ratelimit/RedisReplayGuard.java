package io.tkms.adapter.ratelimit;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tkms.application.port.ReplayGuard;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster-wide {@link ReplayGuard}: each (SecretId, Timestamp, Nonce) is written to Redis with
 * {@code SET key 1 NX EXAT <Timestamp + window>}, so a triple used on one replica is refused on
 * every other. Each triple is also remembered by this replica's {@link LocalReplayGuard} (checked
 * first, so a replay to the same replica costs no round trip); while Redis is unreachable, slow or
 * behind an open breaker, the local cache alone decides, which is logged by the backend and counted
 * ({@link RedisBackend.Stats#nonceFallbacks()}). Completes on the caller's context; never blocks.
 */
public final class RedisReplayGuard implements ReplayGuard {
  private static final Future<Boolean> YES = Future.succeededFuture(true);
  private static final Future<Boolean> NO = Future.succeededFuture(false);
  private static final byte[] ONE = {'1'};

  private final RedisBackend redis;
  private final ReplayGuard local;
  private final Clock clock;

  public RedisReplayGuard(RedisBackend redis, ReplayGuard local, Clock clock) {
    this.redis = redis;
    this.local = local;
    this.clock = clock;
  }

  /**
   * Exercises the SET NX path on a throw-away key so the first requests fit in the command timeout.
   * Blocks at most about two seconds: call from boot, never on an event loop.
   */
  public RedisReplayGuard warmUp() {
    StatefulRedisConnection<String, byte[]> conn = redis.connection();
    if (conn != null) {
      long[] n = {0};
      redis.warmUp(
          () ->
              setNx(
                  conn, "warm-up", 0, Long.toString(n[0]++), clock.instant().getEpochSecond() + 1));
    }
    return this;
  }

  @Override
  public Future<Boolean> firstSeen(
      String account, String secretId, long timestamp, String nonce, long expiresAtEpochSecond) {
    return local
        .firstSeen(account, secretId, timestamp, nonce, expiresAtEpochSecond)
        .compose(
            firstHere -> {
              if (!firstHere) {
                return NO;
              }
              StatefulRedisConnection<String, byte[]> conn = redis.acquire();
              if (conn == null) {
                redis.countNonceFallback();
                return YES;
              }
              return redis
                  .bridge(setNx(conn, secretId, timestamp, nonce, expiresAtEpochSecond))
                  .transform(
                      ar -> {
                        if (ar.succeeded()) {
                          redis.succeeded();
                          return ar.result() ? YES : NO;
                        }
                        redis.failed(ar.cause());
                        redis.countNonceFallback();
                        return YES;
                      });
            });
  }

  /**
   * {@code SET <prefix>nonce:<SecretId>:<Timestamp>:<Nonce> 1 NX EXAT <expiry>}: true when it was
   * set.
   */
  private CompletableFuture<Boolean> setNx(
      StatefulRedisConnection<String, byte[]> conn,
      String secretId,
      long timestamp,
      String nonce,
      long expiresAtEpochSecond) {
    // An expiry already past would drop the key at once; keep it at least a second.
    long exAt = Math.max(expiresAtEpochSecond, clock.instant().getEpochSecond() + 1);
    String key = redis.key("nonce:" + secretId + ':' + timestamp + ':' + nonce);
    try {
      return conn.async()
          .set(key, ONE, SetArgs.Builder.exAt(exAt).nx())
          .toCompletableFuture()
          .thenApply(ok -> ok != null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
