package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.CredentialCache;
import io.tkms.application.KeyMaterialCache;
import io.tkms.application.port.AccountRepository.PrincipalType;
import io.tkms.application.port.Hsa;
import io.tkms.domain.KeyId;
import io.tkms.domain.SecretBytes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With write access to the database (and no unseal key) one cannot move a key or a credential: CMK
 * material is wrapped under a context naming its account, region, key and version, a credential's
 * secret under one naming its SecretId, principal, principal type and account. Rows are edited with
 * SQL and the server restarted (so nothing is cached); each move must end in a clean refusal, never
 * in a success. Databases written by earlier versions (unbound contexts) are re-wrapped once at
 * start.
 */
class WrapContextIT {
  private static final String OTHER_APP = "1250000777";

  private static Map<String, String> freshEnv() {
    return TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
  }

  private static String createKey(TestServer s) {
    return Keys.fresh(s.bootstrapV3Client(), "wrap");
  }

  private static JsonObject encrypt(V3Client client, String keyId, String region) {
    return client
        .request("Encrypt")
        .header("X-TC-Region", region)
        .body(new JsonObject().put("KeyId", keyId).put("Plaintext", "aGVsbG8="))
        .send();
  }

  private static void sql(Map<String, String> env, String statement, Object... args) {
    TestPostgres.query(env.get("KMS_PG_URL"), statement, Tuple.from(args));
  }

  @Test
  void aKeyMovedToAnotherAccountOrRegion_doesNotOpen() {
    Map<String, String> env = freshEnv();
    String moved;
    String relocated;
    String otherSecretId;
    String otherSecretKey;
    try (TestServer s = TestServer.start(env)) {
      moved = createKey(s);
      relocated = createKey(s);
      V2Client other = s.newAccount(OTHER_APP);
      otherSecretId = other.secretId();
      otherSecretKey = other.secretKey();
    }
    sql(env, "UPDATE cmks SET app_id = $1 WHERE key_id = $2", OTHER_APP, UUID.fromString(moved));
    sql(
        env,
        "UPDATE cmks SET region = 'ap-shanghai' WHERE key_id = $1",
        UUID.fromString(relocated));
    try (TestServer s = TestServer.start(env)) {
      V3Client thief = new V3Client(s.port(), otherSecretId, otherSecretKey);
      JsonObject stolen = encrypt(thief, moved, "ap-guangzhou");
      assertThat(stolen.getJsonObject("Error").getString("Code")).isEqualTo("InternalError");
      assertThat(stolen.containsKey("CiphertextBlob")).isFalse();

      JsonObject elsewhere = encrypt(s.bootstrapV3Client(), relocated, "ap-shanghai");
      assertThat(elsewhere.getJsonObject("Error").getString("Code")).isEqualTo("InternalError");

      // Keys nobody moved work as before.
      String untouched = createKey(s);
      assertThat(encrypt(s.bootstrapV3Client(), untouched, "ap-guangzhou").containsKey("Error"))
          .isFalse();
    }
  }

  @Test
  void aCredentialMovedToAnotherPrincipalOrAccount_doesNotOpen() {
    Map<String, String> env = freshEnv();
    String otherSecretId;
    String otherSecretKey;
    try (TestServer s = TestServer.start(env)) {
      V2Client other = s.newAccount(OTHER_APP);
      otherSecretId = other.secretId();
      otherSecretKey = other.secretKey();
      assertThat(other.call("ListKey").getInteger("code")).isZero();
    }
    // The other account's credential, moved onto the bootstrap account's owner: with its known
    // secret it would act as that owner.
    sql(
        env,
        "UPDATE credentials SET uin = $1 WHERE secret_id = $2",
        TestServer.APP_ID,
        otherSecretId);
    try (TestServer s = TestServer.start(env)) {
      JsonObject answer = new V2Client(s.port(), otherSecretId, otherSecretKey).call("ListKey");
      assertThat(answer.getInteger("code")).isNotZero();
      assertThat(answer.getString("codeDesc")).isEqualTo("InternalError");
      assertThat(answer.containsKey("keys")).isFalse();
    }

    // Moved back, it works again; a principal whose type is changed no longer opens it.
    sql(env, "UPDATE credentials SET uin = $1 WHERE secret_id = $2", OTHER_APP, otherSecretId);
    sql(env, "UPDATE principals SET type = 'sub' WHERE uin = $1", OTHER_APP);
    try (TestServer s = TestServer.start(env)) {
      assertThat(
              new V2Client(s.port(), otherSecretId, otherSecretKey)
                  .call("ListKey")
                  .getString("codeDesc"))
          .isEqualTo("InternalError");
    }
    sql(env, "UPDATE principals SET type = 'owner' WHERE uin = $1", OTHER_APP);
    try (TestServer s = TestServer.start(env)) {
      assertThat(
              new V2Client(s.port(), otherSecretId, otherSecretKey)
                  .call("ListKey")
                  .getInteger("code"))
          .isZero();
    }
  }

