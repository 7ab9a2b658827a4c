package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.it.TestServer.AdminResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The management API ({@code /admin/v1}, Bearer token): accounts, principals, credentials, its
 * status codes (201, 200, 400, 401, 404, 409), and what its principals may do on API 2.0. Every
 * test uses its own AppIds and uins, so tests do not depend on each other's order.
 */
class AdminApiIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  static AdminResult call(String method, String path, JsonObject body) {
    return server.adminResponse(method, path, body, TestServer.ADMIN_TOKEN);
  }

  static AdminResult createAccount(String appId, String uin) {
    return call("POST", "/admin/v1/accounts", new JsonObject().put("appId", appId).put("uin", uin));
  }

  static AdminResult addPrincipal(String appId, String uin, String type) {
    return call(
        "POST",
        "/admin/v1/accounts/" + appId + "/principals",
        new JsonObject().put("uin", uin).put("type", type));
  }

  static JsonObject issue(String uin) {
    AdminResult r = call("POST", "/admin/v1/principals/" + uin + "/credentials", new JsonObject());
    assertThat(r.status()).as(r.body().encode()).isEqualTo(201);
    return r.body();
  }

  static V2Client clientOf(JsonObject credential) {
    return new V2Client(
        server.port(), credential.getString("secretId"), credential.getString("secretKey"));
  }

  @Test
  void aWrongToken_isRefusedBeforeTheBodyIsRead() {
    // The body announced is never sent: an answer at all shows the token was checked first.
    RawHttp.Response r =
        RawHttp.send(
            server.adminPort(),
            "POST /admin/v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                + "\r\nContent-Length: 1000000\r\nAuthorization: Bearer not-the-admin-token",
            null);
    assertThat(r.status()).isEqualTo(401);
  }

  /** A management request with a raw body (for bodies a JsonObject cannot express). */
  static RawHttp.Response raw(String method, String path, String body) {
    return RawHttp.send(
        server.adminPort(),
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
            + "\r\nAuthorization: Bearer "
            + TestServer.ADMIN_TOKEN,
        body.getBytes(StandardCharsets.UTF_8));
  }

  static void assertStatus(AdminResult r, int status) {
    assertThat(r.status()).as(r.body().encode()).isEqualTo(status);
    if (status >= 400) {
      assertThat(r.body().getString("error"))
          .as("error bodies are JSON with an error message")
          .isNotBlank();
    }
  }

  static void assertV2(JsonObject r, int code, int module, String codeDesc) {
    assertThat(r.getInteger("code")).as(r.encode()).isEqualTo(code);
    assertThat(r.getString("message")).startsWith("(" + module + ") ");
    assertThat(r.getString("codeDesc")).isEqualTo(codeDesc);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  // --- Accounts ----------------------------------------------------------------------------------

  @Test
  void tokenGuessing_isThrottledPerSourceAddress() {
    java.util.Map<String, String> env =
        TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_LIMITS_AUTH_FAILURES_PER_IP", "3");
    try (TestServer s = TestServer.start(env)) {
      java.util.List<Integer> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        statuses.add(s.adminResponse("GET", "/admin/v1/accounts", null, "guess-" + i).status());
      }
      assertThat(statuses.subList(0, 3)).containsOnly(401);
      assertThat(statuses).contains(429);
      // The budget refills with real time (about a second): the operator with the right token gets
      // in
      // again. Waiting on the limiter's own clock; a refused attempt while blocked spends nothing.
      eventually(
          Duration.ofSeconds(10),
          () ->
              assertThat(
                      s.adminResponse("GET", "/admin/v1/accounts", null, TestServer.ADMIN_TOKEN)
                          .status())
                  .isEqualTo(200));
    }
  }

  @Test
  void createAccount_isCreated201_andEchoesTheAppId() {
    AdminResult r = createAccount("1250000401", "1250000401");
    assertStatus(r, 201);
    assertThat(r.body().getString("appId")).isEqualTo("1250000401");
  }

  @Test
  void createAccount_withDuplicateAppId_isConflict409() {
    assertStatus(createAccount("1250000402", "1250000402"), 201);
    assertStatus(createAccount("1250000402", "1250000499"), 409);
  }

  @Test
  void createAccount_withUinOfAnotherAccount_isConflict409_andCreatesNothing() {
    assertStatus(createAccount("1250000403", "1250000403"), 201);
    assertStatus(createAccount("1250000404", "1250000403"), 409);
    // The AppId insert is rolled back with the refused owner.
    assertStatus(call("GET", "/admin/v1/accounts/1250000404", null), 404);
  }

  @Test
  void createAccount_withBadAppIdOrUin_isBadRequest400() {
    for (String bad :
        List.of("abc", "12a4", "-1", "0123", "", "123456789012345678901", "18446744073709551616")) {
      assertThat(createAccount(bad, "1250000405").status()).as("appId '%s'", bad).isEqualTo(400);
      assertThat(createAccount("1250000405", bad).status()).as("uin '%s'", bad).isEqualTo(400);
    }
    assertStatus(call("GET", "/admin/v1/accounts/1250000405", null), 404);
    // 2^64-1 itself is the largest valid id.
    assertStatus(createAccount("18446744073709551615", "18446744073709551615"), 201);
  }

  @Test
  void createAccount_withMalformedOrIncompleteBody_isBadRequest400() {
    for (String body : List.of("{\"appId\": \"1250000406\",", "not json", "[\"1250000406\"]", "")) {
      RawHttp.Response r = raw("POST", "/admin/v1/accounts", body);
      assertThat(r.status()).as("body '%s': %s", body, r.text()).isEqualTo(400);
      assertThat(new JsonObject(r.text()).getString("error")).isNotBlank();
    }
    assertStatus(call("POST", "/admin/v1/accounts", new JsonObject()), 400);
    assertStatus(
        call("POST", "/admin/v1/accounts", new JsonObject().put("appId", "1250000406")), 400);
    assertStatus(
        call("POST", "/admin/v1/accounts", new JsonObject().put("uin", "1250000406")), 400);
    assertStatus(
        call(
            "POST",
            "/admin/v1/accounts",
            new JsonObject().put("appId", 1250000406L).put("uin", "1250000406")),
        400);
    assertStatus(call("GET", "/admin/v1/accounts/1250000406", null), 404);
  }

  @Test
  void listAccounts_includesBootstrapAndCreatedAccounts() {
    assertStatus(createAccount("1250000407", "1250000407"), 201);
    AdminResult r = call("GET", "/admin/v1/accounts", null);
    assertStatus(r, 200);
    assertThat(r.body().getJsonArray("accounts").stream().map(String.class::cast))
        .contains(TestServer.APP_ID, "1250000407");
  }

  @Test
  void showAccount_listsPrincipalsAndCredentialIds_butNeverSecretKeys() {
    assertStatus(createAccount("1250000408", "1250000408"), 201);
    assertStatus(addPrincipal("1250000408", "1250000418", "sub"), 201);
    JsonObject owner = issue("1250000408");
    JsonObject sub = issue("1250000418");

    AdminResult r = call("GET", "/admin/v1/accounts/1250000408", null);
    assertStatus(r, 200);
    assertThat(r.body().getString("appId")).isEqualTo("1250000408");
    JsonArray principals = r.body().getJsonArray("principals");
    assertThat(
            principals.stream()
                .map(
                    p ->
                        ((JsonObject) p).getString("uin")
                            + "/"
                            + ((JsonObject) p).getString("type")))
        .containsExactlyInAnyOrder("1250000408/owner", "1250000418/sub");
    JsonArray creds = r.body().getJsonArray("credentials");
    assertThat(creds.stream().map(c -> ((JsonObject) c).getString("secretId")))
        .containsExactlyInAnyOrder(owner.getString("secretId"), sub.getString("secretId"));
    assertThat(creds.stream().map(c -> ((JsonObject) c).getBoolean("enabled"))).containsOnly(true);
    String text = r.body().encode();
    assertThat(text)
        .doesNotContain("secretKey")
        .doesNotContainIgnoringCase("secret_key")
        .doesNotContain(owner.getString("secretKey"))
        .doesNotContain(sub.getString("secretKey"));
  }

  @Test
  void showAccount_unknown_isNotFound404() {
    assertStatus(call("GET", "/admin/v1/accounts/1250000999", null), 404);
  }

  // --- Principals --------------------------------------------------------------------------------

  @Test
  void addPrincipal_subAndCollaborator_areCreated201() {
    assertStatus(createAccount("1250000409", "1250000409"), 201);
    AdminResult sub = addPrincipal("1250000409", "1250000419", "sub");
    assertStatus(sub, 201);
    assertThat(sub.body().getString("uin")).isEqualTo("1250000419");
    assertThat(sub.body().getString("type")).isEqualTo("sub");
    AdminResult collaborator = addPrincipal("1250000409", "1250000429", "collaborator");
    assertStatus(collaborator, 201);
    assertThat(collaborator.body().getString("type")).isEqualTo("collaborator");
    // A uin is one principal only, in this account or any other.
    assertStatus(addPrincipal("1250000409", "1250000419", "collaborator"), 409);
    assertStatus(addPrincipal("1250000409", TestServer.APP_ID, "sub"), 409);
  }

  @Test
  void addPrincipal_withBadTypeOrUin_isBadRequest400() {
    assertStatus(createAccount("1250000410", "1250000410"), 201);
    for (String type : List.of("owner", "admin", "SUB", "")) {
      assertThat(addPrincipal("1250000410", "1250000420", type).status())
          .as("type '%s'", type)
          .isEqualTo(400);
    }
    assertStatus(addPrincipal("1250000410", "not-a-uin", "sub"), 400);
    assertStatus(
        call(
            "POST",
            "/admin/v1/accounts/1250000410/principals",
            new JsonObject().put("uin", "1250000420")),
        400);
    AdminResult r = call("GET", "/admin/v1/accounts/1250000410", null);
    assertThat(r.body().getJsonArray("principals")).hasSize(1);
  }

  @Test
  void addPrincipal_toUnknownAccount_isNotFound404() {
    assertStatus(addPrincipal("1250000998", "1250000421", "sub"), 404);
  }

  // --- Credentials -------------------------------------------------------------------------------

  @Test
  void issueCredential_isCreated201_andTheSecretKeyIsShownOnlyOnce() {
    assertStatus(createAccount("1250000411", "1250000411"), 201);
    AdminResult r = call("POST", "/admin/v1/principals/1250000411/credentials", new JsonObject());
    assertStatus(r, 201);
    String secretId = r.body().getString("secretId");
    String secretKey = r.body().getString("secretKey");
    assertThat(secretId).startsWith("AKID").hasSizeGreaterThan(20);
    assertThat(secretKey).isNotBlank().hasSizeGreaterThanOrEqualTo(32);
    // Two credentials never share a key.
    assertThat(issue("1250000411").getString("secretKey")).isNotEqualTo(secretKey);

    AdminResult shown = call("GET", "/admin/v1/accounts/1250000411", null);
    assertThat(shown.body().encode())
        .contains(secretId)
        .doesNotContain(secretKey)
        .doesNotContain("secretKey");
    // The key works: a signed call with it succeeds.
    JsonObject listed = clientOf(r.body()).call("ListKey");
    assertThat(listed.getInteger("code")).as(listed.encode()).isZero();
  }

  @Test
  void issueCredential_forUnknownUin_isNotFound404() {
    assertStatus(
        call("POST", "/admin/v1/principals/1250000997/credentials", new JsonObject()), 404);
  }

  @Test
  void revokeCredential_is200_andTheCredentialIsRefusedWith10080() {
    assertStatus(createAccount("1250000412", "1250000412"), 201);
    JsonObject cred = issue("1250000412");
    V2Client c = clientOf(cred);
    // Used once first, so the credential sits in the server's cache when it is revoked.
    assertThat(c.call("ListKey").getInteger("code")).isZero();

    AdminResult r = call("DELETE", "/admin/v1/credentials/" + cred.getString("secretId"), null);
    assertStatus(r, 200);
    assertThat(r.body().getString("secretId")).isEqualTo(cred.getString("secretId"));
    assertThat(r.body().getBoolean("enabled")).isFalse();

    assertV2(c.call("ListKey"), 4100, 10080, "AuthFailure.SecretIdNotFound");
    JsonObject shown = call("GET", "/admin/v1/accounts/1250000412", null).body();
    assertThat(shown.getJsonArray("credentials").getJsonObject(0).getBoolean("enabled")).isFalse();
  }

  @Test
  void revokeCredential_unknown_isNotFound404() {
    assertStatus(
        call("DELETE", "/admin/v1/credentials/AKIDdoesNotExist0000000000000000", null), 404);
  }

  // --- Authentication and routing ------------------------------------------------------------

  @Test
  void request_withWrongToken_isUnauthorized401() {
    AdminResult r =
        server.adminResponse("GET", "/admin/v1/accounts", null, TestServer.ADMIN_TOKEN + "x");
    assertStatus(r, 401);
    assertStatus(server.adminResponse("GET", "/admin/v1/accounts", null, "wrong"), 401);
    // A refused token changes nothing.
    assertStatus(
        server.adminResponse(
            "POST",
            "/admin/v1/accounts",
            new JsonObject().put("appId", "1250000413").put("uin", "1250000413"),
            "wrong"),
        401);
    assertStatus(call("GET", "/admin/v1/accounts/1250000413", null), 404);
  }

  @Test
  void request_withoutToken_isUnauthorized401() {
    assertStatus(server.adminResponse("GET", "/admin/v1/accounts", null, null), 401);
    assertStatus(server.adminResponse("GET", "/admin/v1/accounts", null, ""), 401);
    RawHttp.Response basic =
        RawHttp.send(
            server.adminPort(),
            "GET /admin/v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        ("admin:" + TestServer.ADMIN_TOKEN).getBytes(StandardCharsets.UTF_8)),
            null);
    assertThat(basic.status()).isEqualTo(401);
  }

  @Test
  void request_toUnknownPath_isNotFound404() {
    assertStatus(call("GET", "/admin/v1/nothing-here", null), 404);
    assertStatus(call("GET", "/admin/v2/accounts", null), 404);
    // Authentication comes before routing: an unknown path without token reveals nothing.
    assertStatus(server.adminResponse("GET", "/admin/v1/nothing-here", null, null), 401);
  }

  // --- Principals on API 2.0 ---------------------------------------------------------------------

  @Test
  void subPrincipal_canEncryptAndDecrypt_withTheOwnersKeys() {
    assertStatus(createAccount("1250000414", "1250000414"), 201);
    assertStatus(addPrincipal("1250000414", "1250000424", "sub"), 201);
    V2Client owner = clientOf(issue("1250000414"));
    V2Client sub = clientOf(issue("1250000424"));
    String keyId = Keys.create(owner, "owned");

    JsonObject enc = sub.call("Encrypt", "keyId", keyId, "plaintext", b64("from the sub"));
    assertThat(enc.getInteger("code")).as(enc.encode()).isZero();
    JsonObject byOwner = owner.call("Decrypt", "ciphertextBlob", enc.getString("ciphertextBlob"));
    assertThat(byOwner.getString("plaintext")).isEqualTo(b64("from the sub"));

    String ownerBlob =
        owner
            .call("Encrypt", "keyId", keyId, "plaintext", b64("from the owner"))
            .getString("ciphertextBlob");
    JsonObject bySub = sub.call("Decrypt", "ciphertextBlob", ownerBlob);
    assertThat(bySub.getInteger("code")).as(bySub.encode()).isZero();
    assertThat(bySub.getString("plaintext")).isEqualTo(b64("from the owner"));
    assertThat(sub.call("ListKey").getJsonArray("keys").getJsonObject(0).getString("keyId"))
        .isEqualTo(keyId);

    // Another account's credential cannot use the key: accounts are the isolation boundary.
    V2Client stranger = server.bootstrapClient();
    assertV2(
        stranger.call("Encrypt", "keyId", keyId, "plaintext", b64("x")),
        4530,
        10630,
        "ResourceUnavailable.CmkNotFound");
  }

  @Test
  void collaboratorPrincipal_isRefused10440_onACorrectlySignedCall() {
    assertStatus(createAccount("1250000415", "1250000415"), 201);
    assertStatus(addPrincipal("1250000415", "1250000425", "collaborator"), 201);
    V2Client owner = clientOf(issue("1250000415"));
    V2Client collaborator = clientOf(issue("1250000425"));
    String keyId = owner.call("CreateKey").getJsonObject("keyMetadata").getString("keyId");

    assertV2(collaborator.call("ListKey"), 4000, 10440, "AuthFailure.UnauthorizedOperation");
    assertV2(
        collaborator.call("Encrypt", "keyId", keyId, "plaintext", b64("x")),
        4000,
        10440,
        "AuthFailure.UnauthorizedOperation");
    // The refusal comes after the signature check: without the key a caller learns only 10030.
    assertV2(
        collaborator.request("ListKey").signWith("not-the-key").send(),
        4100,
        10030,
        "AuthFailure.SignatureFailure");
  }
}
