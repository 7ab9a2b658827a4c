package io.tkms.adapter.ratelimit;

import io.lettuce.core.ScriptOutputType;
import io.tkms.application.port.SignatureBindings;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster-wide {@link SignatureBindings}, with the same rule as {@link LocalSignatureBindings}: one
 * Lua script per first use on this replica records the signature's first-use second ({@code
 * <prefix>sig:{<signature>}}) and each binding it ran as ({@code …:<binding digest>}), both
 * expiring with the signature's window, and refuses a new binding more than {@value
 * LocalSignatureBindings#REBIND_SECONDS} s after the first use anywhere. This replica's store is
 * asked first, so a repeat seen here costs no round trip. The two keys share a hash slot (the
 * signature is the hash tag), so a Redis Cluster runs the script on one node. While Redis is
 * unreachable, slow or behind an open breaker the local store alone decides, in either replay
 * failure mode (a TC3 request carries no nonce), counted with the nonce fallbacks ({@link
 * RedisBackend.Stats#nonceFallbacks()}). Completes on the caller's context; never blocks.
 */
public final class RedisSignatureBindings implements SignatureBindings {
  private static final String SCRIPT =
      """
      if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
      local first = redis.call('GET', KEYS[1])
      if not first then
        redis.call('SET', KEYS[1], ARGV[1], 'EXAT', ARGV[3])
      elseif tonumber(ARGV[1]) - tonumber(first) > tonumber(ARGV[2]) then
        return 0
      end
      redis.call('SET', KEYS[2], '1', 'EXAT', ARGV[3])
      return 1""";

  private final RedisBackend redis;
  private final LocalSignatureBindings local;
  private final Clock clock;

  public RedisSignatureBindings(RedisBackend redis, LocalSignatureBindings local, Clock clock) {
    this.redis = redis;
    this.local = local;
    this.clock = clock;
  }

  @Override
  public Future<Boolean> bind(String signature, String binding, long expiresAtEpochSecond) {
    LocalSignatureBindings.Outcome here = local.bindHere(signature, binding, expiresAtEpochSecond);
    if (here != LocalSignatureBindings.Outcome.FIRST) {
      return switch (here) {
        case SAME -> LocalSignatureBindings.YES;
        case OTHER -> LocalSignatureBindings.NO;
        default -> LocalSignatureBindings.full();
      };
    }
    RedisLink conn = redis.acquire();
    if (conn == null) {
      redis.countNonceFallback();
      return LocalSignatureBindings.YES;
    }
    return redis
        .bridge(run(conn, signature, binding, expiresAtEpochSecond))
        .transform(
            ar -> {
              if (ar.failed()) {
                redis.failed(ar.cause());
                redis.countNonceFallback();
                return LocalSignatureBindings.YES;
              }
              redis.succeeded();
              if (ar.result() != null && ar.result() == 1L) {
                return LocalSignatureBindings.YES;
              }
              // Another replica saw this signature first, too long ago: refused here as well.
              local.forget(signature, binding, expiresAtEpochSecond);
              return LocalSignatureBindings.NO;
            });
  }

  @Override
  public long refusedFull() {
    return local.refusedFull();
  }

  private CompletableFuture<Long> run(
      RedisLink conn, String signature, String binding, long expiresAtEpochSecond) {
    long now = clock.instant().getEpochSecond();
    long exAt = Math.max(expiresAtEpochSecond, now + 1);
    // One hash slot for both keys (Redis Cluster): the signature is the hash tag.
    String first = redis.key("sig:{" + signature + "}");
    String pair = first + ":" + Long.toHexString(LocalSignatureBindings.bindingBits(binding));
    try {
      return conn.commands()
          .<Long>eval(
              SCRIPT,
              ScriptOutputType.INTEGER,
              new String[] {first, pair},
              ascii(now),
              ascii(LocalSignatureBindings.REBIND_SECONDS),
              ascii(exAt))
          .toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static byte[] ascii(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }
}