  @Test
  void rowsWrappedByEarlierVersions_areRewrappedOnceAtStart_andKeepWorking() {
    Map<String, String> env = freshEnv();
    String keyId;
    String blob;
    try (TestServer s = TestServer.start(env)) {
      keyId = createKey(s);
      blob = encrypt(s.bootstrapV3Client(), keyId, "ap-guangzhou").getString("CiphertextBlob");
    }
    // Turn the database into one an earlier version wrote: unbound contexts, no record of the
    // re-wrap.
    Hsa hsa = openHsa(env);
    for (Row r :
        TestPostgres.query(
            env.get("KMS_PG_URL"),
            "SELECT v.key_id, v.version, v.material_wrapped, v.root_version, c.app_id, c.region"
                + " FROM cmk_versions v JOIN cmks c USING (key_id)",
            Tuple.tuple())) {
      KeyId id = new KeyId(r.getUUID("key_id"));
      int version = r.getInteger("version");
      Hsa.Wrapped legacy =
          rewrap(
              hsa,
              wrapped(r, "material_wrapped"),
              KeyMaterialCache.wrapContext(
                  r.getString("app_id"), r.getString("region"), id, version),
              KeyMaterialCache.legacyWrapContext(id, version));
      sql(
          env,
          "UPDATE cmk_versions SET material_wrapped = $1 WHERE key_id = $2 AND version = $3",
          Buffer.buffer(legacy.bytes()),
          id.uuid(),
          version);
    }
    for (Row r :
        TestPostgres.query(
            env.get("KMS_PG_URL"),
            "SELECT c.secret_id, c.secret_wrapped, c.root_version, p.uin, p.app_id, p.type"
                + " FROM credentials c JOIN principals p USING (uin)",
            Tuple.tuple())) {
      String secretId = r.getString("secret_id");
      Hsa.Wrapped legacy =
          rewrap(
              hsa,
              wrapped(r, "secret_wrapped"),
              CredentialCache.wrapContext(
                  secretId,
                  r.getString("uin"),
                  PrincipalType.valueOf(r.getString("type").toUpperCase(Locale.ROOT)),
                  r.getString("app_id")),
              CredentialCache.legacyWrapContext(secretId));
      sql(
          env,
          "UPDATE credentials SET secret_wrapped = $1 WHERE secret_id = $2",
          Buffer.buffer(legacy.bytes()),
          secretId);
    }
    sql(env, "DELETE FROM schema_migrations WHERE version = -1");

    try (TestServer s = TestServer.start(env)) {
      JsonObject decrypted =
          s.bootstrapV3Client().call("Decrypt", new JsonObject().put("CiphertextBlob", blob));
      assertThat(decrypted.getString("Plaintext")).isEqualTo("aGVsbG8=");
    }
    assertThat(
            TestPostgres.query(
                env.get("KMS_PG_URL"),
                "SELECT name FROM schema_migrations WHERE version = -1",
                Tuple.tuple()))
        .hasSize(1);
  }

  private static Hsa openHsa(Map<String, String> env) {
    return StoredRootKeys.openSoftware(env.get("KMS_PG_URL"), TestServer.UNSEAL_KEY);
  }

  private static Hsa.Wrapped wrapped(Row r, String column) {
    return new Hsa.Wrapped(r.getInteger("root_version"), r.getBuffer(column).getBytes());
  }

  private static Hsa.Wrapped rewrap(Hsa hsa, Hsa.Wrapped w, String from, String to) {
    try (SecretBytes plain = hsa.unwrap(w, from)) {
      return hsa.wrap(plain.bytes(), to);
    }
  }
}
