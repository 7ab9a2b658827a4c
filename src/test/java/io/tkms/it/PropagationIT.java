package io.tkms.it;

import static io.tkms.it.V2ApiIT.b64;
import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three replicas on one database, with cache TTLs of an hour: a change made through one replica
 * reaches the others through Postgres notifications within seconds, not through expiry.
 */
class PropagationIT {
  @RegisterExtension
  static final TestServer one = TestServer.perClass().withEnv(PropagationIT::hourLongTtls);

  @RegisterExtension
  static final TestServer two =
      TestServer.perClass().onDatabaseOf(one).withEnv(PropagationIT::hourLongTtls);

  @RegisterExtension
  static final TestServer three =
      TestServer.perClass().onDatabaseOf(one).withEnv(PropagationIT::hourLongTtls);

  /**
   * Cache TTLs of an hour, and lifecycle jobs that run only when a test runs them: what a replica
   * learns, it learns from the others' notifications.
   */
  static void hourLongTtls(Map<String, String> env) {
    env.put("KMS_CACHE_KEY_CACHE_TTL_SECONDS", "3600");
    env.put("KMS_CACHE_CREDENTIAL_TTL_SECONDS", "3600");
    env.put("KMS_JOBS_INTERVAL_SECONDS", "86400");
  }

  /** Notifications arrive within milliseconds; ten seconds bounds a busy machine. */
  static final Duration PROPAGATION = Duration.ofSeconds(10);

  @Test
  void keyDisabledOnOne_failsOnThree() {
    V2Client c1 = one.bootstrapClient();
    V2Client c3 = three.bootstrapClient();
    String keyId = Keys.create(c1, "propagated");
    assertThat(
            c3.call("Encrypt", "keyId", keyId, "plaintext", b64("warm the cache"))
                .getInteger("code"))
        .isZero();
    assertThat(c1.call("DisableKey", "keyId", keyId).getInteger("code")).isZero();
    eventually(
        PROPAGATION,
        "key disabled on replica 3",
        () -> c3.call("Encrypt", "keyId", keyId, "plaintext", b64("x")).getInteger("code") == 4550);
    assertThat(c1.call("EnableKey", "keyId", keyId).getInteger("code")).isZero();
    eventually(
        PROPAGATION,
        "key enabled again on replica 3",
        () -> c3.call("Encrypt", "keyId", keyId, "plaintext", b64("x")).getInteger("code") == 0);
  }

