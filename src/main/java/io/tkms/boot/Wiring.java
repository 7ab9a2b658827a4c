package io.tkms.boot;

import io.tkms.adapter.pg.PgAccountRepository;
import io.tkms.adapter.pg.PgChangeBus;
import io.tkms.adapter.pg.PgKeyRepository;
import io.tkms.adapter.pg.PgRootKeyStore;
import io.tkms.adapter.ratelimit.RedisBackend;
import io.tkms.adapter.worker.VertxEventLoops;
import io.tkms.adapter.worker.WorkerCryptoExecutor;
import io.tkms.application.AdminService;
import io.tkms.application.CacheInvalidation;
import io.tkms.application.CredentialCache;
import io.tkms.application.KeyMaterialCache;
import io.tkms.application.LifecycleJobs;
import io.tkms.application.LimitPolicy;
import io.tkms.application.RootKeyService;
import io.tkms.application.port.RootKeyring;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.Limits;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage and application steps of one start, run in order by {@link KmsServer#start}; {@link
 * ApiWiring} holds the listeners' steps. Each step takes what earlier steps built and returns what
 * it builds; bulky ones delegate to a class of their own ({@link Database}, {@link RootKey}, {@link
 * BootstrapCredential}, {@link Limiters}). Steps block: call them from the starting thread, never
 * an event loop.
 */
final class Wiring {
  private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

  /** How often the HSA is asked whether it answers. */
  private static final long HSA_PROBE_MS = 5_000;

  /** How many recently used credentials are loaded before the API listens. */
  private static final int WARM_CREDENTIALS = 10_000;

  private final KmsConfig config;
  private final Threads threads;
  private final Metrics metrics;

  /** API verticles (one per event loop) and crypto worker threads, sized once per start. */
  record Threads(int eventLoops, int cryptoWorkers) {

    /** The configured counts; 0 means one event loop, or two crypto workers, per core. */
    static Threads of(KmsConfig.Server server) {
      int cores = Runtime.getRuntime().availableProcessors();
      return new Threads(
          server.eventLoops() > 0 ? server.eventLoops() : cores,
          server.cryptoWorkers() > 0 ? server.cryptoWorkers() : 2 * cores);
    }
  }

  /** Storage and crypto: built by the first steps, used by all later ones, closed last. */
  record Core(
      Vertx vertx,
      Database database,
      Pool pool,
      Pool maintenance,
      WorkerCryptoExecutor executor,
      RandomSource random,
      RootKeyring hsa) {}

  /** The Postgres repositories. */
  record Repositories(PgKeyRepository keys, PgAccountRepository accounts) {}

  /** The repositories, the key and credential caches, and the change bus that invalidates them. */
  record Components(
      PgKeyRepository keys,
      PgAccountRepository accounts,
      KeyMaterialCache keyCache,
      CredentialCache credentials,
      PgChangeBus changes,
      RootKeyService rootKeys) {}

  Wiring(KmsConfig config, Threads threads, Metrics metrics) {
    this.config = config;
    this.threads = threads;
    this.metrics = metrics;
  }

