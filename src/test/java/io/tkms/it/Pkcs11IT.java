package io.tkms.it;

import static io.tkms.it.RootKeyRotationIT.decrypt;
import static io.tkms.it.RootKeyRotationIT.encrypt;
import static io.tkms.it.RootKeyRotationIT.scrape;
import static io.tkms.it.SealIT.seal;
import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.boot.BootException;
import io.tkms.crypto.Pkcs11Token;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code KMS_HSA=pkcs11} on a real SoftHSM2 token: the root key never leaves it, Postgres records
 * only that versions exist, the server rides out the token going away, a backup of the token
 * directory restores, and {@code seal migrate} moves custody both ways.
 */
class Pkcs11IT {

  /** A test server's environment on {@code db} with the token and {@code label}, no unseal key. */
  static Map<String, String> tokenEnv(String db, String label) {
    Map<String, String> env = new HashMap<>(TestServer.env(db, TestServer.tempDir()));
    env.remove("KMS_UNSEAL_KEY");
    env.putAll(SoftHsm.get().serverEnv(label));
    return env;
  }

  static Pkcs11Token token(String label) {
    return Pkcs11Token.open(
        SoftHsm.get().libraryCopy(),
        0,
        SoftHsm.PIN.toCharArray(),
        label,
        Path.of(System.getProperty("java.io.tmpdir"), "tkms-pkcs11-test"));
  }

  static RawHttp.Response readyz(TestServer s) {
    return RawHttp.send(s.port(), "GET /readyz HTTP/1.1\r\nHost: localhost", null);
  }

  @Test
  void theRootKey_isATokenObject_andPostgresOnlyRecordsItsVersion() throws Exception {
    String db = TestPostgres.freshDatabase();
    String label = SoftHsm.uniqueLabel();
    String blob;
    try (TestServer s = TestServer.start(tokenEnv(db, label))) {
      V3Client c = s.bootstrapV3Client();
      blob = encrypt(c, Keys.fresh(c, "p11"), "in the token");
      assertThat(decrypt(c, blob)).isEqualTo("in the token");
      JsonObject hsa = new JsonObject(readyz(s).text()).getJsonObject("hsa");
      assertThat(hsa.getString("type")).isEqualTo("pkcs11");
      assertThat(hsa.getBoolean("up")).isTrue();
      assertThat(scrape(s.metricsPort())).contains("kms_hsa_up{hsa=\"pkcs11\"} 1.0");
      JsonObject rotated = s.admin("POST", "/admin/v1/root-key/rotate", new JsonObject());
      assertThat(rotated.getString("hsa")).isEqualTo("pkcs11");
      assertThat(rotated.getInteger("currentVersion")).isEqualTo(2);
      eventually(
          Duration.ofSeconds(20),
          () ->
              assertThat(
                      RootKeyRotationIT.version(s.admin("GET", "/admin/v1/root-key", null), 1)
                          .getLong("keyVersions"))
                  .isZero());
    }
    List<Row> rows =
        TestPostgres.query(
            db, "SELECT version, custody, sealed FROM root_keys ORDER BY version", Tuple.tuple());
    assertThat(rows).hasSize(2);
    for (Row r : rows) {
      assertThat(r.getString("custody")).isEqualTo("pkcs11");
      assertThat(r.getBuffer("sealed")).isNull();
    }
    assertThat(TestPostgres.query(db, "SELECT 1 FROM root_keyring", Tuple.tuple())).isEmpty();
    Pkcs11Token t = token(label);
    assertThat(t.versions()).containsExactly(1, 2);
    // An object with the prefix that the database does not record: reported, never deleted.
    t.generate(7);
    try (TestServer s = TestServer.start(tokenEnv(db, label))) {
      assertThat(decrypt(s.bootstrapV3Client(), blob)).isEqualTo("in the token");
      assertThat(scrape(s.metricsPort())).contains("kms_hsa_unrecorded_objects 1.0");
      TestServer.AdminResult destroyed =
          s.adminResponse("DELETE", "/admin/v1/root-key/versions/1", null, TestServer.ADMIN_TOKEN);
      assertThat(destroyed.status()).isEqualTo(200);
    }
    assertThat(token(label).versions()).containsExactly(2, 7);
    // The wrong label (or token, or slot) finds no object for a recorded version: no start.
    assertThatThrownBy(() -> TestServer.start(tokenEnv(db, SoftHsm.uniqueLabel())))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("holds no object labelled");
    // A software seal on this database is refused with the way out.
    assertThatThrownBy(() -> TestServer.start(TestServer.env(db, TestServer.tempDir())))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("seal migrate");
  }

