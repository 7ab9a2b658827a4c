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
import io.tkms.adapter.pg.PgAccountRepository;
import io.tkms.adapter.pg.PgKeyRepository;
import io.tkms.adapter.pg.PgRootKeyStore;
import io.tkms.adapter.ratelimit.LocalRateLimiter;
import io.tkms.adapter.ratelimit.LocalReplayGuard;
import io.tkms.adapter.ratelimit.LocalSourceLimiter;
import io.tkms.adapter.worker.InlineCryptoExecutor;
import io.tkms.adapter.worker.WorkerCryptoExecutor;
import io.tkms.application.AdminService;
import io.tkms.application.CredentialCache;
import io.tkms.application.CryptoService;
import io.tkms.application.KeyMaterialCache;
import io.tkms.application.KeyService;
import io.tkms.application.port.AuditSink;
import io.tkms.application.port.Hsa;
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
import java.util.concurrent.TimeUnit;
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
  private int metricsPort = -1;

  private KmsServer(Vertx vertx, Database database, Pool pool, Readiness readiness, int apiPort, int adminPort, WorkerCryptoExecutor executor) {
    this.vertx = vertx;
    this.database = database;
    this.pool = pool;
    this.readiness = readiness;
    this.apiPort = apiPort;
    this.adminPort = adminPort;
    this.executor = executor;
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
        .setMaxEventLoopExecuteTime(TimeUnit.MILLISECONDS.toNanos(200)));
    Database database = null;
    try {
      database = Database.open(config);
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.pgPoolSize()))
          .connectingTo(database.options()).using(vertx).build();
      RandomSource random = RandomSource.secure();
      WorkerCryptoExecutor executor = new WorkerCryptoExecutor(vertx, workers);
      Hsa hsa = unseal(config, pool, executor, random);

      PgKeyRepository keyRepo = new PgKeyRepository(pool);
      PgAccountRepository accountRepo = new PgAccountRepository(pool);
      KeyMaterialCache keyCache = new KeyMaterialCache(keyRepo, executor, hsa, config.keyCacheSize(), Duration.ofSeconds(config.keyCacheTtlSeconds()));
      CredentialCache credentials = new CredentialCache(accountRepo, executor, hsa, Duration.ofSeconds(config.credentialCacheTtlSeconds()));
      AdminService admin = new AdminService(accountRepo, credentials, executor, hsa, random);
      ensureCredentials(config, admin, random);
      credentials.warm(10_000).await();

      Readiness readiness = new Readiness(() -> pool.query("SELECT 1").execute().mapEmpty());
      HttpSettings settings = new HttpSettings(config.regions(), config.regionAliases(), config.defaultRegion(),
          config.timestampWindowSeconds(), MAX_BODY_BYTES);
      ApiServices services = new ApiServices(settings,
          new CryptoService(keyCache, executor, new InlineCryptoExecutor(), new MessageCipher(random), random),
          new KeyService(keyRepo, keyCache, executor, hsa, random, clock, config.cmkQuota()),
          credentials,
          new Tc3KeyCache(),
          new LocalRateLimiter(config.defaultCryptoQps(), config.defaultManagementQps()),
          new LocalReplayGuard(clock, config.replayCacheSize()),
          new LocalSourceLimiter(config.authFailuresPerIp()),
          audit, readiness, clock, metrics.requests());
      metrics.bind(keyCache, audit);
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
      int adminPort = startAdmin(vertx, config, admin);
      int metricsPort = metrics.start(vertx, config.metricsHost(), config.metricsPort());
      LOG.info("tkms listening on {}://{}:{} ({} event loops, {} crypto workers){}", config.tlsEnabled() ? "https" : "http",
          config.httpHost(), config.httpPort(), loops, workers, adminPort > 0 ? ", management API on " + config.adminHost() + ":" + adminPort : "");
      if (metricsPort > 0) {
        LOG.info("Prometheus metrics on http://{}:{}/metrics", config.metricsHost(), metricsPort);
      }
      KmsServer started = new KmsServer(vertx, database, pool, readiness, config.httpPort(), adminPort, executor);
      started.metricsPort = metricsPort;
      return started;
    } catch (RuntimeException e) {
      vertx.close().await();
      if (database != null) {
        database.close();
      }
      throw e;
    }
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

  private static int startAdmin(Vertx vertx, KmsConfig config, AdminService admin) {
    if (!config.adminToken().isPresent()) {
      return -1;
    }
    byte[] token = config.adminToken().read();
    try {
      if (token.length < 16) {
        throw new BootException("KMS_ADMIN_TOKEN must be at least 16 characters");
      }
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(config.adminHost()).setPort(config.adminPort()))
          .requestHandler(new AdminApi(admin, token).router(vertx));
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

  /** Marks the process as draining: {@code /readyz} answers 503 from now on. */
  public void startDraining() {
    readiness.startDraining();
  }

  @Override
  public void close() {
    readiness.startDraining();
    try {
      executor.close();
      pool.close().await();
    } catch (RuntimeException e) {
      LOG.warn("pool did not close cleanly: {}", e.getClass().getSimpleName());
    }
    vertx.close().await();
    database.close();
  }
}