  /** Vert.x with one event loop per API verticle, reporting into the metrics registry. */
  Vertx vertx() {
    Vertx vertx =
        metrics.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(threads.eventLoops())
                // Netty's epoll transport where its native library loads (Linux x86-64), else NIO.
                .setPreferNativeTransport(true)
                .setMaxEventLoopExecuteTime(TimeUnit.MILLISECONDS.toNanos(200)));
    LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    return vertx;
  }

  /** The external Postgres, or the embedded one started under the data directory. */
  Database database() {
    return Database.open(config.database(), config.server().dataDir());
  }

  /** The pool and crypto workers; the schema migrated and the root key unsealed (or created). */
  Core unseal(Vertx vertx, Database database) {
    KmsConfig.Database db = config.database();
    // The request path's pool: bounded waits (a pooled connection within the query deadline, at
    // most 64 waiters per connection) and statements; see Database.requestOptions.
    Pool pool =
        PgBuilder.pool()
            .with(
                new PoolOptions()
                    .setMaxSize(db.poolSize())
                    .setConnectionTimeout(db.queryTimeoutMillis())
                    .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setMaxWaitQueueSize(db.poolSize() * 64))
            .with(Database.requestTransport(db.queryTimeoutMillis()))
            .connectingTo(database.requestOptions(db.queryTimeoutMillis()))
            .using(vertx)
            .build();
    // Migrations (which wait for another replica's migration lock), the root-key start-up and the
    // background jobs' batches: two connections of their own, without those deadlines.
    Pool maintenance =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2))
            .connectingTo(database.options())
            .using(vertx)
            .build();
    RandomSource random = RandomSource.secure();
    WorkerCryptoExecutor executor =
        new WorkerCryptoExecutor(vertx, threads.cryptoWorkers(), config.server().cryptoQueueSize());
    RootKeyring hsa = RootKey.unseal(config, maintenance, executor, random);
    LOG.info(
        "root key: {} custody, versions {}, new wraps use version {}",
        hsa.custody(),
        hsa.versions(),
        hsa.rootVersion());
    return new Core(vertx, database, pool, maintenance, executor, random, hsa);
  }

  /** The Postgres repositories over the pool. */
  Repositories repositories(Core core) {
    return new Repositories(new PgKeyRepository(core.pool()), new PgAccountRepository(core.pool()));
  }

  /** The caches over the repositories, invalidated through the (started) change bus. */
  Components caches(Core core, Repositories repositories) {
    KmsConfig.Caches caches = config.caches();
    VertxEventLoops eventLoops = new VertxEventLoops();
    KeyMaterialCache keyCache =
        new KeyMaterialCache(
            repositories.keys(),
            core.executor(),
            core.hsa(),
            eventLoops,
            caches.keyCacheSize(),
            Duration.ofSeconds(caches.keyCacheTtlSeconds()));
    CredentialCache credentials =
        new CredentialCache(
            repositories.accounts(),
            core.executor(),
            core.hsa(),
            eventLoops,
            Duration.ofSeconds(caches.credentialCacheTtlSeconds()));
    PgChangeBus changes = new PgChangeBus(core.vertx(), core.pool(), core.database().options());
    changes.start().await();
    CacheInvalidation.wire(changes, keyCache, credentials);
    RootKeyService rootKeys =
        new RootKeyService(
            new PgRootKeyStore(core.maintenance()), core.hsa(), core.executor(), changes);
    rootKeys.subscribe(
        e -> LOG.warn("could not follow a root-key change: {}", e.getClass().getSimpleName()));
    keyCache.followRootKeys(rootKeys);
    credentials.followRootKeys(rootKeys);
    return new Components(
        repositories.keys(), repositories.accounts(), keyCache, credentials, changes, rootKeys);
  }

  /** The account service; the bootstrap (or development) credential ensured, the cache warmed. */
  AdminService credentials(Core core, Components parts) {
    AdminService admin =
        new AdminService(
            parts.accounts(), parts.credentials(), core.executor(), core.hsa(), parts.changes());
    // A development credential's secret is key material: from the HSA's random source.
    BootstrapCredential.ensure(config, admin, core.hsa()::random);
    parts.credentials().warm(WARM_CREDENTIALS).await();
    // What each root-key version protects, counted once before the listeners report it.
    parts.rootKeys().refreshUsage().await();
    return admin;
  }

  /** The shared Redis, when configured; the caller closes it. */
  Optional<RedisBackend> redis(Vertx vertx) {
    return Limiters.redis(vertx, config.redis());
  }

  /** Per-account limits: the configured defaults, account overrides, the limiter. */
  LimitPolicy limits(Components parts, Optional<RedisBackend> redis) {
    KmsConfig.Limits limits = config.limits();
    return new LimitPolicy(
        new Limits(
            limits.defaultCryptoQps(),
            limits.defaultManagementQps(),
            limits.defaultActionQps(),
            limits.defaultGroupQps()),
        parts.accounts(),
        Limiters.rateLimiter(config, redis),
        parts.changes(),
        Duration.ofSeconds(config.caches().credentialCacheTtlSeconds()));
  }

  /** The purge and rotation jobs, run every {@code KMS_JOBS_INTERVAL_SECONDS}. */
  LifecycleJobs scheduleJobs(Core core, Components parts) {
    LifecycleJobs jobs =
        new LifecycleJobs(
            new PgKeyRepository(core.maintenance()),
            parts.keyCache(),
            core.executor(),
            core.hsa(),
            parts.changes());
    long interval = config.server().jobsIntervalSeconds() * 1000L;
    core.vertx().setPeriodic(interval, id -> jobs.runOnce().onComplete(Wiring::logJobs));
    // Root keys: follow rotations missed while the notifications were down, finish a re-wrap an
    // earlier process left half done, keep the per-version counts fresh.
    RootKeyService rootKeys = parts.rootKeys();
    Runnable rootKeyJob =
        () ->
            rootKeys
                .catchUp()
                .compose(v -> rootKeys.rewrap())
                .compose(
                    n -> {
                      if (n > 0) {
                        LOG.info(
                            "re-wrapped {} items under root-key version {}",
                            n,
                            core.hsa().rootVersion());
                      }
                      return rootKeys.refreshUsage();
                    })
                .onFailure(e -> LOG.warn("root-key job failed: {}", e.getClass().getSimpleName()));
    rootKeyJob.run();
    core.vertx().setPeriodic(interval, id -> rootKeyJob.run());
    // Whether the HSA answers (a token can go away and come back): probed on a thread of its own,
    // one probe at a time, so a token that hangs holds neither an event loop nor a crypto worker.
    WorkerExecutor prober = core.vertx().createSharedWorkerExecutor("kms-hsa-probe", 1);
    AtomicBoolean probing = new AtomicBoolean();
    core.vertx()
        .setPeriodic(
            HSA_PROBE_MS,
            id -> {
              if (probing.compareAndSet(false, true)) {
                prober
                    .executeBlocking(() -> core.hsa().probe(), true)
                    .onComplete(ar -> probing.set(false));
              }
            });
    return jobs;
  }

  private static void logJobs(AsyncResult<LifecycleJobs.Report> ar) {
    if (ar.failed()) {
      LOG.warn("lifecycle jobs failed: {}", ar.cause().getClass().getSimpleName());
    } else if (!ar.result().purged().isEmpty()
        || !ar.result().rotated().isEmpty()
        || !ar.result().expired().isEmpty()) {
      LOG.info(
          "lifecycle jobs: {} keys purged, {} keys rotated, {} keys' imported material expired",
          ar.result().purged().size(),
          ar.result().rotated().size(),
          ar.result().expired().size());
    }
  }
}
