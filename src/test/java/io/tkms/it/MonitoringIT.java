package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.testing.RequiredTool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped dashboard and alert rules against the real thing: a Prometheus of our own (Debian's
 * {@code prometheus}, its own configuration, data directory and free port, the alert rules loaded)
 * scrapes a server with Redis under a short signed load that includes a throttled account and a
 * failed request. Then every dashboard panel's query (Grafana's variables substituted as Grafana
 * would with "All" selected) and every alert's expression evaluates through Prometheus' HTTP API
 * without error, and every metric name they use is in the server's {@code /metrics}: renaming a
 * metric without the dashboard or the rules fails here.
 */
class MonitoringIT {
  static final Path DASHBOARD = Path.of("k8s", "monitoring", "dashboard.json");
  static final Path ALERTS = Path.of("k8s", "monitoring", "alerts.yaml");
  static final String THROTTLED_APPID = "1250009001";

  /** API 2.0's code for a request the account limiter refused. */
  static final int THROTTLED = 4420;

  static final String PREFIX = TestRedis.uniquePrefix();
  static String redisUrl;

  @RegisterExtension
  static final TestServer server = TestServer.perClass().withEnv(MonitoringIT::env);

  static OwnPrometheus prometheus;
  static String metricsPage;

  static void env(Map<String, String> env) {
    redisUrl = TestRedis.url();
    env.put("KMS_REDIS_URL", redisUrl);
    env.put("KMS_REDIS_KEY_PREFIX", PREFIX);
    env.put("KMS_REDIS_TIMEOUT_MS", "250");
  }

  @BeforeAll
  static void scrapedUnderLoad() throws Exception {
    prometheus = OwnPrometheus.start(server.metricsPort(), ALERTS);
    V2Client owner = server.bootstrapClient();
    String keyId = Keys.create(owner, "monitoring");
    String pt = Base64.getEncoder().encodeToString("watched".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 20; i++) {
      JsonObject enc = owner.call("Encrypt", "keyId", keyId, "plaintext", pt);
      assertThat(enc.getInteger("code")).isZero();
      assertThat(
              owner
                  .call("Decrypt", "ciphertextBlob", enc.getString("ciphertextBlob"))
                  .getInteger("code"))
          .isZero();
    }
    server.bootstrapV3Client().call("GenerateDataKey", new JsonObject().put("KeyId", keyId));
    // A failed request ...
    assertThat(owner.call("Decrypt", "ciphertextBlob", "bm90IGEgYmxvYg==").getInteger("code"))
        .isNotZero();
    // ... and a throttled account.
    V2Client throttled = server.newAccount(THROTTLED_APPID);
    server.admin(
        "PUT",
        "/admin/v1/accounts/" + THROTTLED_APPID + "/limits",
        new JsonObject().put("crypto", 1));
    String itsKey = Keys.create(throttled, "throttled");
    eventually(
        Duration.ofSeconds(20),
        "the account is throttled",
        () -> {
          int refused = 0;
          for (int i = 0; i < 10; i++) {
            if (throttled.call("Encrypt", "keyId", itsKey, "plaintext", pt).getInteger("code")
                == THROTTLED) {
              refused++;
            }
          }
          return refused > 0;
        });
    metricsPage = RootKeyRotationIT.scrape(server.metricsPort());
    // Two scrapes after the load: rates over them are defined.
    prometheus.awaitScrapesAfterNow(2);
  }

