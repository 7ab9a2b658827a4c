package io.tkms.boot;

import io.tkms.adapter.audit.LogAuditSink;
import io.tkms.adapter.hsa.software.SoftwareHsa;
import io.tkms.adapter.http.ApiServices;
import io.tkms.adapter.http.ApiVerticle;
import io.tkms.adapter.http.HttpSettings;
import io.tkms.adapter.http.Readiness;
import io.tkms.adapter.http.admin.AdminApi;
import io.tkms.adapter.http.auth.Tc3KeyCache;
import io.tkms.adapter.pg.Migrator;
import io.tkms.adapter.pg.PgChangeBus;
import io.tkms.adapter.pg.PgAccountRepository;
import io.tkms.adapter.pg.PgKeyRepository;
import io.tkms.adapter.pg.PgRootKeyStore;
import io.tkms.adapter.ratelimit.LocalRateLimiter;
import io.tkms.adapter.ratelimit.LocalReplayGuard;
import io.tkms.adapter.ratelimit.LocalSourceLimiter;
import io.tkms.adapter.ratelimit.RedisBackend;
import io.tkms.adapter.ratelimit.RedisRateLimiter;
import io.tkms.adapter.ratelimit.RedisReplayGuard;
import io.tkms.adapter.worker.InlineCryptoExecutor;
import io.tkms.adapter.worker.VertxEventLoops;
import io.tkms.adapter.worker.WorkerCryptoExecutor;
import io.tkms.application.AdminService;
import io.tkms.application.CacheInvalidation;
import io.tkms.application.CredentialCache;
import io.tkms.application.CryptoService;
import io.tkms.application.KeyMaterialCache;
import io.tkms.application.KeyService;
import io.tkms.application.LifecycleJobs;
import io.tkms.application.LimitPolicy;
import io.tkms.application.Limits;
import io.tkms.application.port.AuditSink;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.RateLimiter;
import io.tkms.application.port.ReplayGuard;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.MessageCipher;
import io.tkms.crypto.RandomSource;
import io.tkms.error.KmsException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring: the only place adapters are constructed. {@link #start} brings up Postgres (embedded or
 * external), migrates, unseals (or creates) the root key, ensures the bootstrap credential, and
 * deploys the API verticles and the management listener.
 */
