package io.tkms.it;

import static io.tkms.it.V3Client.code;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** API 3.0 protocol rules and the error codes only API 3.0 can reach. */
class V3ErrorsIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V3Client client;
  static String keyId;

  @BeforeAll
  static void createKey() {
    client = server.bootstrapV3Client();
    keyId = Keys.create(client, "v3-errors");
  }

  static JsonObject encrypt(String plaintext) {
    return new JsonObject()
        .put("KeyId", keyId)
        .put("Plaintext", Base64.getEncoder().encodeToString(plaintext.getBytes()));
  }

  @Test
  void envelope_hasResponseAndRequestIdOnSuccessAndError() {
    JsonObject ok = client.call("DescribeKey", new JsonObject().put("KeyId", keyId));
    assertThat(ok.getString("RequestId")).isNotBlank();
    assertThat(ok.getJsonObject("KeyMetadata").getString("KeyId")).isEqualTo(keyId);
    JsonObject err =
        client.call(
            "DescribeKey", new JsonObject().put("KeyId", "00000000-0000-4000-8000-000000000000"));
    assertThat(err.getString("RequestId")).isNotBlank();
    assertThat(err.getJsonObject("Error").getString("Message")).isNotBlank();
    assertThat(code(err)).isEqualTo("ResourceUnavailable.CmkNotFound");
  }

  @Test
  void otherVersion_isNoSuchVersion() {
    assertThat(code(client.request("ListKeys").header("X-TC-Version", "2017-03-12").send()))
        .isEqualTo("NoSuchVersion");
    assertThat(code(client.request("ListKeys").header("X-TC-Version", null).send()))
        .isEqualTo("MissingParameter");
  }

  @Test
  void unknownAction_isInvalidAction_andUnbuiltAction_isUnsupportedOperation() {
    assertThat(code(client.call("MakeCoffee", new JsonObject()))).isEqualTo("InvalidAction");
    assertThat(code(client.call("BindCloudResource", new JsonObject().put("KeyId", keyId))))
        .isEqualTo("UnsupportedOperation");
    assertThat(code(client.call("EncryptByWhiteBox", new JsonObject())))
        .isEqualTo("UnsupportedOperation");
  }

  @Test
  void token_isTokenFailure() {
    assertThat(code(client.request("ListKeys").header("X-TC-Token", "sts-token").send()))
        .isEqualTo("AuthFailure.TokenFailure");
  }

  @Test
  void region_fromHeaderThenParameter_andUnknownRegionRefused() {
    assertThat(code(client.request("ListKeys").header("X-TC-Region", "ap-mars").send()))
        .isEqualTo("UnsupportedRegion");
    // Another served region does not see the key.
    assertThat(
            code(
                client
                    .request("DescribeKey")
                    .header("X-TC-Region", "ap-shanghai")
                    .body(new JsonObject().put("KeyId", keyId))
                    .send()))
        .isEqualTo("ResourceUnavailable.CmkNotFound");
    // The v2 short name is an alias of the same region.
    assertThat(
            code(
                client
                    .request("DescribeKey")
                    .header("X-TC-Region", "gz")
                    .body(new JsonObject().put("KeyId", keyId))
                    .send()))
        .isNull();
    // Without the header, the Region field of the body.
    assertThat(
            code(
                client
                    .request("DescribeKey")
                    .header("X-TC-Region", null)
                    .body(new JsonObject().put("KeyId", keyId).put("Region", "ap-beijing"))
                    .send()))
        .isEqualTo("ResourceUnavailable.CmkNotFound");
  }

  @Test
  void signatureProblems() {
    assertThat(code(client.request("ListKeys").signWith("wrong").send()))
        .isEqualTo("AuthFailure.SignatureFailure");
    assertThat(
            code(
                client
                    .request("ListKeys")
                    .signedBody("{\"Limit\":1}")
                    .body(new JsonObject().put("Limit", 2))
                    .send()))
        .isEqualTo("AuthFailure.SignatureFailure");
    long now = System.currentTimeMillis() / 1000;
    assertThat(code(client.request("ListKeys").timestamp(now - 400).send()))
        .isEqualTo("AuthFailure.SignatureExpire");
    // The scope date must be the timestamp's UTC date.
    assertThat(code(client.request("ListKeys").scopeDate("2020-01-01").send()))
        .isEqualTo("AuthFailure.SignatureFailure");
    assertThat(
            code(
                client
                    .request("ListKeys")
                    .authorization("TC3-HMAC-SHA256 Credential=broken")
                    .send()))
        .isEqualTo("AuthFailure.InvalidAuthorization");
    assertThat(
            code(
                new V3Client(server.port(), "AKIDunknown000000000", "x")
                    .call("ListKeys", new JsonObject())))
        .isEqualTo("AuthFailure.SecretIdNotFound");
  }

  @Test
  void http2Client_isVerifiedAgainstTheAuthority() throws Exception {
    java.net.http.HttpClient h2 =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_2)
            .build();
    for (int i = 0; i < 3; i++) {
      V3Client.Req req = client.request("ListKeys");
      java.net.http.HttpRequest.Builder b =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + server.port() + "/"))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(req.bodyText()));
      req.headersToSend()
          .forEach(
              (k, v) -> {
                if (!k.equalsIgnoreCase("Host")) {
                  b.header(k, v);
                }
              });
      java.net.http.HttpResponse<String> r =
          h2.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(code(new JsonObject(r.body()).getJsonObject("Response")))
          .as("request %d over %s", i, r.version())
          .isNull();
    }
  }

  @Test
  void anyScopeService_isAccepted_asTheJavaAndNodeSdksDeriveIt() {
    assertThat(code(client.request("ListKeys").service("127").send())).isNull();
    assertThat(code(client.request("ListKeys").service("localhost:8080").send())).isNull();
  }

  @Test
  void getWithFlattenedArrays_equalsPostWithJsonArrays() {
    JsonObject post =
        client.call("DescribeKeys", new JsonObject().put("KeyIds", new JsonArray().add(keyId)));
    JsonObject get = client.request("DescribeKeys").get("KeyIds.0=" + keyId).send();
    assertThat(code(get)).as(get.encode()).isNull();
    assertThat(get.getJsonArray("KeyMetadatas")).isEqualTo(post.getJsonArray("KeyMetadatas"));
    assertThat(
            code(
                client
                    .request("DescribeKeys")
                    .get("KeyIds.0=" + keyId + "&KeyIds.2=" + keyId)
                    .send()))
        .isEqualTo("InvalidParameter");
  }

  @Test
  void tags_areStored_andTagFiltersSelectKeys_inJsonAndFlattenedForm() {
    JsonObject prod =
        client.call(
            "CreateKey",
            new JsonObject()
                .put("Alias", "tag-prod")
                .put(
                    "Tags",
                    new JsonArray()
                        .add(new JsonObject().put("TagKey", "env").put("TagValue", "prod"))
                        .add(new JsonObject().put("TagKey", "team").put("TagValue", "pay"))));
    assertThat(prod.getInteger("TagCode")).isZero();
    JsonObject dev =
        client.call(
            "CreateKey",
            new JsonObject()
                .put("Alias", "tag-dev")
                .put(
                    "Tags",
                    new JsonArray()
                        .add(new JsonObject().put("TagKey", "env").put("TagValue", "dev"))));
    JsonObject one =
        client.call(
            "ListKeyDetail",
            new JsonObject()
                .put(
                    "TagFilters",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("TagKey", "env")
                                .put("TagValue", new JsonArray().add("prod")))));
    assertThat(
            one.getJsonArray("KeyMetadatas").stream().map(x -> ((JsonObject) x).getString("KeyId")))
        .containsExactly(prod.getString("KeyId"));
    JsonObject both =
        client
            .request("ListKeyDetail")
            .get("TagFilters.0.TagKey=env&TagFilters.0.TagValue.0=dev&TagFilters.0.TagValue.1=prod")
            .send();
    assertThat(both.getLong("TotalCount")).as(both.encode()).isEqualTo(2);
    JsonObject anyValue =
        client.call(
            "ListKeyDetail",
            new JsonObject()
                .put("TagFilters", new JsonArray().add(new JsonObject().put("TagKey", "team"))));
    assertThat(anyValue.getLong("TotalCount")).isEqualTo(1);
    JsonObject none =
        client.call(
            "ListKeyDetail",
            new JsonObject()
                .put(
                    "TagFilters",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("TagKey", "env")
                                .put("TagValue", new JsonArray().add("staging")))));
    assertThat(none.getLong("TotalCount")).isZero();
    assertThat(dev.getString("KeyId")).isNotBlank();
  }

  @Test
  void numbersAsStrings_areAccepted_andUnknownFieldsRefused() {
    JsonObject r = client.call("ListKeys", new JsonObject().put("Limit", "1").put("Offset", "0"));
    assertThat(code(r)).as(r.encode()).isNull();
    assertThat(r.getJsonArray("Keys")).hasSize(1);
    JsonObject unknown =
        client.call("ListKeys", new JsonObject().put("Limit", 1).put("SomethingNew", true));
    assertThat(code(unknown)).as(unknown.encode()).isEqualTo("UnknownParameter");
    assertThat(unknown.getJsonObject("Error").getString("Message"))
        .contains("ListKeys has no parameter SomethingNew");
    JsonObject ignored =
        client.call("ListKeys", new JsonObject().put("Limit", 1).put("HsmClusterId", "cls-1"));
    assertThat(code(ignored)).as("defined by Tencent, accepted and ignored").isNull();
    assertThat(code(client.call("ListKeys", new JsonObject().put("Limit", "one"))))
        .isEqualTo("InvalidParameterValue");
    assertThat(code(client.call("ListKeys", new JsonObject().put("Limit", 201))))
        .isEqualTo("InvalidParameterValue");
  }

  @Test
  void badBodies() {
    assertThat(code(client.request("ListKeys").rawBody("{not json").send()))
        .isEqualTo("InvalidParameter");
    assertThat(code(client.request("ListKeys").rawBody("[1,2]").send()))
        .isEqualTo("InvalidParameter");
    RawHttp.Response put = client.request("ListKeys").method("PUT").sendRaw();
    assertThat(put.status()).isEqualTo(200);
    assertThat(code(new JsonObject(put.text()).getJsonObject("Response")))
        .isEqualTo("UnsupportedProtocol");
    RawHttp.Response big =
        client.request("Encrypt").rawBody("{\"KeyId\":\"" + "x".repeat(70_000) + "\"}").sendRaw();
    assertThat(code(new JsonObject(big.text()).getJsonObject("Response")))
        .isEqualTo("RequestSizeLimitExceeded");
  }

  @Test
  void actionErrors_inTheV3Spelling() {
    assertThat(
            code(
                client.call(
                    "Encrypt", new JsonObject().put("KeyId", keyId).put("Plaintext", "%%%"))))
        .isEqualTo("InvalidParameterValue.InvalidPlaintext");
    assertThat(
            code(
                client.call(
                    "Encrypt",
                    new JsonObject()
                        .put("KeyId", keyId)
                        .put("Plaintext", Base64.getEncoder().encodeToString(new byte[4097])))))
        .isEqualTo("InvalidParameterValue.InvalidPlaintext");
    assertThat(code(client.call("Encrypt", encrypt("x").put("EncryptionContext", "[1]"))))
        .isEqualTo("InvalidParameterValue");
    assertThat(code(client.call("Decrypt", new JsonObject().put("CiphertextBlob", "AAAA"))))
        .isEqualTo("InvalidParameterValue.InvalidCiphertext");
    assertThat(
            code(
                client.call(
                    "Encrypt", new JsonObject().put("KeyId", "nope").put("Plaintext", "eA=="))))
        .isEqualTo("InvalidParameterValue.InvalidKeyId");
    assertThat(code(client.call("CreateKey", new JsonObject().put("Alias", "v3-errors"))))
        .isEqualTo("InvalidParameterValue.AliasAlreadyExists");
    assertThat(code(client.call("CreateKey", new JsonObject().put("Alias", "a".repeat(61)))))
        .isEqualTo("InvalidParameterValue.InvalidAlias");
    assertThat(code(client.call("CreateKey", new JsonObject().put("Alias", "a".repeat(60)))))
        .isNull();
    assertThat(
            code(
                client.call(
                    "CreateKey",
                    new JsonObject().put("Alias", "u1").put("KeyUsage", "ASYMMETRIC_DECRYPT_DSA"))))
        .isEqualTo("InvalidParameterValue.InvalidKeyUsage");
    assertThat(
            code(
                client.call(
                    "CreateKey",
                    new JsonObject()
                        .put("Alias", "u2")
                        .put("Type", 2)
                        .put("KeyUsage", "ASYMMETRIC_SIGN_VERIFY_ECC"))))
        .isEqualTo("InvalidParameterValue.InvalidType");
    assertThat(code(client.call("CreateKey", new JsonObject().put("Alias", "u3").put("Type", 3))))
        .isEqualTo("InvalidParameterValue");
    assertThat(
            code(
                client.call(
                    "GenerateDataKey",
                    new JsonObject().put("KeyId", keyId).put("KeySpec", "AES_1"))))
        .isEqualTo("InvalidParameterValue");
    assertThat(code(client.call("GenerateDataKey", new JsonObject().put("KeyId", keyId))))
        .isEqualTo("MissingParameter");
    assertThat(code(client.call("GenerateRandom", new JsonObject().put("NumberOfBytes", 1025))))
        .isEqualTo("InvalidParameterValue");
    assertThat(
            code(
                client.call(
                    "Decrypt",
                    new JsonObject()
                        .put("CiphertextBlob", "AAAA")
                        .put("EncryptionPublicKey", "pem"))))
        .isEqualTo("InvalidParameter");
    assertThat(
            code(
                client.call(
                    "CreateKey",
                    new JsonObject()
                        .put("Alias", "dup-tags")
                        .put(
                            "Tags",
                            new JsonArray()
                                .add(new JsonObject().put("TagKey", "env").put("TagValue", "a"))
                                .add(new JsonObject().put("TagKey", "env").put("TagValue", "b"))))))
        .isEqualTo("InvalidParameterValue.TagKeysDuplicated");
    assertThat(
            code(
                client.call(
                    "CreateKey",
                    new JsonObject()
                        .put("Alias", "bad-tags")
                        .put("Tags", new JsonArray().add(new JsonObject().put("TagValue", "a"))))))
        .isEqualTo("InvalidParameterValue");
  }

  @Test
  void throttling_isRequestLimitExceeded_andCollaboratorsAreRefused() {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_DEFAULT_MANAGEMENT_QPS", "2");
    try (TestServer s = TestServer.start(env)) {
      V3Client c = new V3Client(s.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
      String last = null;
      for (int i = 0; i < 6; i++) {
        last = code(c.call("ListKeys", new JsonObject()));
      }
      assertThat(last).isEqualTo("RequestLimitExceeded");
      s.admin(
          "POST",
          "/admin/v1/accounts/" + TestServer.APP_ID + "/principals",
          new JsonObject().put("uin", "77").put("type", "collaborator"));
      JsonObject cred = s.admin("POST", "/admin/v1/principals/77/credentials", new JsonObject());
      V3Client collaborator =
          new V3Client(s.port(), cred.getString("secretId"), cred.getString("secretKey"));
      assertThat(code(collaborator.call("GetRegions", new JsonObject())))
          .isEqualTo("AuthFailure.UnauthorizedOperation");
    }
  }
}
