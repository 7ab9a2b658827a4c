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
import java.util.HashMap;
import java.util.Map;

/**
 * A whole server in-process against a real Postgres database, with a bootstrap account
 * (AppId 1250000001, SecretId {@link #SECRET_ID}) and the management API on.
 */
public final class TestServer implements AutoCloseable {
  public static final String APP_ID = "1250000001";
  public static final String SECRET_ID = "AKIDtestBootstrap000000000000000001";
  public static final String SECRET_KEY = "bootstrapSecretKey0123456789abcdef";
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  public static final String UNSEAL_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  private final KmsServer server;
  private final Map<String, String> env;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestServer(KmsServer server, Map<String, String> env) {
    this.server = server;
    this.env = env;
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
    ConfigLoader.Loaded loaded = ConfigLoader.load(env, Path.of("conf", "kms.yaml"));
    return new TestServer(KmsServer.start(loaded.config(), clock), env);
  }

  /** A server whose API serves {@code actions} instead of the standard catalog. */
  public static TestServer start(Map<String, String> env, ActionCatalog actions) {
    ConfigLoader.Loaded loaded = ConfigLoader.load(env, Path.of("conf", "kms.yaml"));
    return new TestServer(KmsServer.start(loaded.config(), Clock.systemUTC(), new LogAuditSink(), actions), env);
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
    return server;
  }

  public Map<String, String> environment() {
    return env;
  }

  /** Runs the purge and rotation jobs once, now. */
  public io.tkms.application.LifecycleJobs.Report runJobs() {
    return server.runJobs();
  }

  public int port() {
    return server.apiPort();
  }

  /** The Prometheus listener's port, or -1 when metrics are off. */
  public int metricsPort() {
    return server.metricsPort();
  }

  /** The management listener's port (for raw requests such as malformed JSON). */
  public int adminPort() {
    return server.adminPort();
  }

  /** What SIGTERM does first: {@code /readyz} answers 503 from now on. */
  public void startDraining() {
    server.startDraining();
  }

  public V2Client bootstrapClient() {
    return new V2Client(port(), SECRET_ID, SECRET_KEY);
  }

  /** Creates an account with an owner credential through the management API. */
  public V2Client newAccount(String appId) {
    admin("POST", "/admin/v1/accounts", new JsonObject().put("appId", appId).put("uin", appId));
    JsonObject cred = admin("POST", "/admin/v1/principals/" + appId + "/credentials", new JsonObject());
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
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
          .header("Content-Type", "application/json");
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new AdminResult(r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