public final class KmsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KmsServer.class);
  /** The largest request body the API accepts. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final Database database;
  private final Pool pool;
  private final Readiness readiness;
  private final int apiPort;
  private final int adminPort;
  private final WorkerCryptoExecutor executor;
  private final LifecycleJobs jobs;
  private final Duration drainTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  private RedisBackend redis;
  private int metricsPort = -1;

  private KmsServer(Vertx vertx, Database database, Pool pool, Readiness readiness, int apiPort, int adminPort,
      WorkerCryptoExecutor executor, LifecycleJobs jobs, Duration drainTimeout) {
    this.vertx = vertx;
    this.database = database;
    this.pool = pool;
    this.readiness = readiness;
    this.apiPort = apiPort;
    this.adminPort = adminPort;
    this.executor = executor;
    this.jobs = jobs;
    this.drainTimeout = drainTimeout;
  }

  public int apiPort() {
    return apiPort;
  }

  /** The Prometheus port, or -1 when metrics are off. */
  public int metricsPort() {
    return metricsPort;
  }

  /** The management port, or -1 when the management API is off. */
  public int adminPort() {
    return adminPort;
  }

  /** The shared Redis's health (breaker, live replicas, fallbacks), when KMS_REDIS_URL is set. */
  public Optional<RedisBackend.Stats> redisStats() {
    return Optional.ofNullable(redis).map(RedisBackend::stats);
  }

  /** Starts everything; blocks until ready. Call from a non-event-loop thread (main, tests). */
  public static KmsServer start(KmsConfig config, Clock clock) {
    return start(config, clock, new LogAuditSink());
  }

  public static KmsServer start(KmsConfig config, Clock clock, AuditSink audit) {
    int cores = Runtime.getRuntime().availableProcessors();
    int loops = config.eventLoops() > 0 ? config.eventLoops() : cores;
    int workers = config.cryptoWorkers() > 0 ? config.cryptoWorkers() : 2 * cores;
    Metrics metrics = Metrics.create(config.metricsEnabled());
    Vertx vertx = metrics.vertx(new VertxOptions().setEventLoopPoolSize(loops)
        // Netty's epoll transport where its native library loads (Linux x86-64), else NIO.
        .setPreferNativeTransport(true)
        .setMaxEventLoopExecuteTime(TimeUnit.MILLISECONDS.toNanos(200)));
    LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    Database database = null;
    RedisBackend redis = null;
    try {
      database = Database.open(config);
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.pgPoolSize()))
          .connectingTo(database.options()).using(vertx).build();
      RandomSource random = RandomSource.secure();
      WorkerCryptoExecutor executor = new WorkerCryptoExecutor(vertx, workers);
      Hsa hsa = unseal(config, pool, executor, random);

      PgKeyRepository keyRepo = new PgKeyRepository(pool);
      PgAccountRepository accountRepo = new PgAccountRepository(pool);
      VertxEventLoops eventLoops = new VertxEventLoops();
      KeyMaterialCache keyCache = new KeyMaterialCache(keyRepo, executor, hsa, eventLoops, config.keyCacheSize(), Duration.ofSeconds(config.keyCacheTtlSeconds()));
      CredentialCache credentials = new CredentialCache(accountRepo, executor, hsa, eventLoops, Duration.ofSeconds(config.credentialCacheTtlSeconds()));
      PgChangeBus changes = new PgChangeBus(vertx, pool, database.options());
      changes.start().await();
      CacheInvalidation.wire(changes, keyCache, credentials);
      AdminService admin = new AdminService(accountRepo, credentials, executor, hsa, random, changes);
      ensureCredentials(config, admin, random);
      credentials.warm(10_000).await();

      redis = config.redis().map(r -> startRedis(vertx, r)).orElse(null);
      Readiness readiness = new Readiness(() -> pool.query("SELECT 1").execute().mapEmpty());
      HttpSettings settings = new HttpSettings(config.regions(), config.regionAliases(), config.defaultRegion(),
          config.timestampWindowSeconds(), MAX_BODY_BYTES);
      LimitPolicy limitPolicy = new LimitPolicy(new Limits(config.defaultCryptoQps(), config.defaultManagementQps(), config.defaultActionQps()),
          accountRepo, limiter(config, redis), changes, Duration.ofSeconds(config.credentialCacheTtlSeconds()));
      ApiServices services = new ApiServices(settings,
          new CryptoService(keyCache, executor, new InlineCryptoExecutor(), new MessageCipher(random), random),
          new KeyService(keyRepo, keyCache, executor, hsa, random, clock, config.cmkQuota(), changes),
          credentials,
          new Tc3KeyCache(),
          limitPolicy,
          replayGuard(config, redis, clock),
          new LocalSourceLimiter(config.authFailuresPerIp()),
          audit, readiness, clock, metrics.requests());
      metrics.bind(keyCache, audit);
      metrics.bindRedis(redis);
      HttpServerOptions http = new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort())
          .setMaxInitialLineLength(4 * MAX_BODY_BYTES).setMaxHeaderSize(16 * 1024).setIdleTimeout(120);
      if (config.tlsEnabled()) {
        http.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(config.tlsCertFile().get().toString()).setKeyPath(config.tlsKeyFile().get().toString()));
      } else if (!loopback(config.httpHost())) {
        LOG.warn("serving plain HTTP on {}: credentials' signatures and plaintexts cross the network unencrypted."
            + " Configure KMS_TLS_CERT_FILE and KMS_TLS_KEY_FILE.", config.httpHost());
      }
      vertx.deployVerticle(() -> new ApiVerticle(services, http), new DeploymentOptions().setInstances(loops)).await();
      int adminPort = startAdmin(vertx, config, admin, limitPolicy);
      int metricsPort = metrics.start(vertx, config.metricsHost(), config.metricsPort());
      LOG.info("tkms listening on {}://{}:{} ({} event loops, {} crypto workers){}", config.tlsEnabled() ? "https" : "http",
          config.httpHost(), config.httpPort(), loops, workers, adminPort > 0 ? ", management API on " + config.adminHost() + ":" + adminPort : "");
      LifecycleJobs jobs = new LifecycleJobs(keyRepo, keyCache, executor, hsa, changes);
      vertx.setPeriodic(config.jobsIntervalSeconds() * 1000L, id -> jobs.runOnce().onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("lifecycle jobs failed: {}", ar.cause().getClass().getSimpleName());
        } else if (!ar.result().purged().isEmpty() || !ar.result().rotated().isEmpty()) {
          LOG.info("lifecycle jobs: {} keys purged, {} keys rotated", ar.result().purged().size(), ar.result().rotated().size());
        }
      }));
      if (metricsPort > 0) {
        LOG.info("Prometheus metrics on http://{}:{}/metrics", config.metricsHost(), metricsPort);
      }
      KmsServer server = new KmsServer(vertx, database, pool, readiness, config.httpPort(), adminPort, executor, jobs,
          Duration.ofSeconds(config.drainTimeoutSeconds()));
      server.redis = redis;
      server.metricsPort = metricsPort;
      return server;
    } catch (RuntimeException e) {
      if (redis != null) {
        redis.close();
      }
      vertx.close().await();
      if (database != null) {
        database.close();
      }
      throw e;
    }
  }

  private static RedisBackend startRedis(Vertx vertx, KmsConfig.Redis r) {
    char[] password = null;
    if (r.password().isPresent()) {
      byte[] raw = r.password().read();
      password = new String(raw, java.nio.charset.StandardCharsets.UTF_8).toCharArray();
      Arrays.fill(raw, (byte) 0);
    }
    try {
      return RedisBackend.start(vertx, new RedisBackend.Settings(r.url(), password, r.timeoutMillis(), r.keyPrefix()));
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  private static RateLimiter limiter(KmsConfig config, RedisBackend redis) {
    if (redis == null) {
      return new LocalRateLimiter(config.defaultCryptoQps(), config.defaultManagementQps());
    }
    RedisRateLimiter.FailureMode mode = RedisRateLimiter.FailureMode.valueOf(config.redis().get().failureMode().name());
    return new RedisRateLimiter(redis, mode, config.defaultCryptoQps(), config.defaultManagementQps()).warmUp();
  }

  private static ReplayGuard replayGuard(KmsConfig config, RedisBackend redis, Clock clock) {
    LocalReplayGuard local = new LocalReplayGuard(clock, config.replayCacheSize());
    return redis == null ? local : new RedisReplayGuard(redis, local, clock).warmUp();
  }

  private static Hsa unseal(KmsConfig config, Pool pool, WorkerCryptoExecutor executor, RandomSource random) {
    byte[] unsealKey = UnsealKeys.resolve(config, random);
    PgRootKeyStore store = new PgRootKeyStore(pool);
    AtomicReference<Hsa> hsa = new AtomicReference<>();
    AtomicReference<String> refusal = new AtomicReference<>();
    try {
      new Migrator(pool)
          .migrateThen(() -> store.loadCurrent().compose(existing -> {
            if (existing.isPresent()) {
              // The worker pool maps unknown exceptions to INTERNAL_ERROR: carry the refusal out as a value.
              return executor.execute(() -> {
                try {
                  hsa.set(SoftwareHsa.open(unsealKey, existing.get(), random));
                } catch (SoftwareHsa.UnsealException e) {
                  refusal.set(e.getMessage());
                }
                return (Void) null;
              });
            }
            return executor.execute(() -> SoftwareHsa.create(unsealKey, random)).compose(created -> {
              hsa.set(created.hsa());
              LOG.info("created root key version {} (stored sealed in Postgres)", created.sealed().version());
              return store.insert(created.sealed());
            });
          }))
          .await();
      if (refusal.get() != null) {
        throw new BootException(refusal.get());
      }
    } catch (BootException e) {
      throw e;
    } catch (SoftwareHsa.UnsealException e) {
      throw new BootException(e.getMessage());
    } catch (KmsException e) {
      throw new BootException("cannot unseal the root key");
    } catch (RuntimeException e) {
      if (e.getCause() instanceof SoftwareHsa.UnsealException u) {
        throw new BootException(u.getMessage());
      }
      throw new BootException("cannot prepare the database: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"));
    } finally {
      Arrays.fill(unsealKey, (byte) 0);
    }
    return hsa.get();
  }

  private static void ensureCredentials(KmsConfig config, AdminService admin, RandomSource random) {
    if (config.bootstrap().isPresent()) {
      KmsConfig.Bootstrap b = config.bootstrap().get();
      byte[] key = b.secretKey().read();
      try {
        admin.ensureCredential(b.appId(), b.uin(), b.secretId(), key).await();
      } catch (KmsException e) {
        throw new BootException("bootstrap credential refused: " + e.getMessage());
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      return;
    }
    java.nio.file.Path file = config.dataDir().resolve("dev-credentials").toAbsolutePath();
    try (DevCredentials.Dev dev = DevCredentials.loadOrCreate(file, random)) {
      admin.ensureCredential(dev.appId(), dev.uin(), dev.secretId(), dev.secretKey()).await();
    } catch (KmsException e) {
      throw new BootException("development credential refused: " + e.getMessage());
    }
    LOG.warn("no bootstrap credential configured: a development credential (AppId {}) is in {}", DevCredentials.DEV_APPID, file);
  }

  private static int startAdmin(Vertx vertx, KmsConfig config, AdminService admin, LimitPolicy limits) {
    if (!config.adminToken().isPresent()) {
      return -1;
    }
    byte[] token = config.adminToken().read();
    try {
      if (token.length < 16) {
        throw new BootException("KMS_ADMIN_TOKEN must be at least 16 characters");
      }
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(config.adminHost()).setPort(config.adminPort()))
          .requestHandler(new AdminApi(admin, limits, new LocalSourceLimiter(config.authFailuresPerIp()), token).router(vertx));
      return server.listen().await().actualPort();
    } finally {
      Arrays.fill(token, (byte) 0);
    }
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
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
   * Graceful stop (what SIGTERM runs): {@link #drain}, then close the pool, Vert.x and the database.
   * Blocks for at most the drain timeout plus the time to close. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    drain();
    if (redis != null) {
      redis.close();
    }
    try {
      executor.close();
      pool.close().await();
    } catch (RuntimeException e) {
      LOG.warn("pool did not close cleanly: {}", e.getClass().getSimpleName());
    }
    vertx.close().await();
    database.close();
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
      LOG.warn("drain timeout of {} s reached with {} API requests in flight; stopping anyway", drainTimeout.toSeconds(), left);
    } else {
      LOG.info("drained: no API request in flight");
    }
    List<Future<Void>> undeploys = vertx.deploymentIDs().stream().map(vertx::undeploy).toList();
    try {
      Future.join(undeploys).await();
    } catch (RuntimeException e) {
      LOG.warn("listeners did not stop cleanly: {}", e.getClass().getSimpleName());
    }
  }
}