  @Test
  void rotation_onOneReplica_isFollowedByTheOther_throughTheToken() throws Exception {
    String db = TestPostgres.freshDatabase();
    String label = SoftHsm.uniqueLabel();
    try (TestServer a = TestServer.start(tokenEnv(db, label));
        TestServer b = TestServer.start(tokenEnv(db, label))) {
      V3Client ca = a.bootstrapV3Client();
      V3Client cb = b.bootstrapV3Client();
      String old = encrypt(cb, Keys.fresh(cb, "two"), "before");
      assertThat(
              a.admin("POST", "/admin/v1/root-key/rotate", new JsonObject())
                  .getInteger("currentVersion"))
          .isEqualTo(2);
      // A key made under version 2 on A, used at once on B (which must find the new object).
      String fresh = Keys.fresh(ca, "two");
      assertThat(decrypt(ca, encrypt(cb, fresh, "after"))).isEqualTo("after");
      eventually(
          Duration.ofSeconds(20),
          () -> {
            JsonObject s = b.admin("GET", "/admin/v1/root-key", null);
            assertThat(s.getInteger("currentVersion")).isEqualTo(2);
            assertThat(RootKeyRotationIT.version(s, 1).getLong("keyVersions")).isZero();
            assertThat(RootKeyRotationIT.version(s, 1).getLong("credentials")).isZero();
          });
      // Destroyed from B, which never used version 2's object itself: the object goes.
      TestServer.AdminResult destroyed =
          b.adminResponse("DELETE", "/admin/v1/root-key/versions/1", null, TestServer.ADMIN_TOKEN);
      assertThat(destroyed.status()).isEqualTo(200);
      assertThat(destroyed.body().getBoolean("keyDestroyedInHsa")).isTrue();
      assertThat(token(label).versions()).containsExactly(2);
      assertThat(decrypt(ca, old)).isEqualTo("before");
      assertThat(decrypt(cb, old)).isEqualTo("before");
    }
  }

  @Test
  void theTokenGoingAway_failsOnlyWhatNeedsIt_andComesBackWithoutARestart() throws Exception {
    SoftHsm softHsm = SoftHsm.get();
    String db = TestPostgres.freshDatabase();
    String label = SoftHsm.uniqueLabel();
    Map<String, String> env = tokenEnv(db, label);
    String cached;
    String uncached;
    try (TestServer s = TestServer.start(env)) {
      V3Client c = s.bootstrapV3Client();
      cached = Keys.fresh(c, "cached");
      uncached = Keys.fresh(c, "uncached");
    }
    Map<String, String> again = new HashMap<>(env);
    again.putAll(softHsm.serverEnv(label));
    Path home = softHsm.tokenDir();
    try (TestServer s = TestServer.start(again)) {
      V3Client c = s.bootstrapV3Client();
      String blob = encrypt(c, cached, "cached key"); // loads and caches it
      assertThat(scrape(s.metricsPort())).contains("kms_hsa_up{hsa=\"pkcs11\"} 1.0");
      Path empty = Files.createTempDirectory("tkms-token-gone");
      softHsm.pointTokensAt(empty);
      try {
        assertThat(decrypt(c, blob)).isEqualTo("cached key");
        JsonObject refused =
            c.call("Encrypt", new JsonObject().put("KeyId", uncached).put("Plaintext", "aGVsbG8="));
        assertThat(V3Client.code(refused)).isEqualTo("InternalError");
        eventually(
            Duration.ofSeconds(20),
            () -> assertThat(scrape(s.metricsPort())).contains("kms_hsa_up{hsa=\"pkcs11\"} 0.0"));
        RawHttp.Response ready = readyz(s);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(new JsonObject(ready.text()).getJsonObject("hsa").getBoolean("up")).isFalse();
        assertThat(decrypt(c, encrypt(c, cached, "still"))).isEqualTo("still");
      } finally {
        softHsm.pointTokensAt(home);
      }
      // The probe reloads the module at most every 10 s, then 20 s, while the token is away.
      eventually(
          Duration.ofSeconds(90),
          () -> {
            JsonObject r =
                c.call(
                    "Encrypt",
                    new JsonObject().put("KeyId", uncached).put("Plaintext", "aGVsbG8="));
            assertThat(V3Client.code(r)).isNull();
          });
      eventually(
          Duration.ofSeconds(20),
          () -> assertThat(scrape(s.metricsPort())).contains("kms_hsa_up{hsa=\"pkcs11\"} 1.0"));
    }
  }

