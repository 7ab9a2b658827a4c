package io.tkms.it;

import static io.tkms.it.V2ApiIT.b64;
import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-account limit overrides: the management API, their effect, and their propagation, on two
 * replicas sharing one Postgres database and one Redis.
 */
class LimitsIT {
  static final String PREFIX = TestRedis.uniquePrefix();
  static String redisUrl;

  @RegisterExtension static final TestServer one = TestServer.perClass().withEnv(LimitsIT::env);

  @RegisterExtension
  static final TestServer two = TestServer.perClass().onDatabaseOf(one).withEnv(LimitsIT::env);

  static void env(Map<String, String> env) {
    env.put("KMS_CACHE_CREDENTIAL_TTL_SECONDS", "3600");
    env.put("KMS_LIMITS_ACTIONS", "GenerateRandom=150");
    env.put("KMS_DEFAULT_SIGN_QPS", "1000");
    env.put("KMS_DEFAULT_VERIFY_QPS", "1001");
    env.put("KMS_DEFAULT_ASYMMETRIC_DECRYPT_QPS", "1002");
    env.put("KMS_DEFAULT_PUBLIC_KEY_QPS", "1003");
    redisUrl = TestRedis.url();
    env.put("KMS_REDIS_URL", redisUrl);
    env.put("KMS_REDIS_KEY_PREFIX", PREFIX);
    // Decisions, not timing, are tested here: a roomier timeout than the shipped 50 ms keeps Redis
    // deciding on a busy machine.
    env.put("KMS_REDIS_TIMEOUT_MS", "250");
  }

  @AfterAll
  static void deleteRedisKeys() {
    if (redisUrl != null) {
      TestRedis.deleteKeys(redisUrl, PREFIX);
    }
  }

