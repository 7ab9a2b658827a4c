package io.tkms.it;

import static io.tkms.it.V2ApiIT.b64;
import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-account limit overrides: the management API, their effect, and their propagation. */
class LimitsIT {
  @RegisterExtension static final TestServer one = TestServer.perClass().withEnv(LimitsIT::env);

  @RegisterExtension
  static final TestServer two = TestServer.perClass().onDatabaseOf(one).withEnv(LimitsIT::env);

  static void env(Map<String, String> env) {
    env.put("KMS_CACHE_CREDENTIAL_TTL_SECONDS", "3600");
    env.put("KMS_LIMITS_ACTIONS", "GenerateRandom=150");
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
            new JsonObject().put("management", 50),
            TestServer.ADMIN_TOKEN);
    assertThat(more.body().getInteger("crypto")).isEqualTo(500);
    assertThat(more.body().getInteger("management")).isEqualTo(50);
    assertThat(
            two.adminResponse(
                    "GET", "/admin/v1/accounts/1250001001/limits", null, TestServer.ADMIN_TOKEN)
                .body())
        .isEqualTo(more.body());
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
}
