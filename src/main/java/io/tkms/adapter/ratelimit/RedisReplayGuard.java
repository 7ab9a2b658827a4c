package io.tkms.adapter.ratelimit;

import io.lettuce.core.SetArgs;
import io.tkms.application.port.ReplayGuard;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster-wide {@link ReplayGuard}: each (SecretId, Timestamp, Nonce) is written to Redis with
 * {@code SET key 1 NX EXAT <Timestamp + window>} (one key, so any topology serves it), so a triple
 * used on one replica is refused on every other. Each triple is also remembered by this replica's
 * {@link LocalReplayGuard} (checked first, so a replay to the same replica costs no round trip).
 * While Redis is unreachable, slow or behind an open breaker, the {@link FailureMode} decides; both
 * are counted ({@link RedisBackend.Stats#nonceFallbacks()}) and logged by the backend, at most
 * every few seconds. Completes on the caller's context; never blocks.
 */
public final class RedisReplayGuard implements ReplayGuard {
  private static final Future<Boolean> YES = Future.succeededFuture(true);
  private static final Future<Boolean> NO = Future.succeededFuture(false);
  private static final byte[] ONE = {'1'};

  /** What a nonce check does when Redis cannot confirm it. */
  public enum FailureMode {
    /**
     * This replica's cache decides: a triple it has not seen passes (a replay sent to another
     * replica is not caught). Counted in {@link RedisBackend.Stats#replayLocalDecisions()}.
     */
    LOCAL,
    /** The request fails with {@code INTERNAL_ERROR}: no replay can pass. */
    REFUSE
  }

  private final RedisBackend redis;
  private final ReplayGuard local;
  private final Clock clock;
  private final boolean refuse;

  /** A guard in the backend's {@link RedisBackend.Settings#replayFailureMode()}. */
  public RedisReplayGuard(RedisBackend redis, ReplayGuard local, Clock clock) {
    this.redis = redis;
    this.local = local;
    this.clock = clock;
    this.refuse = redis.replayFailureMode() == FailureMode.REFUSE;
  }

  /**
   * Exercises the SET NX path on a throw-away key so the first requests fit in the command timeout.
   * Blocks at most about two seconds: call from boot, never on an event loop.
   */
  public RedisReplayGuard warmUp() {
    RedisLink conn = redis.connection();
    if (conn != null) {
      long[] n = {0};
      redis.warmUp(
          () ->
              setNx(
                  conn, "warm-up", 0, Long.toString(n[0]++), clock.instant().getEpochSecond() + 1));
    }
    return this;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with {@code INTERNAL_ERROR} when Redis cannot confirm a triple this replica has not
   * seen and the failure mode is {@link FailureMode#REFUSE}.
   */
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
              RedisLink conn = redis.acquire();
              if (conn == null) {
                return unconfirmed();
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
                        return unconfirmed();
                      });
            });
  }

  /** Redis could not decide: the failure mode does. */
  private Future<Boolean> unconfirmed() {
    redis.countNonceFallback();
    if (refuse) {
      // Stackless and without internal detail: the backend reports the outage (at most every few
      // seconds), so the request pipeline does not log each refused request again.
      return Future.failedFuture(ErrorCode.INTERNAL_ERROR.exception());
    }
    redis.countReplayLocalDecision();
    return YES;
  }

  /**
   * {@code SET <prefix>nonce:<SecretId>:<Timestamp>:<Nonce> 1 NX EXAT <expiry>}: true when it was
   * set.
   */
  private CompletableFuture<Boolean> setNx(
      RedisLink conn, String secretId, long timestamp, String nonce, long expiresAtEpochSecond) {
    // An expiry already past would drop the key at once; keep it at least a second.
    long exAt = Math.max(expiresAtEpochSecond, clock.instant().getEpochSecond() + 1);
    String key = redis.key("nonce:" + secretId + ':' + timestamp + ':' + nonce);
    try {
      return conn.commands()
          .set(key, ONE, SetArgs.Builder.exAt(exAt).nx())
          .toCompletableFuture()
          .thenApply(ok -> ok != null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
