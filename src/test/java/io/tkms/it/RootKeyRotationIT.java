package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Root-key rotation, online, on two replicas of one database (software seal): the new version takes
 * new wraps on both at once, the re-wrap job empties the old one, nothing fails meanwhile, and an
 * old version is destroyed only when nothing is wrapped under it.
 */
class RootKeyRotationIT {

  @Test
  void rotate_underLoadOnTwoReplicas_failsNothing_andEmptiesTheOldVersion() throws Exception {
    String db = TestPostgres.freshDatabase();
    try (TestServer a = TestServer.start(TestServer.env(db, TestServer.tempDir()));
        TestServer b = TestServer.start(TestServer.env(db, TestServer.tempDir()))) {
      V3Client ca = a.bootstrapV3Client();
      V3Client cb = b.bootstrapV3Client();
      List<String> keys = new ArrayList<>();
      List<String[]> blobs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String key = Keys.fresh(i % 2 == 0 ? ca : cb, "rot");
        keys.add(key);
        blobs.add(new String[] {encrypt(ca, key, "before " + i), "before " + i});
      }
      JsonObject before = a.admin("GET", "/admin/v1/root-key", null);
      assertThat(before.getString("hsa")).isEqualTo("software");
      assertThat(before.getInteger("currentVersion")).isEqualTo(1);
      assertThat(version(before, 1).getLong("keyVersions")).isEqualTo(6);
      assertThat(version(before, 1).getLong("credentials")).isEqualTo(1); // the bootstrap

      // Load on both replicas: Encrypt and Decrypt on existing keys, CreateKey and its first use.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger calls = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<Thread> load = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int n = t;
        Thread th =
            new Thread(
                () -> {
                  V3Client mine = n % 2 == 0 ? ca : cb;
                  V3Client other = n % 2 == 0 ? cb : ca;
                  int i = 0;
                  while (!stop.get()) {
                    try {
                      String key = keys.get(i % keys.size());
                      String blob = encrypt(mine, key, "load " + n + " " + i);
                      String back = decrypt(other, blob);
                      if (!back.equals("load " + n + " " + i)) {
                        failures.add("round trip changed the data");
                      }
                      if (i % 10 == 0) {
                        // A key made on one replica, used at once on the other.
                        String fresh = Keys.fresh(mine, "rot-load");
                        decrypt(mine, encrypt(other, fresh, "fresh"));
                      }
                      calls.incrementAndGet();
                    } catch (Throwable e) {
                      failures.add(String.valueOf(e.getMessage()));
                    }
                    i++;
                  }
                });
        th.start();
        load.add(th);
      }
      eventually(Duration.ofSeconds(20), "condition", () -> calls.get() > 20);
      JsonObject rotated = a.admin("POST", "/admin/v1/root-key/rotate", new JsonObject());
      assertThat(rotated.getInteger("currentVersion")).isEqualTo(2);
      // Both replicas wrap under the new version at once; the old one empties.
      eventually(
          Duration.ofSeconds(30),
          () -> {
            JsonObject s = b.admin("GET", "/admin/v1/root-key", null);
            assertThat(s.getInteger("currentVersion")).isEqualTo(2);
            assertThat(version(s, 1).getLong("keyVersions")).isZero();
            assertThat(version(s, 1).getLong("credentials")).isZero();
          });
      int atRotation = calls.get();
      eventually(Duration.ofSeconds(20), "condition", () -> calls.get() > atRotation + 20);
      stop.set(true);
      for (Thread th : load) {
        th.join(10_000);
      }
      assertThat(failures).isEmpty();
      assertThat(calls.get()).isGreaterThan(40);
      // New material on either replica is under version 2 only.
      assertThat(
              TestPostgres.query(
                  db,
                  "SELECT count(*) AS n FROM cmk_versions WHERE root_version <> 2",
                  Tuple.tuple()))
          .singleElement()
          .satisfies(r -> assertThat(r.getLong("n")).isZero());
      for (String[] blob : blobs) {
        assertThat(decrypt(cb, blob[0])).isEqualTo(blob[1]);
      }

