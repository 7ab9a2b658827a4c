package io.tkms.adapter.ratelimit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the shared Redis behind {@link RedisRateLimiter} and {@link RedisReplayGuard}:
 * one Lettuce connection (commands time out after the configured timeout, are refused at once while
 * disconnected, and reconnect on their own), the {@link CircuitBreaker} in front of it, and this
 * replica's heartbeat, which counts the live replicas for the {@code local-share} failure mode.
 *
 * <p>Boot never waits for Redis longer than a few seconds: when it cannot be reached the process
 * starts anyway, decides in the failure mode, and keeps trying to connect every second.
 */
public final class RedisBackend implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final int BREAKER_THRESHOLD = 3;
  private static final Duration BREAKER_OPEN = Duration.ofSeconds(1);
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
  static final long HEARTBEAT_MILLIS = 1000;
  static final long HEARTBEAT_EXPIRY_MILLIS = 5000;

  /**
   * Registers this replica (score: Redis's own clock, so replicas' clocks do not matter), forgets
   * replicas silent for longer than the expiry, and answers how many are left.
   */
  private static final String HEARTBEAT_SCRIPT =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('ZADD', KEYS[1], now, ARGV[1])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return redis.call('ZCARD', KEYS[1])""";

  /** What the backend needs; {@code password} may be null and is not kept. */
  public record Settings(String url, char[] password, int timeoutMillis, String keyPrefix) {}

  /** A snapshot of the backend's health, for logs, tests and (later) metrics. */
  public record Stats(
      boolean connected,
      String breaker,
      long breakerOpenings,
      int liveReplicas,
      long limiterFallbacks,
      long nonceFallbacks) {}

  private final Vertx vertx;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final String prefix;
  private final Duration timeout;
  private final String replicaId = UUID.randomUUID().toString();
  private final byte[] replicaIdBytes = replicaId.getBytes(StandardCharsets.UTF_8);
  private final OutageReporter reporter;
  private final CircuitBreaker breaker;
  private final AtomicReference<StatefulRedisConnection<String, byte[]>> connection =
      new AtomicReference<>();
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicBoolean connectFailureLogged = new AtomicBoolean();
  private final AtomicLong limiterFallbacks = new AtomicLong();
  private final AtomicLong nonceFallbacks = new AtomicLong();
  private volatile int liveReplicas = 1;
  private volatile boolean closed;
  private long heartbeatTimer = -1;

  private RedisBackend(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.prefix = settings.keyPrefix();
    this.timeout = Duration.ofMillis(settings.timeoutMillis());
    this.uri = RedisURI.create(settings.url());
    if (settings.password() != null && settings.password().length > 0) {
      String user = java.net.URI.create(settings.url()).getUserInfo();
      RedisCredentials credentials =
          RedisCredentials.just(
              user == null || user.isEmpty() ? null : user, settings.password().clone());
      uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> credentials));
    }
    // The handshake (HELLO, AUTH) may take longer than one command, especially on a cold JVM.
    uri.setTimeout(HANDSHAKE_TIMEOUT);
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(
                SocketOptions.builder().connectTimeout(HANDSHAKE_TIMEOUT).keepAlive(true).build())
            .build());
    this.reporter =
        new OutageReporter(
            uri.getHost() + ":" + uri.getPort(), limiterFallbacks::get, nonceFallbacks::get);
    this.breaker =
        new CircuitBreaker(BREAKER_THRESHOLD, BREAKER_OPEN.toNanos(), System::nanoTime, reporter);
  }

  /**
   * Connects (waiting at most a few seconds for the first attempt) and starts the heartbeat. Call
   * from a non-event-loop thread (boot).
   */
  public static RedisBackend start(Vertx vertx, Settings settings) {
    RedisBackend b = new RedisBackend(vertx, settings);
    try {
      b.connect().get(3, TimeUnit.SECONDS);
      b.heartbeat().get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Logged by connect(); the heartbeat keeps trying.
    }
    b.heartbeatTimer =
        vertx.setPeriodic(
            HEARTBEAT_MILLIS,
            id -> {
              CompletableFuture<Void> unused = b.heartbeat(); // it handles its own failures
              b.reporter.summarize();
            });
    return b;
  }

  private CompletableFuture<Void> connect() {
    if (closed || connection.get() != null || !connecting.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    return client
        .connectAsync(CODEC, uri)
        .toCompletableFuture()
        .handle(
            (conn, err) -> {
              connecting.set(false);
              if (err != null) {
                if (connectFailureLogged.compareAndSet(false, true)) {
                  LOG.warn(
                      "cannot connect to Redis at {} ({}): limits follow the failure mode, nonces are checked per replica; retrying every second",
                      where(),
                      reason(err));
                }
                breaker.onFailure();
                return null;
              }
              if (closed) {
                CompletableFuture<Void> unused = conn.closeAsync(); // best effort, as close() is
                return null;
              }
              conn.setTimeout(timeout);
              connection.set(conn);
              connectFailureLogged.set(false);
              LOG.info(
                  "connected to Redis at {}: account limits and replay protection are shared by all replicas",
                  where());
              return null;
            });
  }

  /** Refreshes this replica's heartbeat and the live-replica count; bypasses the breaker. */
  private CompletableFuture<Void> heartbeat() {
    StatefulRedisConnection<String, byte[]> c = connection.get();
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    if (c == null) {
      return connect();
    }
    CompletableFuture<Long> count;
    try {
      count =
          c.async()
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
          } else {
            breaker.onFailure();
          }
          return null;
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
  StatefulRedisConnection<String, byte[]> acquire() {
    StatefulRedisConnection<String, byte[]> c = connection.get();
    if (c == null || !breaker.allow()) {
      return null;
    }
    return c;
  }

  /** The connection, whatever the breaker says (building the bucket proxy manager). */
  StatefulRedisConnection<String, byte[]> connection() {
    return connection.get();
  }

  void succeeded() {
    breaker.onSuccess();
  }

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

  void countLimiterFallback() {
    limiterFallbacks.incrementAndGet();
  }

  void countNonceFallback() {
    nonceFallbacks.incrementAndGet();
  }

  public Stats stats() {
    StatefulRedisConnection<String, byte[]> c = connection.get();
    return new Stats(
        c != null && c.isOpen(),
        breaker.state().name(),
        breaker.openings(),
        liveReplicas,
        limiterFallbacks.get(),
        nonceFallbacks.get());
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
    return uri.getHost() + ":" + uri.getPort();
  }

  /** Leaves the replica count at once, then closes the connection and Lettuce's threads. */
  @Override
  public void close() {
    closed = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    StatefulRedisConnection<String, byte[]> c = connection.getAndSet(null);
    if (c != null) {
      try {
        c.async()
            .zrem(key("replicas"), replicaIdBytes)
            .toCompletableFuture()
            .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.debug("could not leave the replica count: {}", e.getClass().getSimpleName());
      }
      c.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    var unused =
        resources.shutdown(0, 2, TimeUnit.SECONDS); // not awaited: close() does not block on it
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