  @AfterAll
  static void stopPrometheus() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (redisUrl != null) {
      TestRedis.deleteKeys(redisUrl, PREFIX);
    }
  }

  @Test
  void everyDashboardQuery_evaluates_andUsesOnlyExportedMetrics() throws Exception {
    Map<String, String> queries = dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(20);
    for (Map.Entry<String, String> q : queries.entrySet()) {
      String expr = grafanaSubstituted(q.getValue());
      prometheus.query(q.getKey(), expr);
      assertMetricsExported(q.getKey(), expr);
    }
  }

  @Test
  void everyAlertExpression_evaluates_andUsesOnlyExportedMetrics() throws Exception {
    Map<String, String> alerts = alertExpressions();
    assertThat(alerts).isNotEmpty();
    for (Map.Entry<String, String> a : alerts.entrySet()) {
      prometheus.query(a.getKey(), a.getValue());
      assertMetricsExported(a.getKey(), a.getValue());
    }
    // Prometheus loaded the same rules without complaint.
    JsonArray groups = prometheus.api("/api/v1/rules").getJsonObject("data").getJsonArray("groups");
    int loaded = 0;
    for (int i = 0; i < groups.size(); i++) {
      JsonArray rules = groups.getJsonObject(i).getJsonArray("rules");
      for (int j = 0; j < rules.size(); j++) {
        JsonObject r = rules.getJsonObject(j);
        assertThat(r.getString("health")).as(r.getString("name")).isNotEqualTo("err");
        loaded++;
      }
    }
    assertThat(loaded).isEqualTo(alerts.size());
  }

  @Test
  void theThrottledAccount_andTheFailedRequest_showInThePanelsQueries() throws Exception {
    JsonArray byAccount =
        prometheus.query(
            "throttled by account",
            grafanaSubstituted(
                dashboardQueries()
                    .get(
                        "Throttled requests by account" + " (last minute, top 10 per replica)/A")));
    assertThat(
            byAccount.stream()
                .map(r -> ((JsonObject) r).getJsonObject("metric").getString("account")))
        .contains(THROTTLED_APPID);
    JsonArray errors =
        prometheus.query("errors", "sum by (result) (kms_requests_total{result!=\"0\"})");
    assertThat(errors).isNotEmpty();
    JsonArray build = prometheus.query("build", "kms_build_info");
    assertThat(build).hasSize(1);
  }

  /** Panel title + refId → expression, for every panel with targets (rows included). */
  static Map<String, String> dashboardQueries() throws IOException {
    JsonObject d = new JsonObject(Files.readString(DASHBOARD));
    Map<String, String> out = new LinkedHashMap<>();
    List<JsonObject> panels = new ArrayList<>();
    collectPanels(d.getJsonArray("panels"), panels);
    for (JsonObject p : panels) {
      JsonArray targets = p.getJsonArray("targets", new JsonArray());
      for (int i = 0; i < targets.size(); i++) {
        JsonObject t = targets.getJsonObject(i);
        out.put(p.getString("title") + "/" + t.getString("refId"), t.getString("expr"));
      }
    }
    JsonArray vars = d.getJsonObject("templating").getJsonArray("list");
    for (int i = 0; i < vars.size(); i++) {
      JsonObject v = vars.getJsonObject(i);
      if ("query".equals(v.getString("type"))) {
        String q = v.getJsonObject("query").getString("query");
        Matcher m = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)").matcher(q);
        assertThat(m.matches()).as("variable " + v.getString("name") + ": " + q).isTrue();
        out.put("variable " + v.getString("name"), m.group(1));
      }
    }
    return out;
  }

  static void collectPanels(JsonArray panels, List<JsonObject> into) {
    for (int i = 0; i < panels.size(); i++) {
      JsonObject p = panels.getJsonObject(i);
      into.add(p);
      collectPanels(p.getJsonArray("panels", new JsonArray()), into);
    }
  }

  /** Alert name → expression, from the shipped rules file. */
  @SuppressWarnings("unchecked")
  static Map<String, String> alertExpressions() throws IOException {
    Map<String, Object> file = new Yaml().load(Files.readString(ALERTS));
    Map<String, String> out = new LinkedHashMap<>();
    for (Map<String, Object> g : (List<Map<String, Object>>) file.get("groups")) {
      for (Map<String, Object> r : (List<Map<String, Object>>) g.get("rules")) {
        String name = (String) (r.containsKey("alert") ? r.get("alert") : r.get("record"));
        out.put(name, String.valueOf(r.get("expr")));
      }
    }
    return out;
  }

  /** Grafana's variables as Grafana substitutes them with "All" selected (allValue ".*"). */
  static String grafanaSubstituted(String expr) {
    return expr.replace("$__rate_interval", "1m")
        .replace("$__interval", "15s")
        .replace("$__range", "5m")
        .replace("$job", ".*")
        .replace("$instance", ".*");
  }

  private static final Pattern METRIC =
      Pattern.compile("\\b((?:kms|vertx|jvm|process|system)_[a-zA-Z0-9_]+)\\b");

  /** Every metric name in {@code expr} has a sample in the server's /metrics page. */
  static void assertMetricsExported(String what, String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names).as(what + ": " + expr + " names no metric").isNotEmpty();
    for (String name : names) {
      assertThat(metricsPage)
          .as(what + ": metric " + name + " is not in /metrics")
          .containsPattern("(?m)^" + Pattern.quote(name) + "[ {]");
    }
  }

  /** Prometheus, Debian's binary, on a free port with its own configuration and data. */
  static final class OwnPrometheus implements AutoCloseable {
    final Process process;
    final Path dir;
    final int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private OwnPrometheus(Process process, Path dir, int port) {
      this.process = process;
      this.dir = dir;
      this.port = port;
    }

    static OwnPrometheus start(int metricsPort, Path rules) throws Exception {
      String binary =
          RequiredTool.path(
              "prometheus",
              "Debian's prometheus package: apt-get install -y --no-install-recommends prometheus");
      Path dir = TestServer.tempDir();
      Files.copy(rules, dir.resolve("alerts.yaml"));
      Files.writeString(
          dir.resolve("prometheus.yml"),
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "  evaluation_interval: 1s",
              "rule_files:",
              "  - alerts.yaml",
              "scrape_configs:",
              "  - job_name: kms",
              "    static_configs:",
              "      - targets: ['127.0.0.1:" + metricsPort + "']",
              ""));
      int port = TestServer.freePort();
      Process p =
          new ProcessBuilder(
                  binary,
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      OwnPrometheus prom = new OwnPrometheus(p, dir, port);
      eventually(Duration.ofSeconds(60), "Prometheus ready", prom::ready);
      return prom;
    }

    boolean ready() {
      if (!process.isAlive()) {
        throw new AssertionError("Prometheus exited: " + log());
      }
      try {
        return http.send(
                    HttpRequest.newBuilder(URI.create(base() + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    String log() {
      try {
        return Files.readString(dir.resolve("prometheus.log"));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    String base() {
      return "http://127.0.0.1:" + port;
    }

    /** Waits until the server has been scraped {@code n} more times, each successfully. */
    void awaitScrapesAfterNow(int n) {
      double since = System.currentTimeMillis() / 1000.0;
      eventually(
          Duration.ofSeconds(30),
          () -> {
            JsonArray up = query("up", "up{job=\"kms\"}");
            assertThat(up).as("the server scraped").hasSize(1);
            JsonArray sample = up.getJsonObject(0).getJsonArray("value");
            assertThat(sample.getString(1)).as("the last scrape succeeded").isEqualTo("1");
            assertThat(sample.getDouble(0)).as("last scrape").isGreaterThanOrEqualTo(since + n);
          });
    }

    /** An instant query; fails the test unless Prometheus evaluates it. Returns the vector. */
    JsonArray query(String what, String expr) throws Exception {
      JsonObject body =
          api("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
      assertThat(body.getString("status"))
          .as(what + ": " + expr + " → " + body.encode())
          .isEqualTo("success");
      Object result = body.getJsonObject("data").getValue("result");
      return result instanceof JsonArray a ? a : new JsonArray();
    }

    JsonObject api(String pathAndQuery) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body());
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }
}
