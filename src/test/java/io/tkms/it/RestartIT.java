package io.tkms.it;

import static io.tkms.it.V2ApiIT.b64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.boot.BootException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keys and ciphertexts survive a restart; a wrong unseal key or a conflicting credential stops
 * start-up.
 */
class RestartIT {
  @Test
  void keysAndCiphertexts_surviveARestart() {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    String keyId;
    String blob;
    try (TestServer s = TestServer.start(env)) {
      V2Client c = s.bootstrapClient();
      keyId = Keys.create(c, "durable");
      blob =
          c.call("Encrypt", "keyId", keyId, "plaintext", b64("kept across restarts"))
              .getString("ciphertextBlob");
      assertThat(c.call("DisableKey", "keyId", keyId).getInteger("code")).isZero();
    }
    try (TestServer s = TestServer.start(env)) {
      V2Client c = s.bootstrapClient();
      JsonObject md = c.call("GetKeyAttributes", "keyId", keyId).getJsonObject("keyMetadata");
      assertThat(md.getString("alias")).isEqualTo("durable");
      assertThat(md.getString("keyState")).isEqualTo("Disabled");
      assertThat(c.call("EnableKey", "keyId", keyId).getInteger("code")).isZero();
      JsonObject dec = c.call("Decrypt", "ciphertextBlob", blob);
      assertThat(dec.getInteger("code")).as(dec.encode()).isZero();
      assertThat(dec.getString("plaintext")).isEqualTo(b64("kept across restarts"));
    }
  }

  @Test
  void wrongUnsealKey_refusesToStart() {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    TestServer.start(env).close();
    byte[] other = new byte[32];
    java.util.Arrays.fill(other, (byte) 0x11);
    env.put("KMS_UNSEAL_KEY", java.util.Base64.getEncoder().encodeToString(other));
    assertThatThrownBy(() -> TestServer.start(env))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("unseal key does not open the root key");
    env.put("KMS_UNSEAL_KEY", "c2hvcnQ=");
    assertThatThrownBy(() -> TestServer.start(env))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void bootstrapSecretIdWithAnotherKey_refusesToStart() {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    TestServer.start(env).close();
    // Idempotent with the same key.
    TestServer.start(env).close();
    env.put("KMS_BOOTSTRAP_SECRET_KEY", "a-different-secret-key-0123456789");
    assertThatThrownBy(() -> TestServer.start(env))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("bootstrap credential refused")
        .hasMessageNotContaining("a-different-secret-key");
  }

  @Test
  void inDevelopmentMode_aDevelopmentSealAndCredentialAreWrittenPrivatelyAndWork()
      throws Exception {
    Path dataDir = TestServer.tempDir();
    // Development mode on its embedded Postgres, as the README's first command runs it.
    Map<String, String> env = EmbeddedPostgresIT.embeddedEnv(dataDir);
    env.put("KMS_DEV_MODE", "true");
    env.remove("KMS_BOOTSTRAP_APPID");
    env.remove("KMS_BOOTSTRAP_SECRET_ID");
    env.remove("KMS_BOOTSTRAP_SECRET_KEY");
    env.remove("KMS_UNSEAL_KEY");
    try (TestServer s = TestServer.start(env)) {
      Path file = dataDir.resolve("dev-credentials");
      assertThat(java.nio.file.Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
      assertThat(java.nio.file.Files.getPosixFilePermissions(dataDir.resolve("dev-unseal-key")))
          .hasSize(2);
      java.util.Properties p = new java.util.Properties();
      try (var in = java.nio.file.Files.newInputStream(file)) {
        p.load(in);
      }
      V2Client dev = new V2Client(s.port(), p.getProperty("secretId"), p.getProperty("secretKey"));
      assertThat(dev.call("ListKey").getInteger("code")).isZero();
    }
    // A second start reuses both the development seal and the credential.
    try (TestServer s = TestServer.start(env)) {
      assertThat(s.port()).isPositive();
    }
  }
}
