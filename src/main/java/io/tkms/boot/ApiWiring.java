package io.tkms.boot;

import io.tkms.adapter.http.ApiServices;
import io.tkms.adapter.http.HttpSettings;
import io.tkms.adapter.http.Readiness;
import io.tkms.adapter.http.auth.Tc3KeyCache;
import io.tkms.adapter.ratelimit.LocalSourceLimiter;
import io.tkms.adapter.ratelimit.RedisBackend;
import io.tkms.adapter.worker.InlineCryptoExecutor;
import io.tkms.application.AdminService;
import io.tkms.application.AsymmetricService;
import io.tkms.application.CryptoService;
import io.tkms.application.ImportService;
import io.tkms.application.KeyService;
import io.tkms.application.LimitPolicy;
import io.tkms.application.RootKeyService;
import io.tkms.application.port.AuditSink;
import io.tkms.boot.Wiring.Components;
import io.tkms.boot.Wiring.Core;
import io.tkms.boot.Wiring.Threads;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.MessageCipher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener steps of one start, run in order by {@link KmsServer#start} after the {@link Wiring}
 * steps: what the API verticles share, the management listener, the metrics endpoint. Steps block:
 * call them from the starting thread, never an event loop.
 */
final class ApiWiring {
  private static final Logger LOG = LoggerFactory.getLogger(ApiWiring.class);

  private final KmsConfig config;
  private final Threads threads;
  private final Metrics metrics;
  private final Clock clock;
  private final AuditSink audit;

  /** How often the database is checked for {@code kms_database_up}. */
  static final Duration DATABASE_PROBE = Duration.ofSeconds(5);

  ApiWiring(KmsConfig config, Threads threads, Metrics metrics, Clock clock, AuditSink audit) {
    this.config = config;
    this.threads = threads;
    this.metrics = metrics;
    this.clock = clock;
    this.audit = audit;
  }

  /** {@code /readyz}: not draining and the database answering. */
  Readiness readiness(Core core, RootKeyService rootKeys, Optional<RedisBackend> redis) {
    return new Readiness(
        () -> core.pool().query("SELECT 1").execute().mapEmpty(),
        () -> {
          JsonObject details = new JsonObject().put("hsa", hsaDetails(core, rootKeys));
          redis.ifPresent(
              r -> {
                RedisBackend.Stats st = r.stats();
                details.put(
                    "redis",
                    new JsonObject()
                        .put("connected", st.connected())
                        .put("breaker", st.breaker())
                        .put("liveReplicas", st.liveReplicas()));
              });
          return details;
        });
  }

  private static JsonObject hsaDetails(Core core, RootKeyService rootKeys) {
    JsonArray versions = new JsonArray();
    rootKeys
        .lastUsage()
        .forEach(
            u ->
                versions.add(new JsonObject().put("version", u.version()).put("items", u.items())));
    return new JsonObject()
        .put("type", core.hsa().custody())
        .put("up", core.hsa().up())
        .put("rootVersion", core.hsa().rootVersion())
        .put("versions", versions);
  }

  /** Everything the API verticles share. */
  ApiServices apiServices(
      Core core,
      Components parts,
      LimitPolicy limits,
      Optional<RedisBackend> redis,
      Readiness readiness) {
    return new ApiServices(
        httpSettings(),
        new CryptoService(
            parts.keyCache(),
            core.executor(),
            new InlineCryptoExecutor(),
            new MessageCipher(core.random()),
            core.hsa(),
            clock),
        new AsymmetricService(parts.keyCache(), core.executor(), core.hsa()),
        new KeyService(
            parts.keys(),
            parts.keyCache(),
            core.executor(),
            core.hsa(),
            core.random(),
            clock,
            config.limits().cmkQuota(),
            parts.changes(),
            config.regions().smRegions()),
        new ImportService(
            parts.keys(), parts.keyCache(), core.executor(), core.hsa(), clock, parts.changes()),
        parts.credentials(),
        new Tc3KeyCache(),
        limits,
        Limiters.replayGuard(config.auth(), redis, clock),
        Limiters.signatureBindings(config.auth(), redis, clock),
        new LocalSourceLimiter(config.limits().authFailuresPerIp()),
        audit,
        readiness,
        clock,
        metrics.requests());
  }

  private HttpSettings httpSettings() {
    KmsConfig.Regions regions = config.regions();
    return new HttpSettings(
        regions.served(),
        regions.aliases(),
        regions.defaultRegion(),
        config.auth().timestampWindowSeconds(),
        KmsServer.MAX_BODY_BYTES,
        config.auth().allowUnsignedPayload(),
        config.observability().auditBlockMillis(),
        config.server().requestTimeoutMillis());
  }

  /** Key-cache, audit and Redis meters (nothing when metrics are off). */
  void bindMetrics(
      Vertx vertx,
      Core core,
      Components parts,
      ApiServices services,
      Optional<RedisBackend> redis) {
    metrics.bind(parts.keyCache(), audit, services.signatures());
    metrics.bindReadiness(services.readiness());
    if (metrics.enabled()) {
      // kms_database_up stays current even when nothing probes /readyz.
      vertx.setPeriodic(DATABASE_PROBE.toMillis(), id -> services.readiness().checkDatabase());
    }
    metrics.bindRedis(redis.orElse(null));
    metrics.bindRootKeys(parts.rootKeys(), Pkcs11Custody::unrecordedObjects);
    metrics.bindCryptoPool(core.executor());
    metrics.bindChanges(parts.changes());
  }

  /** The management listener; its port, or -1 when no admin token is configured. */
  int startAdmin(Vertx vertx, AdminService admin, LimitPolicy limits, RootKeyService rootKeys) {
    return Listeners.startAdmin(vertx, config, admin, limits, rootKeys, audit);
  }

  /** The Prometheus endpoint; its port, or -1 when metrics are off. */
  int startMetrics(Vertx vertx) {
    KmsConfig.Observability o = config.observability();
    return metrics.start(vertx, o.metricsHost(), o.metricsPort());
  }

  /** Logs where the server listens. */
  void announce(int adminPort, int metricsPort) {
    KmsConfig.Http http = config.http();
    LOG.info(
        "tkms listening on {}://{}:{} ({} event loops, {} crypto workers){}",
        http.tlsEnabled() ? "https" : "http",
        http.host(),
        http.port(),
        threads.eventLoops(),
        threads.cryptoWorkers(),
        adminPort > 0 ? ", management API on " + config.admin().host() + ":" + adminPort : "");
    if (metricsPort > 0) {
      LOG.info(
          "Prometheus metrics on http://{}:{}/metrics",
          config.observability().metricsHost(),
          metricsPort);
    }
  }
}
