package io.tkms.boot;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tkms.adapter.http.Readiness;
import io.tkms.adapter.metrics.MetricsServer;
import io.tkms.adapter.metrics.MicrometerRequestMetrics;
import io.tkms.application.KeyMaterialCache;
import io.tkms.application.RootKeyService;
import io.tkms.application.port.AuditSink;
import io.tkms.application.port.RequestMetrics;
import io.tkms.application.port.RootKeyring;
import io.tkms.application.port.SignatureBindings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.List;

/**
 * Wires Prometheus metrics when {@code KMS_METRICS_PORT} is not 0: one registry per server, Vert.x
 * reporting its worker pools and the Postgres pool into it (HTTP, TCP and per-query SQL metrics
 * stay off: they would cost every request, and our own request meters say more), JVM meters, and
 * our request, limiter, key-cache and audit meters. When off, requests are counted by {@link
 * RequestMetrics#NONE} and nothing is served.
 */
final class Metrics {
  private final PrometheusMeterRegistry registry;
  private final MicrometerRequestMetrics requests;
  private MetricsServer server;

  private Metrics(PrometheusMeterRegistry registry, List<String> actions) {
    this.registry = registry;
    this.requests = registry == null ? null : new MicrometerRequestMetrics(registry, actions);
    if (registry != null) {
      BuildInfo build = BuildInfo.load();
      Gauge.builder("kms.build.info", () -> 1)
          .tag("version", build.version())
          .tag("commit", build.commit())
          .description("Always 1; the labels say which build this replica runs")
          .register(registry);
    }
  }

  /**
   * @param actions every action's wire names: the vocabulary of the action label
   */
  static Metrics create(boolean enabled, List<String> actions) {
    return new Metrics(
        enabled ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null, actions);
  }

  boolean enabled() {
    return registry != null;
  }