  @Test
  void getAndPut_reportTheEffectiveLimits() {
    one.newAccount("1250001001");
    TestServer.AdminResult initial =
        one.adminResponse(
            "GET", "/admin/v1/accounts/1250001001/limits", null, TestServer.ADMIN_TOKEN);
    assertThat(initial.status()).isEqualTo(200);
    assertThat(initial.body().getInteger("crypto")).isEqualTo(10_000);
    assertThat(initial.body().getInteger("management")).isEqualTo(100_000);
    assertThat(initial.body().getJsonObject("actions").getInteger("GenerateRandom")).isEqualTo(150);
    assertThat(initial.body().getInteger("sign")).isEqualTo(1000);
    assertThat(initial.body().getInteger("verify")).isEqualTo(1001);
    assertThat(initial.body().getInteger("asymmetricDecrypt")).isEqualTo(1002);
    assertThat(initial.body().getInteger("publicKey")).isEqualTo(1003);

    TestServer.AdminResult set =
        one.adminResponse(
            "PUT",
            "/admin/v1/accounts/1250001001/limits",
            new JsonObject()
                .put("crypto", 500)
                .put("actions", new JsonObject().put("GenerateDataKey", 100)),
            TestServer.ADMIN_TOKEN);
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.body().getInteger("crypto")).isEqualTo(500);
    assertThat(set.body().getInteger("management")).isEqualTo(100_000);
    assertThat(set.body().getJsonObject("actions").getMap())
        .containsEntry("GenerateDataKey", 100)
        .containsEntry("GenerateRandom", 150);
    // Fields left out keep their override.
    TestServer.AdminResult more =
        one.adminResponse(
            "PUT",
            "/admin/v1/accounts/1250001001/limits",
            new JsonObject().put("management", 50).put("sign", 20).put("publicKey", 30),
            TestServer.ADMIN_TOKEN);
    assertThat(more.body().getInteger("crypto")).isEqualTo(500);
    assertThat(more.body().getInteger("management")).isEqualTo(50);
    assertThat(more.body().getInteger("sign")).isEqualTo(20);
    assertThat(more.body().getInteger("verify")).isEqualTo(1001);
    assertThat(more.body().getInteger("asymmetricDecrypt")).isEqualTo(1002);
    assertThat(more.body().getInteger("publicKey")).isEqualTo(30);
    TestServer.AdminResult last =
        one.adminResponse(
            "PUT",
            "/admin/v1/accounts/1250001001/limits",
            new JsonObject().put("verify", 40).put("asymmetricDecrypt", 50),
            TestServer.ADMIN_TOKEN);
    assertThat(last.body().getInteger("sign")).as("kept").isEqualTo(20);
    assertThat(last.body().getInteger("verify")).isEqualTo(40);
    assertThat(last.body().getInteger("asymmetricDecrypt")).isEqualTo(50);
    assertThat(last.body().getInteger("publicKey")).as("kept").isEqualTo(30);
    assertThat(
            two.adminResponse(
                    "GET", "/admin/v1/accounts/1250001001/limits", null, TestServer.ADMIN_TOKEN)
                .body())
        .isEqualTo(last.body());
  }

  @Test
  void badInput_andUnknownAccounts() {
    one.newAccount("1250001002");
    String path = "/admin/v1/accounts/1250001002/limits";
    assertThat(
            one.adminResponse(
                    "PUT", path, new JsonObject().put("crypto", 0), TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(400);
    assertThat(
            one.adminResponse(
                    "PUT", path, new JsonObject().put("crypto", "many"), TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(400);
    assertThat(
            one.adminResponse(
                    "PUT", path, new JsonObject().put("crypto", 1.5), TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(400);
    assertThat(
            one.adminResponse(
                    "PUT",
                    path,
                    new JsonObject().put("actions", new JsonObject().put("Bad-Name", 5)),
                    TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(400);
    assertThat(
            one.adminResponse(
                    "PUT", path, new JsonObject().put("actions", "x"), TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(400);
    for (JsonObject bad :
        List.of(
            new JsonObject().put("sign", 0),
            new JsonObject().put("verify", -3),
            new JsonObject().put("asymmetricDecrypt", 100_000_001),
            new JsonObject().put("publicKey", "many"),
            new JsonObject().put("sign", 2.5))) {
      TestServer.AdminResult r = one.adminResponse("PUT", path, bad, TestServer.ADMIN_TOKEN);
      assertThat(r.status()).as(bad.encode()).isEqualTo(400);
      assertThat(r.body().getString("error")).as(bad.encode()).isNotBlank();
    }
    // Only the known groups: a misspelt one is refused, not ignored.
    for (String unknown : List.of("signs", "SIGN", "asymmetric_decrypt", "public_key", "groups")) {
      TestServer.AdminResult r =
          one.adminResponse(
              "PUT",
              path,
              new JsonObject().put(unknown, 5).put("crypto", 7),
              TestServer.ADMIN_TOKEN);
      assertThat(r.status()).as(unknown).isEqualTo(400);
      assertThat(r.body().getString("error"))
          .isEqualTo(
              "unknown limit "
                  + unknown
                  + "; known: crypto, management, sign, verify, asymmetricDecrypt, publicKey,"
                  + " actions");
    }
    // Refused changes stored nothing.
    assertThat(one.admin("GET", path, null).getInteger("crypto")).isEqualTo(10_000);
    assertThat(one.admin("GET", path, null).getInteger("sign")).isEqualTo(1000);
    assertThat(
            one.adminResponse("GET", "/admin/v1/accounts/9999/limits", null, TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(404);
    assertThat(
            one.adminResponse(
                    "PUT",
                    "/admin/v1/accounts/9999/limits",
                    new JsonObject().put("crypto", 5),
                    TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(404);
    assertThat(one.adminResponse("GET", path, null, "wrong-token").status()).isEqualTo(401);
  }

  @Test
  void overrides_apply_toGroupsAndActions_onEveryReplica() {
    V2Client onOne = one.newAccount("1250001003");
    V2Client onTwo = new V2Client(two.port(), onOne.secretId(), onOne.secretKey());
    String keyId = Keys.create(onOne, "limited");
    // Warm replica two's caches before the change, so only a notification can update them.
    assertThat(
            onTwo.call("GenerateDataKey", "keyId", keyId, "keySpec", "AES_128").getInteger("code"))
        .isZero();
    one.adminResponse(
        "PUT",
        "/admin/v1/accounts/1250001003/limits",
        new JsonObject().put("actions", new JsonObject().put("GenerateDataKey", 2)),
        TestServer.ADMIN_TOKEN);
    eventually(
        Duration.ofSeconds(10),
        "the GenerateDataKey limit applies on replica two",
        () -> {
          int throttled = 0;
          for (int i = 0; i < 4; i++) {
            throttled +=
                onTwo
                            .call("GenerateDataKey", "keyId", keyId, "keySpec", "AES_128")
                            .getInteger("code")
                        == 4420
                    ? 1
                    : 0;
          }
          return throttled >= 1;
        });
    // Other crypto actions are not limited by the GenerateDataKey override.
    for (int i = 0; i < 5; i++) {
      assertThat(onTwo.call("Encrypt", "keyId", keyId, "plaintext", b64("x")).getInteger("code"))
          .isZero();
    }
    one.adminResponse(
        "PUT",
        "/admin/v1/accounts/1250001003/limits",
        new JsonObject().put("management", 1),
        TestServer.ADMIN_TOKEN);
    eventually(
        Duration.ofSeconds(10),
        "the management limit applies",
        () -> {
          int throttled = 0;
          for (int i = 0; i < 3; i++) {
            JsonObject r = onOne.call("ListKey");
            throttled += r.getInteger("code") == 4480 ? 1 : 0;
          }
          return throttled >= 1;
        });
  }

  @Test
  void aSignOverride_throttlesSigning_onEveryReplica_andLeavesTheOtherGroupsAlone() {
    V2Client account = one.newAccount("1250001004");
    V3Client onOne = new V3Client(one.port(), account.secretId(), account.secretKey());
    V3Client onTwo = new V3Client(two.port(), account.secretId(), account.secretKey());
    JsonObject created =
        onOne.call(
            "CreateKey",
            new JsonObject().put("Alias", "signer").put("KeyUsage", "ASYMMETRIC_SIGN_VERIFY_ECC"));
    assertThat(V3Client.code(created)).isNull();
    String keyId = created.getString("KeyId");
    JsonObject sign =
        new JsonObject()
            .put("KeyId", keyId)
            .put("Algorithm", "ECC_P256_R1")
            .put("Message", b64("m"));
    // Warm replica two's caches before the change, so only a notification can update them.
    JsonObject signed = onTwo.call("SignByAsymmetricKey", sign);
    assertThat(V3Client.code(signed)).isNull();
    JsonObject verify = sign.copy().put("SignatureValue", signed.getString("Signature"));
    assertThat(onTwo.call("VerifyByAsymmetricKey", verify).getBoolean("SignatureValid")).isTrue();

    TestServer.AdminResult set =
        one.adminResponse(
            "PUT",
            "/admin/v1/accounts/1250001004/limits",
            new JsonObject().put("sign", 1),
            TestServer.ADMIN_TOKEN);
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.body().getInteger("sign")).isEqualTo(1);

    eventually(
        Duration.ofSeconds(10),
        "the sign limit applies on replica two",
        () -> {
          int throttled = 0;
          for (int i = 0; i < 4; i++) {
            throttled +=
                "RequestLimitExceeded"
                        .equals(V3Client.code(onTwo.call("SignByAsymmetricKey", sign)))
                    ? 1
                    : 0;
          }
          return throttled >= 2;
        });
    eventually(
        Duration.ofSeconds(10),
        "the sign limit applies on replica one, where it was set",
        () -> {
          int throttled = 0;
          for (int i = 0; i < 4; i++) {
            throttled +=
                "RequestLimitExceeded"
                        .equals(V3Client.code(onOne.call("SignByAsymmetricKey", sign)))
                    ? 1
                    : 0;
          }
          return throttled >= 2;
        });
    // Verification, the public key and the symmetric groups keep their own budgets.
    for (int i = 0; i < 5; i++) {
      JsonObject v = onTwo.call("VerifyByAsymmetricKey", verify);
      assertThat(V3Client.code(v)).isNull();
      assertThat(v.getBoolean("SignatureValid")).isTrue();
      assertThat(V3Client.code(onTwo.call("GetPublicKey", new JsonObject().put("KeyId", keyId))))
          .isNull();
    }
    assertThat(two.admin("GET", "/admin/v1/accounts/1250001004/limits", null).getInteger("sign"))
        .isEqualTo(1);
  }
}
