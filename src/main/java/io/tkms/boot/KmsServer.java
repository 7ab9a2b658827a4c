package io.tkms.boot;

import io.tkms.adapter.audit.LogAuditSink;
import io.tkms.adapter.http.ApiServices;
import io.tkms.adapter.http.ApiVerticle;
import io.tkms.adapter.http.Readiness;
import io.tkms.adapter.http.Route;
import io.tkms.adapter.http.action.ActionCatalog;
import io.tkms.adapter.http.v2.V2Endpoint;
import io.tkms.adapter.http.v3.V3Endpoint;
import io.tkms.adapter.ratelimit.RedisBackend;
import io.tkms.application.AdminService;
import io.tkms.application.LifecycleJobs;
import io.tkms.application.LimitPolicy;
import io.tkms.application.port.AuditSink;
import io.tkms.boot.Wiring.Components;
import io.tkms.boot.Wiring.Core;
import io.tkms.boot.Wiring.Threads;
import io.tkms.config.KmsConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server. {@link #start} wires it in named steps ({@link Wiring} for storage and the
 * application, {@link ApiWiring} for the listeners): Postgres (embedded or external), migration and
 * unseal (or creation) of the root key, repositories and caches, the bootstrap credential, Redis,
 * limits, the API verticles, the management listener, metrics and the lifecycle jobs.
 */
