package io.tkms.it;

import io.tkms.adapter.audit.LogAuditSink;
import io.tkms.adapter.http.action.ActionCatalog;
import io.tkms.boot.KmsServer;
import io.tkms.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A whole server in-process against a real Postgres database, with a bootstrap account (AppId
 * 1250000001, SecretId {@link #SECRET_ID}) and the management API on.
 *
 * <p>Either started at once ({@link #start}, {@link #startFresh}; close it yourself), or one per
 * test class as a JUnit extension, started before the class's {@code @BeforeAll} methods and closed
 * after its {@code @AfterAll} methods:
 *
 * <pre>{@code
 * @RegisterExtension static final TestServer server = TestServer.perClass();
 * @RegisterExtension static final TestServer low =
 *     TestServer.perClass().withEnv(env -> env.put("KMS_CMK_QUOTA", "2")).withClock(clock);
 * @RegisterExtension static final TestServer replica = TestServer.perClass().onDatabaseOf(server);
 * }</pre>
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  public static final String APP_ID = "1250000001";
  public static final String SECRET_ID = "AKIDtestBootstrap000000000000000001";
  public static final String SECRET_KEY = "bootstrapSecretKey0123456789abcdef";
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  public static final String UNSEAL_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  // HTTP/1.1, as operators' tools and the admin CLI speak it: the JDK client's default h2c upgrade
  // made a test fail once on a GOAWAY between two requests on one connection.
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** How a per-class server is made; null for one started at once. */
  private final Recipe recipe;

  private KmsServer server;
  private Map<String, String> env;

  /** The database (created on first use), environment changes and clock of a per-class server. */
  private record Recipe(
      Supplier<String> database,
      List<Consumer<Map<String, String>>> envChanges,
      Clock clock,
      ActionCatalog actions) {}

  private TestServer(KmsServer server, Map<String, String> env) {
    this.recipe = null;
    this.server = server;
    this.env = env;
  }

  private TestServer(Recipe recipe) {
    this.recipe = recipe;
  }

  /**
   * A server for one test class (register it with {@code @RegisterExtension} on a static field): a
   * fresh database, a temp data directory, the default test environment and the system clock.
   */
  public static TestServer perClass() {
    return new TestServer(
        new Recipe(
            memoized(TestPostgres::freshDatabase),
            List.of(),
            Clock.systemUTC(),
            ActionCatalog.standard()));
  }

  /** This per-class server with {@code change} applied to its environment before it starts. */
  public TestServer withEnv(Consumer<Map<String, String>> change) {
    List<Consumer<Map<String, String>>> changes = new ArrayList<>(recipe().envChanges());
    changes.add(change);
    return new TestServer(
        new Recipe(
            recipe().database(), List.copyOf(changes), recipe().clock(), recipe().actions()));
  }

  /** This per-class server with its notion of "now" from {@code clock}. */
  public TestServer withClock(Clock clock) {
    return new TestServer(
        new Recipe(recipe().database(), recipe().envChanges(), clock, recipe().actions()));
  }

  /** This per-class server serving {@code actions} instead of the standard catalog. */
  public TestServer withActions(ActionCatalog actions) {
    return new TestServer(
        new Recipe(recipe().database(), recipe().envChanges(), recipe().clock(), actions));
  }

  /** This per-class server as a replica of {@code other}: the same database. */
  public TestServer onDatabaseOf(TestServer other) {
    return new TestServer(
        new Recipe(
            other::databaseUrl, recipe().envChanges(), recipe().clock(), recipe().actions()));
  }

  /**
   * The postgresql:// URL of this server's database (created now if a per-class one has none yet).
   */
  public String databaseUrl() {
    return recipe != null ? recipe.database().get() : env.get("KMS_PG_URL");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Map<String, String> e = env(databaseUrl(), tempDir());
    recipe().envChanges().forEach(change -> change.accept(e));
    server = startKms(e, recipe().clock(), recipe().actions());
    env = e;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      close();
    }
  }

  private Recipe recipe() {
    if (recipe == null) {
      throw new IllegalStateException("a server started at once has no per-class recipe");
    }
    return recipe;
  }

  private KmsServer running() {
    if (server == null) {
      throw new IllegalStateException(
          "not started: register the TestServer with @RegisterExtension on a static field");
    }
    return server;
  }

  private static Supplier<String> memoized(Supplier<String> make) {
    return new Supplier<>() {
      private String value;

      @Override
      public synchronized String get() {
        if (value == null) {
          value = make.get();
        }
        return value;
      }
    };
  }

  /** The environment a test server runs with; tests add or override entries. */
  public static Map<String, String> env(String dbUrl, Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("KMS_PG_URL", dbUrl);
    env.put("KMS_DATA_DIR", dataDir.toString());
    env.put("KMS_HTTP_HOST", "127.0.0.1");
    env.put("KMS_HTTP_PORT", Integer.toString(freePort()));
    env.put("KMS_ADMIN_PORT", Integer.toString(freePort()));
    env.put("KMS_METRICS_HOST", "127.0.0.1");
    env.put("KMS_METRICS_PORT", Integer.toString(freePort()));
    env.put("KMS_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("KMS_UNSEAL_KEY", UNSEAL_KEY);
    env.put("KMS_BOOTSTRAP_APPID", APP_ID);
    env.put("KMS_BOOTSTRAP_SECRET_ID", SECRET_ID);
    env.put("KMS_BOOTSTRAP_SECRET_KEY", SECRET_KEY);
    env.put("KMS_SERVER_EVENT_LOOPS", "2");
    env.put("KMS_SERVER_CRYPTO_WORKERS", "2");
    // Tests drive management actions much faster than the shipped 100/s; throttling tests lower it.
    env.put("KMS_DEFAULT_MANAGEMENT_QPS", "100000");
    return env;
  }

  public static TestServer start(Map<String, String> env) {
    return start(env, Clock.systemUTC());
  }

  /** A server whose notion of "now" is {@code clock} (replayed captures, expiry tests). */
  public static TestServer start(Map<String, String> env, Clock clock) {
    return new TestServer(startKms(env, clock, ActionCatalog.standard()), env);
  }

  /** A server with {@code env} whose audit events go to {@code audit} instead of the log. */
  public static TestServer start(
      Map<String, String> env, io.tkms.application.port.AuditSink audit) {
    ConfigLoader.Loaded loaded = ConfigLoader.load(env, Path.of("conf", "kms.yaml"));
    return new TestServer(
        KmsServer.start(loaded.config(), Clock.systemUTC(), audit, ActionCatalog.standard()), env);
  }

  /** A server with {@code env} serving {@code actions}, its audit events going to {@code audit}. */
  public static TestServer start(
      Map<String, String> env, io.tkms.application.port.AuditSink audit, ActionCatalog actions) {
    ConfigLoader.Loaded loaded = ConfigLoader.load(env, Path.of("conf", "kms.yaml"));
    return new TestServer(KmsServer.start(loaded.config(), Clock.systemUTC(), audit, actions), env);
  }

  private static KmsServer startKms(Map<String, String> env, Clock clock, ActionCatalog actions) {
    ConfigLoader.Loaded loaded = ConfigLoader.load(env, Path.of("conf", "kms.yaml"));
    return KmsServer.start(loaded.config(), clock, new LogAuditSink(), actions);
  }

  /** A fresh database, a temp data directory and the default test environment. */
  public static TestServer startFresh() {
    return start(env(TestPostgres.freshDatabase(), tempDir()));
  }

  public static Path tempDir() {
    try {
      return Files.createTempDirectory("kms-test-data");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server itself (health of its Redis connection and similar). */
  public KmsServer kms() {
    return running();
  }

  public Map<String, String> environment() {
    running();
    return env;
  }

  /** Runs the purge and rotation jobs once, now. */
  public io.tkms.application.LifecycleJobs.Report runJobs() {
    return running().runJobs();
  }

  public int port() {
    return running().apiPort();
  }

  /** The Prometheus listener's port, or -1 when metrics are off. */
  public int metricsPort() {
    return running().metricsPort();
  }

  /** The management listener's port (for raw requests such as malformed JSON). */
  public int adminPort() {
    return running().adminPort();
  }

  /** What SIGTERM does first: {@code /readyz} answers 503 from now on. */
  public void startDraining() {
    running().startDraining();
  }

  /**
   * Tencent's own Java SDK client of the bootstrap credential in {@code region}, as a Tencent user
   * builds one (TC3, POST), pointed at this server.
   */
  public com.tencentcloudapi.kms.v20190118.KmsClient sdkClient(String region) {
    com.tencentcloudapi.common.profile.HttpProfile http =
        new com.tencentcloudapi.common.profile.HttpProfile();
    http.setEndpoint("127.0.0.1:" + port());
    http.setProtocol("http://");
    http.setReqMethod(com.tencentcloudapi.common.profile.HttpProfile.REQ_POST);
    com.tencentcloudapi.common.profile.ClientProfile profile =
        new com.tencentcloudapi.common.profile.ClientProfile();
    profile.setHttpProfile(http);
    profile.setSignMethod(com.tencentcloudapi.common.profile.ClientProfile.SIGN_TC3_256);
    return new com.tencentcloudapi.kms.v20190118.KmsClient(
        new com.tencentcloudapi.common.Credential(SECRET_ID, SECRET_KEY), region, profile);
  }

  /** A client of the bootstrap credential for API 3.0. */
  public V3Client bootstrapV3Client() {
    return new V3Client(port(), SECRET_ID, SECRET_KEY);
  }

  public V2Client bootstrapClient() {
    return new V2Client(port(), SECRET_ID, SECRET_KEY);
  }

  /** Creates an account with an owner credential through the management API. */
  public V2Client newAccount(String appId) {
    admin("POST", "/admin/v1/accounts", new JsonObject().put("appId", appId).put("uin", appId));
    JsonObject cred =
        admin("POST", "/admin/v1/principals/" + appId + "/credentials", new JsonObject());
    return new V2Client(port(), cred.getString("secretId"), cred.getString("secretKey"));
  }

  /** Calls the management API with the right token; returns the JSON body (any status). */
  public JsonObject admin(String method, String path, JsonObject body) {
    return adminResponse(method, path, body, ADMIN_TOKEN).body();
  }

  /** The status and body of a management call with the given token. */
  public record AdminResult(int status, JsonObject body) {}

  public AdminResult adminResponse(String method, String path, JsonObject body, String token) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + path))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body.encode()))
              .header("Content-Type", "application/json");
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new AdminResult(
          r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A port nothing listens on, never one handed out before in this JVM: the kernel may offer a just
   * closed probe port again, and two of a server's listeners given one port share it (Vert.x hands
   * the connections of one host and port round-robin to every server bound there in one instance).
   */
  public static int freePort() {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        int port = s.getLocalPort();
        synchronized (HANDED_OUT) {
          if (HANDED_OUT.add(port)) {
            return port;
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

  @Override
  public void close() {
    running().close();
  }
}