      // The current version cannot go; an unknown one is not found; the old one goes.
      assertThat(
              a.adminResponse(
                      "DELETE", "/admin/v1/root-key/versions/2", null, TestServer.ADMIN_TOKEN)
                  .status())
          .isEqualTo(409);
      assertThat(
              a.adminResponse(
                      "DELETE", "/admin/v1/root-key/versions/9", null, TestServer.ADMIN_TOKEN)
                  .status())
          .isEqualTo(404);
      assertThat(
              a.adminResponse(
                      "DELETE", "/admin/v1/root-key/versions/x", null, TestServer.ADMIN_TOKEN)
                  .status())
          .isEqualTo(400);
      TestServer.AdminResult destroyed =
          a.adminResponse("DELETE", "/admin/v1/root-key/versions/1", null, TestServer.ADMIN_TOKEN);
      assertThat(destroyed.status()).isEqualTo(200);
      assertThat(destroyed.body().getBoolean("keyDestroyedInHsa")).isTrue();
      assertThat(TestPostgres.query(db, "SELECT version FROM root_keys", Tuple.tuple()))
          .singleElement()
          .satisfies(r -> assertThat(r.getInteger("version")).isEqualTo(2));
      eventually(
          Duration.ofSeconds(10),
          () ->
              assertThat(b.admin("GET", "/admin/v1/root-key", null).getJsonArray("versions"))
                  .hasSize(1));
      assertThat(decrypt(cb, blobs.get(0)[0])).isEqualTo(blobs.get(0)[1]);
    }
    // A restart opens the keyring with the same unseal key and serves the old ciphertexts.
    try (TestServer again = TestServer.start(TestServer.env(db, TestServer.tempDir()))) {
      JsonObject s = again.admin("GET", "/admin/v1/root-key", null);
      assertThat(s.getInteger("currentVersion")).isEqualTo(2);
    }
  }

  @Test
  void aVersion_thatStillProtectsAnything_isNotDestroyed() {
    String db = TestPostgres.freshDatabase();
    try (TestServer s = TestServer.start(TestServer.env(db, TestServer.tempDir()))) {
      V3Client c = s.bootstrapV3Client();
      String key = Keys.fresh(c, "keep");
      String blob = encrypt(c, key, "kept");
      s.admin("POST", "/admin/v1/root-key/rotate", new JsonObject());
      eventually(
          Duration.ofSeconds(20),
          "condition",
          () -> version(s.admin("GET", "/admin/v1/root-key", null), 1).getLong("keyVersions") == 0);
      // Put one item back under version 1 (as if the job had not reached it yet).
      TestPostgres.query(
          db,
          "UPDATE cmk_versions SET root_version = 1 WHERE key_id = $1",
          Tuple.of(java.util.UUID.fromString(key)));
      TestServer.AdminResult refused =
          s.adminResponse("DELETE", "/admin/v1/root-key/versions/1", null, TestServer.ADMIN_TOKEN);
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.body().getString("error")).contains("still protects");
      TestPostgres.query(
          db,
          "UPDATE cmk_versions SET root_version = 2 WHERE key_id = $1",
          Tuple.of(java.util.UUID.fromString(key)));
      assertThat(decrypt(c, blob)).isEqualTo("kept");
    }
  }

  @Test
  void destroyingAVersion_dropsTheImportParametersWrappedUnderIt() throws Exception {
    String db = TestPostgres.freshDatabase();
    try (TestServer s = TestServer.start(TestServer.env(db, TestServer.tempDir()))) {
      V3Client c = s.bootstrapV3Client();
      String key =
          c.call("CreateKey", new JsonObject().put("Alias", "byok").put("Type", 2))
              .getString("KeyId");
      JsonObject p =
          c.call(
              "GetParametersForImport",
              new JsonObject()
                  .put("KeyId", key)
                  .put("WrappingAlgorithm", "RSAES_OAEP_SHA_256")
                  .put("WrappingKeySpec", "RSA_2048"));
      s.admin("POST", "/admin/v1/root-key/rotate", new JsonObject());
      eventually(
          Duration.ofSeconds(20),
          "condition",
          () -> {
            JsonObject v1 = version(s.admin("GET", "/admin/v1/root-key", null), 1);
            return v1.getLong("keyVersions") == 0 && v1.getLong("credentials") == 0;
          });
      // Not re-wrapped, not counted, and no obstacle: destroyed with the version.
      assertThat(
              s.adminResponse(
                      "DELETE", "/admin/v1/root-key/versions/1", null, TestServer.ADMIN_TOKEN)
                  .status())
          .isEqualTo(200);
      assertThat(TestPostgres.query(db, "SELECT key_id FROM import_parameters", Tuple.tuple()))
          .isEmpty();
      byte[] material = new byte[32];
      new java.security.SecureRandom().nextBytes(material);
      JsonObject stale =
          c.call(
              "ImportKeyMaterial",
              new JsonObject()
                  .put("KeyId", key)
                  .put("ImportToken", p.getString("ImportToken"))
                  .put(
                      "EncryptedKeyMaterial",
                      ImportIT.wrapInJava(
                          p.getString("PublicKey"), "RSAES_OAEP_SHA_256", material)));
      assertThat(V3Client.code(stale)).isEqualTo("InvalidParameter");
      // New parameters, under the new version, work.
      JsonObject fresh =
          c.call(
              "GetParametersForImport",
              new JsonObject()
                  .put("KeyId", key)
                  .put("WrappingAlgorithm", "RSAES_OAEP_SHA_256")
                  .put("WrappingKeySpec", "RSA_2048"));
      JsonObject imported =
          c.call(
              "ImportKeyMaterial",
              new JsonObject()
                  .put("KeyId", key)
                  .put("ImportToken", fresh.getString("ImportToken"))
                  .put(
                      "EncryptedKeyMaterial",
                      ImportIT.wrapInJava(
                          fresh.getString("PublicKey"), "RSAES_OAEP_SHA_256", material)));
      assertThat(V3Client.code(imported)).isNull();
      assertThat(decrypt(c, encrypt(c, key, "imported"))).isEqualTo("imported");
    }
  }

  @Test
  void theReadinessBodyAndMetrics_sayWhichHsaAndWhatEachVersionProtects() throws Exception {
    try (TestServer s = TestServer.startFresh()) {
      RawHttp.Response ready =
          RawHttp.send(s.port(), "GET /readyz HTTP/1.1\r\nHost: localhost", null);
      assertThat(ready.status()).isEqualTo(200);
      JsonObject hsa = new JsonObject(ready.text()).getJsonObject("hsa");
      assertThat(hsa.getString("type")).isEqualTo("software");
      assertThat(hsa.getBoolean("up")).isTrue();
      assertThat(hsa.getInteger("rootVersion")).isEqualTo(1);
      assertThat(hsa.getJsonArray("versions").getJsonObject(0).getLong("items")).isEqualTo(1);
      String metrics = scrape(s.metricsPort());
      assertThat(metrics)
          .contains("kms_hsa_up{hsa=\"software\"} 1.0")
          .contains("kms_root_key_current_version 1.0")
          .contains("kms_root_key_wrapped_items{version=\"1\"} 1.0");
    }
  }

  static String scrape(int port) throws Exception {
    // HTTP/1.1: the JDK client's default h2c upgrade attempt makes some answers end early.
    return java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .build()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static JsonObject version(JsonObject status, int version) {
    JsonArray vs = status.getJsonArray("versions");
    for (int i = 0; i < vs.size(); i++) {
      if (vs.getJsonObject(i).getInteger("version") == version) {
        return vs.getJsonObject(i);
      }
    }
    throw new AssertionError("no version " + version + " in " + status.encode());
  }

  static String encrypt(V3Client c, String keyId, String text) {
    JsonObject r =
        c.call(
            "Encrypt",
            new JsonObject()
                .put("KeyId", keyId)
                .put("Plaintext", Base64.getEncoder().encodeToString(text.getBytes())));
    if (V3Client.code(r) != null) {
      throw new AssertionError("Encrypt: " + r.encode());
    }
    return r.getString("CiphertextBlob");
  }

  static String decrypt(V3Client c, String blob) {
    JsonObject r = c.call("Decrypt", new JsonObject().put("CiphertextBlob", blob));
    if (V3Client.code(r) != null) {
      throw new AssertionError("Decrypt: " + r.encode());
    }
    return new String(Base64.getDecoder().decode(r.getString("Plaintext")));
  }
}
