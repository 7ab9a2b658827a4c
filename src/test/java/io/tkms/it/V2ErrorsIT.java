package io.tkms.it;

import static io.tkms.it.V2ApiIT.b64;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every row of the error table that API 2.0 can reach, over real HTTP and a real Postgres. */
class V2ErrorsIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V2Client client;
  static String keyId;

  @BeforeAll
  static void createKey() {
    client = server.bootstrapClient();
    keyId = Keys.create(client, "errors-main");
  }

  /**
   * Asserts the v2 code, the module code at the head of the message and the v3 code in codeDesc.
   */
  static void assertError(JsonObject r, int code, int module, String codeDesc) {
    assertThat(r.getInteger("code")).as(r.encode()).isEqualTo(code);
    assertThat(r.getString("message")).as(r.encode()).startsWith("(" + module + ") ");
    assertThat(r.getString("codeDesc")).as(r.encode()).isEqualTo(codeDesc);
    assertThat(r.getString("requestId")).isNotBlank();
  }

  @Test
  void missingParameter_is4000_10010() {
    JsonObject r = client.call("Encrypt", "keyId", keyId);
    assertError(r, 4000, 10010, "MissingParameter");
    assertThat(r.getString("message")).contains("plaintext");
  }

  @Test
  void valueOutOfRange_is4000_10350_namingTheParameter() {
    JsonObject r = client.call("ListKey", "limit", "500");
    assertError(r, 4000, 10350, "InvalidParameterValue");
    assertThat(r.getString("message")).contains("limit");
    assertError(client.call("ListKey", "offset", "-1"), 4000, 10350, "InvalidParameterValue");
    assertError(client.call("ListKey", "offset", "ten"), 4000, 10350, "InvalidParameterValue");
    assertError(
        client.call("CreateKey", "description", "d".repeat(1025)),
        4000,
        10350,
        "InvalidParameterValue");
    assertError(client.call("CreateKey", "type", "2"), 4000, 10350, "InvalidParameterValue");
    assertError(
        client.call("GenerateDataKey", "keyId", keyId, "numberOfBytes", "1025"),
        4000,
        10350,
        "InvalidParameterValue");
    assertError(
        client.call("Encrypt", "keyId", keyId, "plaintext", ""), 4000, 10010, "MissingParameter");
  }

  @Test
  void plaintextOf4097Bytes_is4000_10350() {
    JsonObject r =
        client.call(
            "Encrypt",
            "keyId",
            keyId,
            "plaintext",
            Base64.getEncoder().encodeToString(new byte[4097]));
    assertError(r, 4000, 10350, "InvalidParameterValue.InvalidPlaintext");
  }

  @Test
  void plaintextNotBase64_is4590_10690() {
    assertError(
        client.call("Encrypt", "keyId", keyId, "plaintext", "not base64!"),
        4590,
        10690,
        "InvalidParameterValue.InvalidPlaintext");
  }

  @Test
  void indexOnNonRepeatableParameter_is4000_10330() {
    JsonObject r =
        client.request("Encrypt").param("keyId.0", keyId).param("plaintext", b64("x")).send();
    assertError(r, 4000, 10330, "InvalidParameter");
  }

  @Test
  void unknownAction_is4000_10280() {
    assertError(client.call("DeleteEverything"), 4000, 10280, "InvalidAction");
  }

  @Test
  void methodOtherThanGetOrPost_is4000_10410_withHttp200() {
    RawHttp.Response r = client.request("ListKey").method("PUT").sendRaw();
    assertThat(r.status()).isEqualTo(200);
    assertError(new JsonObject(r.text()), 4000, 10410, "UnsupportedProtocol");
  }

  @Test
  void bodyOverTheLimit_is4000_10420_withHttp200() {
    RawHttp.Response r =
        RawHttp.send(
            server.port(),
            "POST /v2/index.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded",
            ("a=" + "b".repeat(70_000)).getBytes());
    assertThat(r.status()).isEqualTo(200);
    assertError(new JsonObject(r.text()), 4000, 10420, "RequestSizeLimitExceeded");
  }

  @Test
  void unparsableBody_is4000_10420() {
    RawHttp.Response r =
        RawHttp.send(
            server.port(),
            "POST /v2/index.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded",
            "Action=%ZZ".getBytes());
    assertError(new JsonObject(r.text()), 4000, 10420, "InvalidParameter");
  }

  @Test
  void unsupportedRegion_is4000() {
    assertError(
        client.request("ListKey").param("Region", "ap-mars").send(),
        4000,
        10350,
        "UnsupportedRegion");
    assertError(
        client.request("ListKey").host("kms-xx.api.qcloud.com").send(),
        4000,
        10350,
        "UnsupportedRegion");
  }

  @Test
  void badSignature_is4100_10030() {
    assertError(
        client.request("ListKey").signWith("wrong-key").send(),
        4100,
        10030,
        "AuthFailure.SignatureFailure");
    assertError(
        client.request("ListKey").signature("AAAA").send(),
        4100,
        10030,
        "AuthFailure.SignatureFailure");
    // Signed for another host than the one sent.
    assertError(
        client.request("ListKey").signedHost("kms-gz.api.qcloud.com").send(),
        4100,
        10030,
        "AuthFailure.SignatureFailure");
    // HmacSHA1 signature presented as HmacSHA256 (only the exact value selects SHA-256).
    V2Client.Req req = client.request("ListKey").sha1();
    Map<String, String> p = req.signed();
    p.put("SignatureMethod", "hmacsha256");
    RawHttp.Response raw =
        RawHttp.send(
            server.port(),
            "POST /v2/index.php HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.port()
                + "\r\nContent-Type: application/x-www-form-urlencoded",
            V2Client.form(p).getBytes());
    assertError(new JsonObject(raw.text()), 4100, 10030, "AuthFailure.SignatureFailure");
  }

  @Test
  void expiredTimestamp_is4100_10030() {
    long old = System.currentTimeMillis() / 1000 - 301;
    assertError(
        client.request("ListKey").param("Timestamp", Long.toString(old)).send(),
        4100,
        10030,
        "AuthFailure.SignatureExpire");
    long future = System.currentTimeMillis() / 1000 + 400;
    assertError(
        client.request("ListKey").param("Timestamp", Long.toString(future)).send(),
        4100,
        10030,
        "AuthFailure.SignatureExpire");
  }

  @Test
  void replayedNonce_is4100_10030() {
    V2Client.Req req = client.request("ListKey").param("Nonce", "424242");
    assertThat(req.send().getInteger("code")).isZero();
    assertError(req.send(), 4100, 10030, "AuthFailure.SignatureFailure");
  }

  @Test
  void token_is4100_10030() {
    assertError(
        client.request("ListKey").param("Token", "temporary").send(),
        4100,
        10030,
        "AuthFailure.TokenFailure");
  }

  @Test
  void unknownSecretId_is4100_10270() {
    V2Client stranger =
        new V2Client(server.port(), "AKIDnobodyHasThisId000000000000000", "whatever");
    assertError(stranger.call("ListKey"), 4100, 10270, "AuthFailure.SecretIdNotFound");
  }

  @Test
  void disabledSecretId_is4100_10080() {
    V2Client c = server.newAccount("1250000201");
    assertThat(c.call("ListKey").getInteger("code")).isZero();
    assertThat(
            server
                .adminResponse(
                    "DELETE", "/admin/v1/credentials/" + c.secretId(), null, TestServer.ADMIN_TOKEN)
                .status())
        .isEqualTo(200);
    assertError(c.call("ListKey"), 4100, 10080, "AuthFailure.SecretIdNotFound");
  }

  @Test
  void collaborator_is4000_10440() {
    server.newAccount("1250000202");
    server.admin(
        "POST",
        "/admin/v1/accounts/1250000202/principals",
        new JsonObject().put("uin", "1250000203").put("type", "collaborator"));
    JsonObject cred =
        server.admin("POST", "/admin/v1/principals/1250000203/credentials", new JsonObject());
    V2Client collaborator =
        new V2Client(server.port(), cred.getString("secretId"), cred.getString("secretKey"));
    assertError(collaborator.call("ListKey"), 4000, 10440, "AuthFailure.UnauthorizedOperation");
  }

  @Test
  void unknownOrMalformedKey_is4530_10630() {
    assertError(
        client.call("GetKeyAttributes", "keyId", "00000000-0000-4000-8000-000000000000"),
        4530,
        10630,
        "ResourceUnavailable.CmkNotFound");
    assertError(
        client.call(
            "Encrypt", "keyId", "00000000-0000-4000-8000-000000000000", "plaintext", b64("x")),
        4530,
        10630,
        "ResourceUnavailable.CmkNotFound");
    assertError(
        client.call("GetKeyAttributes", "keyId", "not-a-key-id"),
        4530,
        10630,
        "InvalidParameterValue.InvalidKeyId");
    assertError(
        client.call("DisableKey", "keyId", "kms-30slkdf"),
        4530,
        10630,
        "InvalidParameterValue.InvalidKeyId");
  }

  @Test
  void disabledKey_is4550_10650_namingTheState() {
    String id = Keys.create(client, "errors-disabled");
    String blob =
        client.call("Encrypt", "keyId", id, "plaintext", b64("before")).getString("ciphertextBlob");
    assertThat(client.call("DisableKey", "keyId", id).getInteger("code")).isZero();
    JsonObject enc = client.call("Encrypt", "keyId", id, "plaintext", b64("x"));
    assertError(enc, 4550, 10650, "ResourceUnavailable.CmkDisabled");
    assertThat(enc.getString("message")).contains("Disabled");
    assertError(
        client.call("Decrypt", "ciphertextBlob", blob),
        4550,
        10650,
        "ResourceUnavailable.CmkDisabled");
    assertError(
        client.call("GenerateDataKey", "keyId", id, "keySpec", "AES_256"),
        4550,
        10650,
        "ResourceUnavailable.CmkDisabled");
    assertThat(client.call("EnableKey", "keyId", id).getInteger("code")).isZero();
    assertThat(client.call("Decrypt", "ciphertextBlob", blob).getInteger("code")).isZero();
  }

  @Test
  void invalidCiphertext_is4580_10680_forGarbageTamperedTruncatedAndWrongContext() {
    String blob =
        client
            .call(
                "Encrypt",
                "keyId",
                keyId,
                "plaintext",
                b64("secret"),
                "encryptionContext",
                "{\"a\":\"b\"}")
            .getString("ciphertextBlob");
    byte[] raw = Base64.getDecoder().decode(blob);
    List<String> bad = new ArrayList<>();
    bad.add("garbage!!");
    bad.add(b64("short"));
    bad.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, raw.length - 1)));
    bad.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, 40)));
    for (int pos : new int[] {0, 5, 25, 40, 55, raw.length - 1}) {
      byte[] t = raw.clone();
      t[pos] ^= 0x01;
      bad.add(Base64.getEncoder().encodeToString(t));
    }
    for (String b : bad) {
      assertError(
          client.call("Decrypt", "ciphertextBlob", b, "encryptionContext", "{\"a\":\"b\"}"),
          4580,
          10680,
          "InvalidParameterValue.InvalidCiphertext");
    }
    assertError(
        client.call("Decrypt", "ciphertextBlob", blob),
        4580,
        10680,
        "InvalidParameterValue.InvalidCiphertext");
    assertError(
        client.call("Decrypt", "ciphertextBlob", blob, "encryptionContext", "{\"a\":\"c\"}"),
        4580,
        10680,
        "InvalidParameterValue.InvalidCiphertext");
    assertThat(
            client
                .call("Decrypt", "ciphertextBlob", blob, "encryptionContext", "{\"a\":\"b\"}")
                .getInteger("code"))
        .isZero();
  }

  @Test
  void invalidEncryptionContext_is4540_10640() {
    for (String ctx :
        List.of(
            "not json",
            "[]",
            "{\"a\":1}",
            "{\"a\":\"b\",\"a\":\"c\"}",
            "{\"a\":{\"b\":\"c\"}}",
            "{\"k\":\"" + "v".repeat(1100) + "\"}")) {
      assertError(
          client.call("Encrypt", "keyId", keyId, "plaintext", b64("x"), "encryptionContext", ctx),
          4540,
          10640,
          "InvalidParameterValue");
    }
  }

  @Test
  void aliasTakenOrInvalid() {
    Keys.create(client, "errors-taken");
    assertError(
        client.call("CreateKey", "alias", "errors-taken"),
        4500,
        10480,
        "InvalidParameterValue.AliasAlreadyExists");
    String other = Keys.create(client, "errors-other");
    assertError(
        client.call("SetKeyAttributes", "keyId", other, "alias", "errors-taken"),
        4500,
        10480,
        "InvalidParameterValue.AliasAlreadyExists");
    for (String alias :
        List.of("-leading", "has space", "kms-reserved", "a".repeat(33), "ünicode")) {
      assertError(
          client.call("CreateKey", "alias", alias),
          4000,
          10350,
          "InvalidParameterValue.InvalidAlias");
    }
    assertError(
        client.call("SetKeyAttributes", "keyId", other, "alias", "bad/alias"),
        4000,
        10350,
        "InvalidParameterValue.InvalidAlias");
    // Case-sensitive: a different case is a different alias.
    assertThat(client.call("CreateKey", "alias", "Errors-Taken").getInteger("code")).isZero();
  }

  @Test
  void keyUsageOtherThanEncryptDecrypt_is4490_10470() {
    assertError(
        client.call("CreateKey", "keyUsage", "SIGN/VERIFY"),
        4490,
        10470,
        "InvalidParameterValue.InvalidKeyUsage");
    assertError(
        client.call("CreateKey", "keyUsage", "ENCRYPT_DECRYPT"),
        4490,
        10470,
        "InvalidParameterValue.InvalidKeyUsage");
  }

  @Test
  void invalidKeySpec_is4520_10620() {
    assertError(
        client.call("GenerateDataKey", "keyId", keyId, "keySpec", "AES_512"),
        4520,
        10620,
        "InvalidParameterValue");
    assertError(client.call("GenerateDataKey", "keyId", keyId), 4000, 10010, "MissingParameter");
  }

  @Test
  void quotaAndThrottling_onAServerWithLowLimits() {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_CMK_QUOTA", "2");
    env.put("KMS_DEFAULT_CRYPTO_QPS", "5");
    env.put("KMS_DEFAULT_MANAGEMENT_QPS", "5");
    try (TestServer low = TestServer.start(env)) {
      V2Client c = low.bootstrapClient();
      String id = Keys.create(c, "q1");
      Keys.create(c, "q2");
      assertError(
          c.call("CreateKey", "alias", "q3"), 4510, 10610, "LimitExceeded.CmkLimitExceeded");
      // The quota is per region: another region still has room.
      assertThat(c.request("CreateKey").param("Region", "sh").send().getInteger("code")).isZero();

      V2Client other = low.newAccount("1250000301");
      String otherKey = Keys.create(other, "t1");
      List<Integer> crypto = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        crypto.add(
            other.call("Encrypt", "keyId", otherKey, "plaintext", b64("x")).getInteger("code"));
      }
      assertThat(crypto).contains(0, 4420);
      JsonObject throttled = null;
      for (int i = 0; i < 15 && throttled == null; i++) {
        JsonObject r = other.call("ListKey");
        if (r.getInteger("code") != 0) {
          throttled = r;
        }
      }
      assertThat(throttled).isNotNull();
      assertError(throttled, 4480, 10460, "RequestLimitExceeded");
      JsonObject cryptoThrottled = null;
      for (int i = 0; i < 15 && cryptoThrottled == null; i++) {
        JsonObject r = other.call("GenerateDataKey", "keyId", otherKey, "keySpec", "AES_128");
        if (r.getInteger("code") != 0) {
          cryptoThrottled = r;
        }
      }
      assertError(cryptoThrottled, 4420, 10250, "RequestLimitExceeded");
      // Limits are per account: the bootstrap account is unaffected.
      assertThat(c.call("Encrypt", "keyId", id, "plaintext", b64("x")).getInteger("code")).isZero();
    }
  }

  @Test
  void failedAuthentications_areThrottledPerSource_withoutSpendingTheAccountsTokens() {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_LIMITS_AUTH_FAILURES_PER_IP", "3");
    env.put("KMS_DEFAULT_MANAGEMENT_QPS", "3");
    try (TestServer s = TestServer.start(env)) {
      V2Client c = s.bootstrapClient();
      List<Integer> codes = new ArrayList<>();
      JsonObject last = null;
      for (int i = 0; i < 6; i++) {
        last = c.request("ListKey").signWith("wrong").send();
        codes.add(last.getInteger("code"));
      }
      assertThat(codes.subList(0, 3)).containsOnly(4100);
      assertError(last, 4420, 10250, "RequestLimitExceeded.IPLimitExceeded");
    }
  }

  @Test
  void unexpectedFailure_is6000_10050_withoutInternalDetail() {
    String url = TestPostgres.freshDatabase();
    try (TestServer s = TestServer.start(TestServer.env(url, TestServer.tempDir()))) {
      V2Client c = s.bootstrapClient();
      String id = Keys.create(c, "internal");
      TestPostgres.execute(url, "ALTER TABLE cmks RENAME TO cmks_moved");
      ch.qos.logback.classic.Logger root =
          (ch.qos.logback.classic.Logger)
              org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
          new ch.qos.logback.core.read.ListAppender<>();
      logs.start();
      root.addAppender(logs);
      JsonObject r;
      try {
        r = c.call("GetKeyAttributes", "keyId", id);
      } finally {
        root.detachAppender(logs);
      }
      assertError(r, 6000, 10050, "InternalError");
      assertThat(r.getString("message")).isEqualTo("(10050) server internal error");
      // The operator gets one line with the request id and what failed; the client gets neither.
      assertThat(logs.list)
          .anySatisfy(
              e -> {
                assertThat(e.getFormattedMessage())
                    .contains(r.getString("requestId"))
                    .contains("SQL state 42P01");
                assertThat(e.getKeyValuePairs())
                    .anySatisfy(kv -> assertThat(kv.value).isEqualTo(r.getString("requestId")));
              });
      TestPostgres.execute(url, "ALTER TABLE cmks_moved RENAME TO cmks");
      assertThat(c.call("GetKeyAttributes", "keyId", id).getInteger("code")).isZero();
    }
  }
}
