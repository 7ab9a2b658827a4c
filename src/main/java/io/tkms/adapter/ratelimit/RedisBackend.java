package io.tkms.adapter.ratelimit;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the shared Redis behind {@link RedisRateLimiter}, {@link RedisReplayGuard} and
 * {@link RedisSignatureBindings}: one {@link RedisLink} made by the {@link RedisConnector} (one
 * server, a Sentinel-watched master, or a Redis Cluster), the {@link CircuitBreaker} in front of
 * it, and this replica's heartbeat, which counts the live replicas for the {@code local-share}
 * failure mode.
 *
 * <p>Boot waits at most {@link Settings#startWait()} (10 s in production) for Redis's first answer:
 * when it cannot be reached the process starts anyway, decides in the failure modes, and keeps
 * trying to connect every second.
 */
public final class RedisBackend implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
  private static final int BREAKER_THRESHOLD = 3;
  private static final Duration BREAKER_OPEN = Duration.ofSeconds(1);
  private static final Duration HANDSHAKE_TIMEOUT = RedisConnector.HANDSHAKE_TIMEOUT;
  private static final long START_RETRY_MILLIS = 200;
  static final long HEARTBEAT_MILLIS = 1000;
  static final long HEARTBEAT_EXPIRY_MILLIS = 5000;

  /** How long a replica waits at start for Redis's first answer before it serves anyway. */
  public static final Duration START_WAIT = Duration.ofSeconds(10);

  /**
   * Registers this replica (score: Redis's own clock, so replicas' clocks do not matter), forgets
   * replicas silent for longer than the expiry, and answers how many are left. One key.
   */
  private static final String HEARTBEAT_SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('ZADD', KEYS[1], now, ARGV[1])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return redis.call('ZCARD', KEYS[1])""";

  /**
   * What the backend needs; {@code password} may be null and is not kept.
   *
   * @param url one Redis or Sentinel URL, or with {@code cluster} comma-separated seed URLs
   * @param cluster whether {@code url} names a Redis Cluster
   * @param replayFailureMode what nonce checks do while Redis cannot confirm them
   * @param startWait how long {@link #start} waits for Redis's first answer
   */
  public record Settings(
      String url,
      char[] password,
      int timeoutMillis,
      String keyPrefix,
      boolean cluster,
      RedisReplayGuard.FailureMode replayFailureMode,
      Duration startWait) {
    /** One server, nonces decided locally while Redis is out, the production start wait. */
    public Settings(String url, char[] password, int timeoutMillis, String keyPrefix) {
      this(
          url,
          password,
          timeoutMillis,
          keyPrefix,
          false,
          RedisReplayGuard.FailureMode.LOCAL,
          START_WAIT);
    }
  }

  /**
   * A snapshot of the backend's health, for logs, tests and metrics.
   *
   * @param nonceFallbacks nonce checks and signature bindings Redis could not decide (either replay
   *     failure mode)
   * @param replayLocalDecisions nonce checks this replica's cache alone let through because Redis
   *     could not decide ({@code local} replay failure mode)
   */
  public record Stats(
      boolean connected,
      String breaker,
      long breakerOpenings,
      int liveReplicas,
      long limiterFallbacks,
      long nonceFallbacks,
      long replayLocalDecisions) {}

  private final Vertx vertx;
  private final RedisConnector connector;
  private final String prefix;
  private final Duration timeout;
  private final RedisReplayGuard.FailureMode replayFailureMode;
  private final String replicaId = UUID.randomUUID().toString();
  private final byte[] replicaIdBytes = replicaId.getBytes(StandardCharsets.UTF_8);
  private final OutageReporter reporter;
  private final CircuitBreaker breaker;
  private final AtomicReference<RedisLink> connection = new AtomicReference<>();
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicBoolean connectFailureLogged = new AtomicBoolean();
  private final AtomicLong limiterFallbacks = new AtomicLong();
  private final AtomicLong nonceFallbacks = new AtomicLong();
  private final AtomicLong replayLocalDecisions = new AtomicLong();
  private volatile int liveReplicas = 1;
  private volatile boolean closed;
  private long heartbeatTimer = -1;

  private RedisBackend(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.prefix = settings.keyPrefix();
    this.timeout = Duration.ofMillis(settings.timeoutMillis());
    this.replayFailureMode = settings.replayFailureMode();
    this.connector = new RedisConnector(settings);
    this.reporter =
        new OutageReporter(
            connector.where(),
            replayFailureMode == RedisReplayGuard.FailureMode.REFUSE,
            limiterFallbacks::get,
            nonceFallbacks::get);
    this.breaker =
        new CircuitBreaker(BREAKER_THRESHOLD, BREAKER_OPEN.toNanos(), System::nanoTime, reporter);
  }

  /**
   * Connects, waiting at most {@link Settings#startWait()} for Redis's first answer (retrying while
   * it refuses), and starts the heartbeat. Call from a non-event-loop thread (boot).
   */
  public static RedisBackend start(Vertx vertx, Settings settings) {
    RedisBackend b = new RedisBackend(vertx, settings);
    b.awaitFirstAnswer(settings.startWait());
    b.heartbeatTimer =
        vertx.setPeriodic(
            HEARTBEAT_MILLIS,
            id -> {
              CompletableFuture<Boolean> unused = b.heartbeat(); // it handles its own failures
              b.reporter.summarize();
            });
    return b;
  }

  /**
   * Until {@code wait} has passed: connect, then heartbeat; done at the first heartbeat Redis
   * answers, so the first requests are not decided by a connection still being made.
   */
  private void awaitFirstAnswer(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    long began = System.nanoTime();
    while (!closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        if (connection.get() == null) {
          connect().get(left, TimeUnit.NANOSECONDS);
        }
        if (connection.get() != null
            && Boolean.TRUE.equals(
                heartbeat().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))) {
          LOG.debug(
              "Redis answered {} ms after the start", (System.nanoTime() - began) / 1_000_000);
          return;
        }
        Thread.sleep(Math.min(START_RETRY_MILLIS, Math.max(1, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        // connect() logs its failure; the loop or, after the deadline, the heartbeat retries.
      }
    }
    LOG.warn(
        "Redis at {} did not answer within {} ms of the start: serving with limits in the failure"
            + " mode and nonces by KMS_REDIS_REPLAY_FAILURE_MODE until it does",
        connector.where(),
        wait.toMillis());
  }

  private CompletableFuture<Void> connect() {
    if (closed || connection.get() != null || !connecting.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    return connector
        .connect()
        .handle(
            (link, err) -> {
              connecting.set(false);
              if (err != null) {
                if (connectFailureLogged.compareAndSet(false, true)) {
                  LOG.warn(
                      "cannot connect to Redis at {} ({}): limits follow the failure mode and nonces"
                          + " the replay failure mode; retrying every second",
                      where(),
                      reason(err));
                }
                breaker.onFailure();
                return null;
              }
              if (closed) {
                CompletableFuture<Void> unused =
                    link.stateful().closeAsync(); // best effort, as close() is
                return null;
              }
              link.stateful().setTimeout(timeout);
              connection.set(link);
              connectFailureLogged.set(false);
              LOG.info(
                  "connected to Redis at {}: account limits and replay protection are shared by all replicas",
                  where());
              return null;
            });
  }

  /**
   * Refreshes this replica's heartbeat and the live-replica count; bypasses the breaker. Completes
   * with whether Redis answered.
   */
  private CompletableFuture<Boolean> heartbeat() {
    RedisLink c = connection.get();
    if (closed) {
      return CompletableFuture.completedFuture(false);
    }
    if (c == null) {
      return connect().thenApply(v -> false);
    }
    CompletableFuture<Long> count;
    try {
      count =
          c.commands()
              .<Long>eval(
                  HEARTBEAT_SCRIPT,
                  ScriptOutputType.INTEGER,
                  new String[] {key("replicas")},
                  replicaIdBytes,
                  Long.toString(HEARTBEAT_EXPIRY_MILLIS).getBytes(StandardCharsets.US_ASCII))
              .toCompletableFuture();
    } catch (RuntimeException e) {
      count = CompletableFuture.failedFuture(e);
    }
    return count.handle(
        (n, err) -> {
          if (err == null && n != null) {
            liveReplicas = (int) Math.max(1, Math.min(n, Integer.MAX_VALUE));
            breaker.onSuccess();
            return true;
          }
          breaker.onFailure();
          return false;
        });
  }

  /**
   * Runs {@code call} a few times with a generous deadline so the first requests do not pay for
   * class loading and a cold JIT inside the command timeout. Blocks at most about two seconds; call
   * from boot.
   */
  void warmUp(Supplier<CompletableFuture<?>> call) {
    if (connection.get() == null) {
      return;
    }
    long deadline = System.nanoTime() + HANDSHAKE_TIMEOUT.toNanos();
    for (int i = 0; i < 20 && System.nanoTime() < deadline; i++) {
      try {
        call.get().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        LOG.debug("Redis warm-up call failed: {}", reason(e));
        return;
      }
    }
  }

  /** The connection when there is one and the breaker lets a call through; else null. */
  RedisLink acquire() {
    RedisLink c = connection.get();
    if (c == null || !breaker.allow()) {
      return null;
    }
    return c;
  }

  /** The connection, whatever the breaker says (warming up). */
  RedisLink connection() {
    return connection.get();
  }

  void succeeded() {
    breaker.onSuccess();
  }

  /** A call failed: counts towards the breaker. */
  void failed(Throwable cause) {
    LOG.debug("Redis call failed: {}", reason(cause));
    breaker.onFailure();
  }

  /**
   * Bounds {@code f} by the timeout (a bucket call can take several round trips) and continues on
   * the caller's context, so nothing after it runs on a Lettuce thread.
   */
  <T> Future<T> bridge(CompletableFuture<T> f) {
    CompletableFuture<T> bounded = f.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Context ctx = Vertx.currentContext();
    return ctx == null
        ? Future.fromCompletionStage(bounded)
        : Future.fromCompletionStage(bounded, ctx);
  }

  String key(String suffix) {
    return prefix + suffix;
  }

  /**
   * Live replicas counted by the last successful heartbeat (kept while Redis is down); at least 1.
   */
  int liveReplicas() {
    return liveReplicas;
  }

  RedisReplayGuard.FailureMode replayFailureMode() {
    return replayFailureMode;
  }

  void countLimiterFallback() {
    limiterFallbacks.incrementAndGet();
  }

  /** A nonce check or signature binding Redis could not decide. */
  void countNonceFallback() {
    nonceFallbacks.incrementAndGet();
  }

  /** A nonce check this replica's cache let through alone ({@code local} replay failure mode). */
  void countReplayLocalDecision() {
    replayLocalDecisions.incrementAndGet();
  }

  public Stats stats() {
    RedisLink c = connection.get();
    return new Stats(
        c != null && c.stateful().isOpen(),
        breaker.state().name(),
        breaker.openings(),
        liveReplicas,
        limiterFallbacks.get(),
        nonceFallbacks.get(),
        replayLocalDecisions.get());
  }

  /**
   * The innermost cause's class and message (Lettuce's messages name the host, never the password).
   */
  private static String reason(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private String where() {
    return connector.where();
  }

  /** Leaves the replica count at once, then closes the connection and Lettuce's threads. */
  @Override
  public void close() {
    closed = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    RedisLink c = connection.getAndSet(null);
    if (c != null) {
      try {
        c.commands()
            .zrem(key("replicas"), replicaIdBytes)
            .toCompletableFuture()
            .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.debug("could not leave the replica count: {}", e.getClass().getSimpleName());
      }
      c.stateful().close();
    }
    connector.shutdown();
  }

  @Override
  public String toString() {
    return "RedisBackend["
        + where()
        + ", breaker "
        + breaker.state()
        + ", "
        + liveReplicas
        + " live replicas]";
  }
}