  @Test
  void aBackupOfTheTokenDirectory_restoredIntoAFreshDirectory_servesOldCiphertexts()
      throws Exception {
    SoftHsm softHsm = SoftHsm.get();
    String db = TestPostgres.freshDatabase();
    String label = SoftHsm.uniqueLabel();
    String blob;
    try (TestServer s = TestServer.start(tokenEnv(db, label))) {
      V3Client c = s.bootstrapV3Client();
      blob = encrypt(c, Keys.fresh(c, "dr"), "survives the token");
    }
    Path original = softHsm.tokenDir();
    Path backup = Files.createTempDirectory("tkms-token-backup");
    copyTree(original, backup);
    try {
      // The token is lost: nothing opens.
      softHsm.pointTokensAt(Files.createTempDirectory("tkms-token-lost"));
      assertThatThrownBy(() -> TestServer.start(tokenEnv(db, label)))
          .isInstanceOf(BootException.class);
      // Restored from the backup into a fresh directory.
      Path restored = Files.createTempDirectory("tkms-token-restored");
      copyTree(backup, restored);
      softHsm.pointTokensAt(restored);
      try (TestServer s = TestServer.start(tokenEnv(db, label))) {
        assertThat(decrypt(s.bootstrapV3Client(), blob)).isEqualTo("survives the token");
      }
    } finally {
      softHsm.pointTokensAt(original);
    }
  }

  @Test
  void sealMigrate_softwareToToken_importsEveryVersion_andBackAgain() throws Exception {
    String db = TestPostgres.freshDatabase();
    String label = SoftHsm.uniqueLabel();
    Map<String, String> software = TestServer.env(db, TestServer.tempDir());
    String before;
    String afterRotation;
    try (TestServer s = TestServer.start(software)) {
      V3Client c = s.bootstrapV3Client();
      before = encrypt(c, Keys.fresh(c, "mig"), "under version 1");
      s.admin("POST", "/admin/v1/root-key/rotate", new JsonObject());
      afterRotation = encrypt(c, Keys.fresh(c, "mig"), "under version 2");
    }
    Map<String, String> both = new HashMap<>(software);
    both.putAll(SoftHsm.get().serverEnv(label));
    SealIT.Run r = seal(both, "migrate", "--from", "software", "--to", "pkcs11");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("imported");
    assertThat(TestPostgres.query(db, "SELECT custody FROM root_keys", Tuple.tuple()))
        .extracting(row -> row.getString("custody"))
        .containsOnly("pkcs11");
    assertThat(TestPostgres.query(db, "SELECT 1 FROM root_keyring", Tuple.tuple())).isEmpty();
    assertThat(token(label).versions()).containsExactly(1, 2);
    // Again: refused, nothing to do.
    assertThat(seal(both, "migrate", "--from", "software", "--to", "pkcs11").exit()).isEqualTo(1);

    try (TestServer s = TestServer.start(tokenEnv(db, label))) {
      V3Client c = s.bootstrapV3Client(); // the bootstrap secret unwraps through the token
      assertThat(decrypt(c, before)).isEqualTo("under version 1");
      assertThat(decrypt(c, afterRotation)).isEqualTo("under version 2");
    }

    SealIT.Run back = seal(both, "migrate", "--from", "pkcs11", "--to", "software");
    assertThat(back.exit()).as(back.err()).isZero();
    List<Row> rows =
        TestPostgres.query(db, "SELECT version, custody FROM root_keys", Tuple.tuple());
    assertThat(rows)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.getInteger("version")).isEqualTo(3);
              assertThat(row.getString("custody")).isEqualTo("software");
            });
    try (TestServer s = TestServer.start(software)) {
      V3Client c = s.bootstrapV3Client();
      assertThat(decrypt(c, before)).isEqualTo("under version 1");
      assertThat(decrypt(c, afterRotation)).isEqualTo("under version 2");
    }
  }

  @Test
  void sealMigrate_generate_makesANewVersionInTheToken_andRewrapsEverything() throws Exception {
    String db = TestPostgres.freshDatabase();
    String label = SoftHsm.uniqueLabel();
    Map<String, String> software = TestServer.env(db, TestServer.tempDir());
    String blob;
    try (TestServer s = TestServer.start(software)) {
      V3Client c = s.bootstrapV3Client();
      blob = encrypt(c, Keys.fresh(c, "gen"), "re-wrapped");
    }
    Map<String, String> both = new HashMap<>(software);
    both.putAll(SoftHsm.get().serverEnv(label));
    SealIT.Run r = seal(both, "migrate", "--from", "software", "--to", "pkcs11", "--generate");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("generated root-key version 2");
    assertThat(token(label).versions()).containsExactly(2);
    assertThat(
            TestPostgres.query(
                db,
                "SELECT (SELECT count(*) FROM cmk_versions WHERE root_version <> 2)"
                    + " + (SELECT count(*) FROM credentials WHERE root_version <> 2) AS n",
                Tuple.tuple()))
        .singleElement()
        .satisfies(row -> assertThat(row.getLong("n")).isZero());
    try (TestServer s = TestServer.start(tokenEnv(db, label))) {
      assertThat(decrypt(s.bootstrapV3Client(), blob)).isEqualTo("re-wrapped");
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