  @Test
  void importedMaterialDeletedOnOne_failsOnThree_andComesBackEverywhere() throws Exception {
    V3Client c1 = new V3Client(one.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    V3Client c3 = new V3Client(three.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    String keyId =
        c1.call("CreateKey", new JsonObject().put("Alias", "byok-propagated").put("Type", 2))
            .getString("KeyId");
    JsonObject p =
        c1.call(
            "GetParametersForImport",
            new JsonObject()
                .put("KeyId", keyId)
                .put("WrappingAlgorithm", "RSAES_OAEP_SHA_1")
                .put("WrappingKeySpec", "RSA_2048"));
    byte[] material = new byte[32];
    new java.security.SecureRandom().nextBytes(material);
    JsonObject importing =
        new JsonObject()
            .put("KeyId", keyId)
            .put("ImportToken", p.getString("ImportToken"))
            .put(
                "EncryptedKeyMaterial",
                ImportIT.wrapInJava(p.getString("PublicKey"), "RSAES_OAEP_SHA_1", material));
    assertThat(V3Client.code(c1.call("ImportKeyMaterial", importing))).isNull();
    JsonObject encrypt = new JsonObject().put("KeyId", keyId).put("Plaintext", b64("warm"));
    eventually(
        PROPAGATION,
        "imported material used on replica 3",
        () -> V3Client.code(c3.call("Encrypt", encrypt)) == null);

    assertThat(
            V3Client.code(
                c1.call("DeleteImportedKeyMaterial", new JsonObject().put("KeyId", keyId))))
        .isNull();
    eventually(
        PROPAGATION,
        "material deleted on replica 3",
        () ->
            "ResourceUnavailable.CmkStateNotSupport"
                .equals(V3Client.code(c3.call("Encrypt", encrypt))));

    assertThat(V3Client.code(c1.call("ImportKeyMaterial", importing))).isNull();
    eventually(
        PROPAGATION,
        "material back on replica 3",
        () -> V3Client.code(c3.call("Encrypt", encrypt)) == null);
  }

  static String message(JsonObject response) {
    return response.getJsonObject("Error").getString("Message");
  }

  @Test
  void importedMaterialExpiredByTheJobOnOne_leavesTheCacheOfThree() throws Exception {
    V3Client c1 = new V3Client(one.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    V3Client c3 = new V3Client(three.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    String keyId =
        c1.call("CreateKey", new JsonObject().put("Alias", "byok-expiring").put("Type", 2))
            .getString("KeyId");
    JsonObject p =
        c1.call(
            "GetParametersForImport",
            new JsonObject()
                .put("KeyId", keyId)
                .put("WrappingAlgorithm", "RSAES_OAEP_SHA_1")
                .put("WrappingKeySpec", "RSA_2048"));
    long validTo = java.time.Instant.now().getEpochSecond() + 4;
    JsonObject importing =
        new JsonObject()
            .put("KeyId", keyId)
            .put("ImportToken", p.getString("ImportToken"))
            .put(
                "EncryptedKeyMaterial",
                ImportIT.wrapInJava(
                    p.getString("PublicKey"), "RSAES_OAEP_SHA_1", ImportIT.random(32)))
            .put("ValidTo", validTo);
    assertThat(V3Client.code(c1.call("ImportKeyMaterial", importing))).isNull();
    JsonObject encrypt = new JsonObject().put("KeyId", keyId).put("Plaintext", b64("warm"));
    assertThat(V3Client.code(c3.call("Encrypt", encrypt))).as("replica 3 caches the key").isNull();

    Thread.sleep((validTo + 1 - java.time.Instant.now().getEpochSecond()) * 1000 + 200);
    // Replica 3 refuses the material by its clock, from the copy it holds...
    JsonObject byTheClock = c3.call("Encrypt", encrypt);
    assertThat(V3Client.code(byTheClock)).isEqualTo("ResourceUnavailable.CmkStateNotSupport");
    assertThat(message(byTheClock)).contains("ValidTo");
    assertThat(one.runJobs().expired()).contains(io.tkms.domain.KeyId.parse(keyId));
    // ...until the job's announcement makes it drop that copy: reloaded, the key is PendingImport.
    eventually(
        PROPAGATION,
        "replica 3 drops the expired material",
        () -> message(c3.call("Encrypt", encrypt)).contains("PendingImport"));
  }

  @Test
  void credentialRevokedOnTwo_failsOnOne() {
    V2Client onOne = one.newAccount("1250000901");
    assertThat(onOne.call("ListKey").getInteger("code")).isZero();
    assertThat(
            two.adminResponse(
                    "DELETE",
                    "/admin/v1/credentials/" + onOne.secretId(),
                    null,
                    TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(200);
    eventually(
        PROPAGATION,
        "credential refused on replica 1",
        () -> onOne.call("ListKey").getInteger("code") == 4100);
  }

  @Test
  void rotationOnOne_isUsedByThree() {
    V3Client c1 = new V3Client(one.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    V3Client c3 = new V3Client(three.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    String keyId = Keys.create(c1, "rotating");
    JsonObject first =
        c3.call("Encrypt", new JsonObject().put("KeyId", keyId).put("Plaintext", b64("v1")));
    assertThat(LifecycleIT.version(first.getString("CiphertextBlob"))).isEqualTo(1);
    c1.call("EnableKeyRotation", new JsonObject().put("KeyId", keyId).put("RotateDays", 7));
    TestPostgres.execute(
        one.environment().get("KMS_PG_URL"),
        "UPDATE cmks SET next_rotate_time = now() - interval '1 second' WHERE key_id = '"
            + keyId
            + "'");
    assertThat(one.runJobs().rotated()).hasSize(1);
    eventually(
        PROPAGATION,
        "replica 3 encrypts with version 2",
        () ->
            LifecycleIT.version(
                    c3.call(
                            "Encrypt",
                            new JsonObject().put("KeyId", keyId).put("Plaintext", b64("v2")))
                        .getString("CiphertextBlob"))
                == 2);
  }

  @Test
  void manualRotationOnTwo_isUsedByOneAndThree() {
    V3Client c1 = new V3Client(one.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    V3Client c2 = new V3Client(two.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    V3Client c3 = new V3Client(three.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    String keyId = Keys.create(c1, "rotated-on-demand");
    for (V3Client c : List.of(c1, c3)) {
      JsonObject first =
          c.call("Encrypt", new JsonObject().put("KeyId", keyId).put("Plaintext", b64("v1")));
      assertThat(LifecycleIT.version(first.getString("CiphertextBlob"))).isEqualTo(1);
    }
    assertThat(V3Client.code(c2.call("RotateKey", new JsonObject().put("KeyId", keyId)))).isNull();
    for (V3Client c : List.of(c1, c3)) {
      eventually(
          PROPAGATION,
          "the other replicas encrypt with version 2",
          () ->
              LifecycleIT.version(
                      c.call(
                              "Encrypt",
                              new JsonObject().put("KeyId", keyId).put("Plaintext", b64("v2")))
                          .getString("CiphertextBlob"))
                  == 2);
    }
  }
}