  /** A Vert.x instance that reports its pools into this registry (when enabled). */
  Vertx vertx(VertxOptions options) {
    if (registry == null) {
      return Vertx.vertx(options);
    }
    // Vert.x keeps backends in a JVM-wide map by registry name: a name of its own keeps a second
    // server in the same JVM (tests) from reporting into the first one's registry.
    MicrometerMetricsOptions m =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setRegistryName("tkms-" + Integer.toHexString(System.identityHashCode(registry)));
    for (MetricsDomain d :
        new MetricsDomain[] {
          MetricsDomain.HTTP_SERVER,
          MetricsDomain.HTTP_CLIENT,
          MetricsDomain.NET_SERVER,
          MetricsDomain.NET_CLIENT,
          MetricsDomain.DATAGRAM_SOCKET,
          MetricsDomain.EVENT_BUS,
          MetricsDomain.VERTICLES
        }) {
      m.addDisabledMetricsCategory(d);
    }
    // Per-query SQL client meters: every query would pay for them, and with no distinguishing
    // labels the migrator's and the pool's clients collide. Pool usage stays (NAMED_POOLS).
    m.addDisabledMetricsCategory("sql");
    return Vertx.builder()
        .with(options.setMetricsOptions(m))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  RequestMetrics requests() {
    return requests == null ? RequestMetrics.NONE : requests;
  }

  /** Whether Postgres answered the last check (run every few seconds and by {@code /readyz}). */
  void bindReadiness(Readiness readiness) {
    if (registry == null) {
      return;
    }
    Gauge.builder("kms.database.up", readiness, r -> r.databaseUp() ? 1 : 0)
        .description(
            "1 while Postgres answers the readiness check (SELECT 1, every few seconds and at"
                + " each /readyz)")
        .register(registry);
  }

  /** Key-cache hits, misses, evictions and size, read from Caffeine's statistics at scrape time. */
  void bind(KeyMaterialCache keys, AuditSink audit, SignatureBindings signatures) {
    if (registry == null) {
      return;
    }
    FunctionCounter.builder("kms.key.cache.requests", keys, k -> k.stats().hitCount())
        .tag("result", "hit")
        .description("Key-material cache look-ups")
        .register(registry);
    FunctionCounter.builder("kms.key.cache.requests", keys, k -> k.stats().missCount())
        .tag("result", "miss")
        .description("Key-material cache look-ups")
        .register(registry);
    FunctionCounter.builder("kms.key.cache.evictions", keys, k -> k.stats().evictionCount())
        .description("Keys evicted from the key-material cache (size or TTL)")
        .register(registry);
    Gauge.builder("kms.key.cache.size", keys, KeyMaterialCache::estimatedSize)
        .description("Unwrapped keys held in memory")
        .register(registry);
    FunctionCounter.builder("kms.audit.dropped", audit, AuditSink::dropped)
        .description("Audit events dropped (queue full or write failure)")
        .register(registry);
    FunctionCounter.builder("kms.signature.store.full", signatures, SignatureBindings::refusedFull)
        .description("TC3 requests refused because the signature store was full")
        .register(registry);
  }

  /** Changes whose announcement to the other replicas failed on every attempt. */
  void bindChanges(io.tkms.adapter.pg.PgChangeBus changes) {
    if (registry == null) {
      return;
    }
    FunctionCounter.builder(
            "kms.change.announcements.lost",
            changes,
            io.tkms.adapter.pg.PgChangeBus::lostAnnouncements)
        .description(
            "Changes (key state, credentials, limits) never announced to the other replicas:"
                + " they serve the old state until their cache TTL")
        .register(registry);
  }

  /** Tasks the crypto worker pool refused because its queue was full. */
  void bindCryptoPool(io.tkms.adapter.worker.WorkerCryptoExecutor executor) {
    if (registry == null) {
      return;
    }
    FunctionCounter.builder(
            "kms.crypto.busy", executor, io.tkms.adapter.worker.WorkerCryptoExecutor::refused)
        .description(
            "Crypto tasks refused because the pool's queue (KMS_SERVER_CRYPTO_QUEUE_SIZE) was full;"
                + " each is a request answered RequestLimitExceeded \"server busy\"")
        .register(registry);
  }

  /**
   * The HSA: whether it answers, the version new wraps use, and how many wrapped items each
   * recorded version protects (as last counted by the jobs).
   */
  void bindRootKeys(RootKeyService rootKeys, java.util.function.IntSupplier unrecordedObjects) {
    if (registry == null) {
      return;
    }
    RootKeyring hsa = rootKeys.keyring();
    Gauge.builder("kms.hsa.up", hsa, h -> h.up() ? 1 : 0)
        .tag("hsa", hsa.custody())
        .description("1 while the HSA answers (cached keys keep serving while it does not)")
        .register(registry);
    Gauge.builder("kms.root.key.current.version", hsa, RootKeyring::rootVersion)
        .description("The root-key version new wraps use")
        .register(registry);
    Gauge.builder("kms.hsa.unrecorded.objects", unrecordedObjects, s -> s.getAsInt())
        .description(
            "Token objects with the root-key label prefix whose version Postgres does not record"
                + " (found at start; never deleted automatically)")
        .register(registry);
    MultiGauge items =
        MultiGauge.builder("kms.root.key.wrapped.items")
            .description("Wrapped CMK versions and credential secrets under each root-key version")
            .register(registry);
    // The gauges read the latest counts; re-registering only adds and removes versions, so a
    // scrape never finds a version's gauge missing while its count is refreshed.
    java.util.Map<Integer, Long> counts = new java.util.concurrent.ConcurrentHashMap<>();
    rootKeys.onUsage(
        usage -> {
          usage.forEach(u -> counts.put(u.version(), u.items()));
          counts.keySet().retainAll(usage.stream().map(u -> u.version()).toList());
          items.register(
              usage.stream()
                  .map(
                      u ->
                          MultiGauge.Row.of(
                              Tags.of("version", Integer.toString(u.version())),
                              counts,
                              m -> m.getOrDefault(u.version(), 0L)))
                  .toList(),
              false);
        });
  }

  /** Redis state: connection, circuit breaker, live replicas and decisions made without Redis. */
  void bindRedis(io.tkms.adapter.ratelimit.RedisBackend redis) {
    if (registry == null || redis == null) {
      return;
    }
    Gauge.builder("kms.redis.connected", redis, r -> r.stats().connected() ? 1 : 0)
        .description("1 while the Redis connection is up")
        .register(registry);
    Gauge.builder(
            "kms.redis.breaker.open",
            redis,
            r -> "CLOSED".equalsIgnoreCase(r.stats().breaker()) ? 0 : 1)
        .description("1 while the Redis circuit breaker is open or half-open")
        .register(registry);
    FunctionCounter.builder("kms.redis.breaker.openings", redis, r -> r.stats().breakerOpenings())
        .description("Times the Redis circuit breaker opened")
        .register(registry);
    Gauge.builder("kms.redis.replicas", redis, r -> r.stats().liveReplicas())
        .description("Live replicas counted from Redis heartbeats")
        .register(registry);
    FunctionCounter.builder("kms.redis.fallbacks", redis, r -> r.stats().limiterFallbacks())
        .tag("kind", "limiter")
        .description("Decisions made without Redis")
        .register(registry);
    FunctionCounter.builder("kms.redis.fallbacks", redis, r -> r.stats().nonceFallbacks())
        .tag("kind", "nonce")
        .description("Decisions made without Redis")
        .register(registry);
    FunctionCounter.builder(
            "kms.replay.local.decisions", redis, r -> r.stats().replayLocalDecisions())
        .description(
            "Nonce checks this replica's cache let through alone because Redis could not confirm"
                + " them (KMS_REDIS_REPLAY_FAILURE_MODE=local)")
        .register(registry);
  }

  /** Serves {@code /metrics}; returns the port bound, or -1 when metrics are off. */
  int start(Vertx vertx, String host, int port) {
    if (registry == null) {
      return -1;
    }
    server = new MetricsServer(vertx, registry, requests::refreshThrottledAccounts);
    try {
      return server.listen(host, port).await();
    } catch (RuntimeException e) {
      throw new BootException(
          "cannot serve metrics on "
              + host
              + ":"
              + port
              + " ("
              + e.getClass().getSimpleName()
              + "); set KMS_METRICS_PORT to a free port, or 0 to turn metrics off");
    }
  }
}
