package io.tkms.it;

import static io.tkms.it.RootKeyRotationIT.decrypt;
import static io.tkms.it.RootKeyRotationIT.encrypt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.adapter.hsa.software.SoftwareHsa;
import io.tkms.boot.BootException;
import io.tkms.boot.SealCommand;
import io.tkms.crypto.AesGcm;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.SecretBytes;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code seal rekey} against a real database while a replica serves, and the move of a database
 * sealed before the keyring existed.
 */
class SealIT {
  record Run(int exit, String out, String err) {}

  static Run seal(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        SealCommand.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Path keyFile(String base64) throws Exception {
    Path f = Files.createTempFile("unseal", ".key");
    Files.writeString(f, base64 + "\n");
    return f;
  }

  static String newKey() {
    byte[] k = new byte[32];
    RandomSource.secure().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  @Test
  void rekey_whileAReplicaServes_thenOnlyTheNewKeyOpens() throws Exception {
    String db = TestPostgres.freshDatabase();
    Map<String, String> env = TestServer.env(db, TestServer.tempDir());
    String newKey = newKey();
    String blob;
    byte[] version1Before;
    try (TestServer s = TestServer.start(env)) {
      V3Client c = s.bootstrapV3Client();
      version1Before = version1(db);
      String key = Keys.fresh(c, "rekey");
      blob = encrypt(c, key, "sealed before");
      Run r =
          seal(
              env,
              "rekey",
              "--old-key-file",
              keyFile(TestServer.UNSEAL_KEY).toString(),
              "--new-key-file",
              keyFile(newKey).toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("re-sealed").contains("restart the replicas one by one");
      // The running replica holds the root key: it keeps serving, new keys included.
      String after = Keys.fresh(c, "rekey");
      assertThat(decrypt(c, encrypt(c, after, "x"))).isEqualTo("x");
      assertThat(decrypt(c, blob)).isEqualTo("sealed before");
      // Its keyring key is the old one now: it must restart before it may rotate.
      TestServer.AdminResult stale =
          s.adminResponse("POST", "/admin/v1/root-key/rotate", null, TestServer.ADMIN_TOKEN);
      assertThat(stale.status()).isEqualTo(409);
      assertThat(stale.body().getString("error")).contains("restart it");
    }
    // A new keyring key: the version's stored form changed, and the old key's keyring is gone.
    assertThat(version1(db)).isNotEqualTo(version1Before);
    Map<String, String> old = new HashMap<>(env);
    old.put("KMS_HTTP_PORT", Integer.toString(TestServer.freePort()));
    assertThatThrownBy(() -> TestServer.start(old))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("the unseal key does not open the root key");
    Map<String, String> fresh = new HashMap<>(env);
    fresh.put("KMS_UNSEAL_KEY", newKey);
    try (TestServer s = TestServer.start(fresh)) {
      assertThat(decrypt(s.bootstrapV3Client(), blob)).isEqualTo("sealed before");
      // Restarted with the new key, it rotates again.
      assertThat(s.admin("POST", "/admin/v1/root-key/rotate", null).getInteger("currentVersion"))
          .isEqualTo(2);
    }
  }

  static byte[] version1(String db) {
    return TestPostgres.query(db, "SELECT sealed FROM root_keys WHERE version = 1", Tuple.tuple())
        .get(0)
        .getBuffer("sealed")
        .getBytes();
  }

  @Test
  void rekey_withTheWrongOldKey_changesNothing() throws Exception {
    String db = TestPostgres.freshDatabase();
    Map<String, String> env = TestServer.env(db, TestServer.tempDir());
    try (TestServer s = TestServer.start(env)) {
      s.bootstrapV3Client().call("ListKeys", new io.vertx.core.json.JsonObject());
    }
    byte[] before = keyring(db);
    Run r =
        seal(
            env,
            "rekey",
            "--old-key-file",
            keyFile(newKey()).toString(),
            "--new-key-file",
            keyFile(newKey()).toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("does not open").contains("nothing changed");
    assertThat(keyring(db)).isEqualTo(before);
    Run usage = seal(env, "rekey", "--old-key-file");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("usage:");
    Run same =
        seal(
            env,
            "rekey",
            "--old-key-file",
            keyFile(TestServer.UNSEAL_KEY).toString(),
            "--new-key-file",
            keyFile(TestServer.UNSEAL_KEY).toString());
    assertThat(same.exit()).isEqualTo(1);
    try (TestServer s = TestServer.start(env)) {
      assertThat(s.admin("GET", "/admin/v1/root-key", null).getInteger("currentVersion"))
          .isEqualTo(1);
    }
  }

  @Test
  void aDatabaseSealedBeforeTheKeyring_isMovedUnderIt_atTheNextStart() throws Exception {
    String db = TestPostgres.freshDatabase();
    Map<String, String> env = TestServer.env(db, TestServer.tempDir());
    String blob;
    try (TestServer s = TestServer.start(env)) {
      V3Client c = s.bootstrapV3Client();
      blob = encrypt(c, Keys.fresh(c, "legacy"), "from an earlier version");
    }
    // Rewrite the database as earlier versions left it: version 1 sealed under the unseal key.
    SoftwareHsa hsa = StoredRootKeys.openSoftware(db, TestServer.UNSEAL_KEY);
    byte[] legacy;
    try (SecretBytes root = hsa.exportForImport(1)) {
      byte[] nonce = new byte[12];
      RandomSource.secure().nextBytes(nonce);
      byte[] ct =
          AesGcm.sealIsolated(
              Base64.getDecoder().decode(TestServer.UNSEAL_KEY),
              nonce,
              root.bytes(),
              "tkms/root-key/1".getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(new byte[] {'T', 'K', 'R', 'K', 1});
      b.write(nonce);
      b.write(ct);
      legacy = b.toByteArray();
    }
    TestPostgres.query(
        db, "UPDATE root_keys SET sealed = $1 WHERE version = 1", Tuple.of(Buffer.buffer(legacy)));
    TestPostgres.query(db, "DELETE FROM root_keyring", Tuple.tuple());

    try (TestServer s = TestServer.start(env)) {
      assertThat(decrypt(s.bootstrapV3Client(), blob)).isEqualTo("from an earlier version");
    }
    assertThat(keyring(db)).isNotNull();
    assertThat(
            TestPostgres.query(db, "SELECT sealed FROM root_keys WHERE version = 1", Tuple.tuple())
                .get(0)
                .getBuffer("sealed")
                .getBytes())
        .isNotEqualTo(legacy)
        .hasSize(12 + 32 + 16);
    // And the move is done once: the next start opens it as it is.
    try (TestServer s = TestServer.start(env)) {
      assertThat(decrypt(s.bootstrapV3Client(), blob)).isEqualTo("from an earlier version");
    }
  }

  static byte[] keyring(String db) {
    var rows = TestPostgres.query(db, "SELECT sealed FROM root_keyring", Tuple.tuple());
    return rows.isEmpty() ? null : rows.get(0).getBuffer("sealed").getBytes();
  }
}
