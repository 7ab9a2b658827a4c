package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Prometheus endpoint: after a few calls its counters carry the right labels and values. */
class MetricsIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V2Client v2;
  static V3Client v3;
  static String keyId;

  @BeforeAll
  static void clientsAndKey() {
    v2 = server.bootstrapClient();
    v3 = server.bootstrapV3Client();
    keyId = Keys.create(v2, "metrics");
  }

  /** One sample line of the text exposition format. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  static List<Sample> scrape() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    List<Sample> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      Matcher m = LINE.matcher(line);
      if (line.startsWith("#") || !m.matches()) {
        continue;
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return out;
  }

  /** The value of the one sample with this name and exactly these labels, or null. */
  static Double value(List<Sample> samples, String name, String... labels) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(want))
        .map(Sample::value)
        .findFirst()
        .orElse(null);
  }

  static boolean present(List<Sample> samples, String name, String labelName, String labelValue) {
    return samples.stream()
        .anyMatch(s -> s.name().equals(name) && labelValue.equals(s.labels().get(labelName)));
  }

  @Test
  void aClientAskingForAnH2cUpgrade_getsTheWholePageOverHttp11() throws Exception {
    // The JDK client asks for an h2c upgrade by default; the listener must not take it (a large
    // page then came in frames above the client's limit).
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(r.body()).contains("kms_audit_dropped_total");
    }
  }

  @Test
  void requests_areCountedByProtocolActionAndResult_withLatencyHistograms() throws Exception {
    String pt = Base64.getEncoder().encodeToString("metrics test".getBytes());
    for (int i = 0; i < 3; i++) {
      assertThat(v2.call("Encrypt", "keyId", keyId, "plaintext", pt).getInteger("code")).isZero();
    }
    assertThat(v2.call("NoSuchThing").getString("codeDesc")).isEqualTo("InvalidAction");
    for (int i = 0; i < 2; i++) {
      assertThat(
              V3Client.code(
                  v3.call("Encrypt", new JsonObject().put("KeyId", keyId).put("Plaintext", pt))))
          .isNull();
    }
    assertThat(
            V3Client.code(
                v3.call(
                    "Decrypt", new JsonObject().put("CiphertextBlob", "bm90IGEgY2lwaGVydGV4dA=="))))
        .isNotNull();

    List<Sample> s = scrape();
    assertThat(value(s, "kms_requests_total", "protocol", "v2", "action", "Encrypt", "result", "0"))
        .isEqualTo(3.0);
    assertThat(
            value(s, "kms_requests_total", "protocol", "v2", "action", "CreateKey", "result", "0"))
        .isEqualTo(1.0);
    assertThat(
            value(
                s,
                "kms_requests_total",
                "protocol",
                "v2",
                "action",
                "other",
                "result",
                "InvalidAction"))
        .isEqualTo(1.0);
    assertThat(value(s, "kms_requests_total", "protocol", "v3", "action", "Encrypt", "result", "0"))
        .isEqualTo(2.0);
    assertThat(s)
        .anyMatch(
            x ->
                x.name().equals("kms_requests_total")
                    && x.labels().get("protocol").equals("v3")
                    && x.labels().get("action").equals("Decrypt")
                    && !x.labels().get("result").equals("0")
                    && x.value() == 1.0);
    assertThat(s)
        .noneMatch(
            x ->
                x.name().equals("kms_requests_total")
                    && "NoSuchThing".equals(x.labels().get("action")));

    assertThat(
            value(
                s,
                "kms_request_duration_seconds_count",
                "protocol",
                "v2",
                "action",
                "Encrypt",
                "outcome",
                "success"))
        .isEqualTo(3.0);
    assertThat(
            value(
                s,
                "kms_request_duration_seconds_count",
                "protocol",
                "v3",
                "action",
                "Decrypt",
                "outcome",
                "error"))
        .isEqualTo(1.0);
    assertThat(
            value(
                s,
                "kms_request_duration_seconds_bucket",
                "protocol",
                "v2",
                "action",
                "Encrypt",
                "outcome",
                "success",
                "le",
                "+Inf"))
        .isEqualTo(3.0);
    assertThat(
            s.stream()
                .filter(
                    x ->
                        x.name().equals("kms_request_duration_seconds_bucket")
                            && "Encrypt".equals(x.labels().get("action"))
                            && "v2".equals(x.labels().get("protocol"))))
        .hasSizeGreaterThan(10);

    // The limiter admitted the five Encrypts (Decrypt's may fail before or after it; CreateKey is
    // management).
    assertThat(value(s, "kms_limiter_decisions_total", "group", "crypto", "decision", "admitted"))
        .isGreaterThanOrEqualTo(5.0);
    assertThat(
            value(s, "kms_limiter_decisions_total", "group", "management", "decision", "admitted"))
        .isGreaterThanOrEqualTo(1.0);
    assertThat(value(s, "kms_limiter_decisions_total", "group", "crypto", "decision", "rejected"))
        .isZero();
  }

  @Test
  void keyCache_workerPool_postgresPool_andAuditDrops_areExported() throws Exception {
    String fresh = v2.call("CreateKey").getJsonObject("keyMetadata").getString("keyId");
    String pt = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
    double missesBefore = valueOr0(scrape(), "kms_key_cache_requests_total", "result", "miss");
    double hitsBefore = valueOr0(scrape(), "kms_key_cache_requests_total", "result", "hit");
    v2.call("Encrypt", "keyId", fresh, "plaintext", pt);
    v2.call("Encrypt", "keyId", fresh, "plaintext", pt);

    List<Sample> s = scrape();
    assertThat(
            valueOr0(s, "kms_key_cache_requests_total", "result", "miss")
                + valueOr0(s, "kms_key_cache_requests_total", "result", "hit"))
        .isEqualTo(missesBefore + hitsBefore + 2);
    assertThat(valueOr0(s, "kms_key_cache_requests_total", "result", "hit"))
        .isGreaterThan(hitsBefore);
    assertThat(value(s, "kms_key_cache_size")).isGreaterThanOrEqualTo(1.0);
    assertThat(value(s, "kms_audit_dropped_total")).isZero();
    assertThat(present(s, "vertx_pool_queue_pending", "pool_name", "kms-crypto"))
        .as("crypto worker-pool queue")
        .isTrue();
    assertThat(present(s, "vertx_pool_in_use", "pool_type", "sql"))
        .as("Postgres pool usage")
        .isTrue();
    assertThat(s).anyMatch(x -> x.name().startsWith("jvm_memory_used_bytes"));
  }

  @Test
  void buildInfo_andTheDatabaseState_areExported() throws Exception {
    List<Sample> s = scrape();
    Sample build =
        s.stream().filter(x -> x.name().equals("kms_build_info")).findFirst().orElseThrow();
    assertThat(build.value()).isEqualTo(1.0);
    assertThat(build.labels()).containsOnlyKeys("version", "commit");
    // Built by Maven from this repository: the pom's version, and the commit (or "unknown" when
    // the tests run from a copy without git).
    assertThat(build.labels().get("version")).isNotBlank().doesNotContain("${");
    assertThat(build.labels().get("commit")).matches("[0-9a-f]{12}(-dirty)?|unknown");
    assertThat(value(s, "kms_database_up")).isEqualTo(1.0);
  }

  @Test
  void onlyGetMetrics_isServed() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.metricsPort();
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(404);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(405);
  }

  static double valueOr0(List<Sample> s, String name, String... labels) {
    Double v = value(s, name, labels);
    return v == null ? 0 : v;
  }
}