public final class KmsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KmsServer.class);

  /** The largest request body the API accepts. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private static final long CLOSE_POOL_SECONDS = 5;

  private final Core core;
  private final Optional<RedisBackend> redis;
  private final Readiness readiness;
  private final LifecycleJobs jobs;
  private final Ports ports;
  private final Duration drainTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The ports served; -1 for a listener that is off. */
  private record Ports(int api, int admin, int metrics) {}

  private KmsServer(
      Core core,
      Optional<RedisBackend> redis,
      Readiness readiness,
      LifecycleJobs jobs,
      Ports ports,
      Duration drainTimeout) {
    this.core = core;
    this.redis = redis;
    this.readiness = readiness;
    this.jobs = jobs;
    this.ports = ports;
    this.drainTimeout = drainTimeout;
  }

  public int apiPort() {
    return ports.api();
  }

  /** The Prometheus port, or -1 when metrics are off. */
  public int metricsPort() {
    return ports.metrics();
  }

  /** The management port, or -1 when the management API is off. */
  public int adminPort() {
    return ports.admin();
  }

  /**
   * The Vert.x instance the server runs on (embedding, and tests that must reach its named worker
   * pools, such as occupying {@code kms-crypto} to saturate it).
   */
  public Vertx vertx() {
    return core.vertx();
  }

  /** The shared Redis's health (breaker, live replicas, fallbacks), when KMS_REDIS_URL is set. */
  public Optional<RedisBackend.Stats> redisStats() {
    return redis.map(RedisBackend::stats);
  }

  /** Starts everything; blocks until ready. Call from a non-event-loop thread (main, tests). */
  public static KmsServer start(KmsConfig config, Clock clock) {
    return start(config, clock, new LogAuditSink());
  }

  /**
   * Starts everything with {@code audit} as the audit sink; blocks until ready. On a failing step,
   * closes what earlier steps opened (Redis, Vert.x with its pools, the database) and rethrows.
   *
   * @throws BootException when a step fails in a way the operator can fix (message says how)
   */
  public static KmsServer start(KmsConfig config, Clock clock, AuditSink audit) {
    return start(config, clock, audit, ActionCatalog.standard());
  }

  /**
   * As {@link #start(KmsConfig, Clock, AuditSink)}, serving {@code actions} (tests add their own).
   */
  public static KmsServer start(
      KmsConfig config, Clock clock, AuditSink audit, ActionCatalog actions) {
    UnsealKeys.check(config);
    Threads threads = Threads.of(config.server());
    Metrics metrics = Metrics.create(config.observability().metricsEnabled(), actions.wireNames());
    Wiring wiring = new Wiring(config, threads, metrics);
    ApiWiring api = new ApiWiring(config, threads, metrics, clock, audit);
    Vertx vertx = wiring.vertx();
    Database database = null;
    Optional<RedisBackend> redis = Optional.empty();
    try {
      database = wiring.database();
      Core core = wiring.unseal(vertx, database);
      Components parts = wiring.caches(core, wiring.repositories(core));
      AdminService admin = wiring.credentials(core, parts);
      redis = wiring.redis(vertx);
      LimitPolicy limits = wiring.limits(parts, redis);
      Readiness readiness = api.readiness(core, parts.rootKeys(), redis);
      ApiServices services = api.apiServices(core, parts, limits, redis, readiness);
      api.bindMetrics(vertx, core, parts, services, redis);
      deployApi(vertx, services, Listeners.api(config.http()), threads.eventLoops(), actions);
      int adminPort = api.startAdmin(vertx, admin, limits, parts.rootKeys());
      int metricsPort = api.startMetrics(vertx);
      LifecycleJobs jobs = wiring.scheduleJobs(core, parts);
      api.announce(adminPort, metricsPort);
      Ports ports = new Ports(config.http().port(), adminPort, metricsPort);
      Duration drainTimeout = Duration.ofSeconds(config.server().drainTimeoutSeconds());
      return new KmsServer(core, redis, readiness, jobs, ports, drainTimeout);
    } catch (RuntimeException e) {
      redis.ifPresent(RedisBackend::close);
      vertx.close().await();
      if (database != null) {
        database.close();
      }
      throw e;
    }
  }

  /**
   * One API verticle per event loop, all on the API port, each serving the two protocols' endpoints
   * over {@code actions}; blocks until they listen.
   */
  private static void deployApi(
      Vertx vertx,
      ApiServices services,
      HttpServerOptions http,
      int instances,
      ActionCatalog actions) {
    List<Route> routes =
        List.of(
            new Route(
                V2Endpoint.PATH,
                V2Endpoint.ENVELOPE,
                pipeline -> new V2Endpoint(pipeline, actions)),
            new Route(
                V3Endpoint.PATH,
                V3Endpoint.ENVELOPE,
                pipeline -> new V3Endpoint(pipeline, actions)));
    vertx
        .deployVerticle(
            () -> new ApiVerticle(services, http, routes),
            new DeploymentOptions().setInstances(instances))
        .await();
  }

  /** Runs the purge and rotation jobs once now (tests, operators); blocks until done. */
  public LifecycleJobs.Report runJobs() {
    return jobs.runOnce().await();
  }

  /** Marks the process as draining: {@code /readyz} answers 503 from now on. */
  public void startDraining() {
    readiness.startDraining();
  }

  /**
   * Graceful stop (what SIGTERM runs): {@link #drain}, then close Redis, the pool, Vert.x and the
   * database. Blocks for at most the drain timeout plus the time to close. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    drain();
    redis.ifPresent(RedisBackend::close);
    try {
      core.executor().close();
      // Bounded: a connection attempt that a hung peer accepted but never answered would otherwise
      // hold the close forever (the pg client has no deadline for its startup handshake).
      core.pool().close().timeout(CLOSE_POOL_SECONDS, TimeUnit.SECONDS).await();
      core.maintenance().close().timeout(CLOSE_POOL_SECONDS, TimeUnit.SECONDS).await();
    } catch (RuntimeException e) {
      LOG.warn("pool did not close cleanly: {}", e.getClass().getSimpleName());
    }
    core.vertx().close().await();
    core.hsa().close();
    core.database().close();
  }

  // ---- Graceful drain --------------------------------------------------------------------------

  /**
   * {@code /readyz} answers 503 from now on, so Kubernetes stops routing here; in-flight API
   * requests get up to the drain timeout to finish (new ones are still served meanwhile); then the
   * verticles and their listeners stop. Blocks: call from the shutdown thread, never an event loop.
   */
  private void drain() {
    readiness.startDraining();
    long left = readiness.inFlight().awaitIdle(drainTimeout);
    if (left > 0) {
      LOG.warn(
          "drain timeout of {} s reached with {} API requests in flight; stopping anyway",
          drainTimeout.toSeconds(),
          left);
    } else {
      LOG.info("drained: no API request in flight");
    }
    Vertx vertx = core.vertx();
    List<Future<Void>> undeploys = vertx.deploymentIDs().stream().map(vertx::undeploy).toList();
    try {
      Future.join(undeploys).await();
    } catch (RuntimeException e) {
      LOG.warn("listeners did not stop cleanly: {}", e.getClass().getSimpleName());
    }
  }
}
