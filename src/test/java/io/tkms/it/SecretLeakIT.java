package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.tkms.adapter.audit.LogAuditSink;
import io.tkms.config.ConfigLoader;
import io.tkms.config.SecretRef;
import io.tkms.domain.SecretBytes;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs a whole scenario (start-up, management calls, all crypto actions, and their error paths)
 * while capturing every log line and every audit line, then checks that none of them holds a
 * secret, a plaintext, a data key or a ciphertext blob in any usual spelling.
 */
class SecretLeakIT {
  static final String PHRASE = "correct horse battery staple 42";
  static final String PG_PASSWORD = "pg-password-never-logged-7f3a9c";

  /** Label → needle; a line containing any needle is a leak. */
  private final Map<String, String> needles = new LinkedHashMap<>();

  /** Every v2 request sent; each must be audited exactly once. */
  private int v2Requests;

  @Test
  void scenario_neverLogsOrAuditsSecretsPlaintextsDataKeysOrCiphertexts() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger audit = ctx.getLogger(LogAuditSink.LOGGER);
    Logger ours = ctx.getLogger("io.tkms");
    Level rootLevel = root.getLevel();
    Level auditLevel = audit.getLevel();
    Level oursLevel = ours.getLevel();
    ListAppender<ILoggingEvent> logLines = listAppender(ctx);
    ListAppender<ILoggingEvent> auditLines = listAppender(ctx);
    root.addAppender(logLines);
    audit.addAppender(auditLines);
    // Every line any logger emits down to DEBUG (io.netty and io.zonky keep their configured WARN);
    // the audit logger at INFO, as in production.
    root.setLevel(Level.DEBUG);
    ours.setLevel(Level.DEBUG);
    audit.setLevel(Level.INFO);
    try {
      runScenario();
    } finally {
      root.detachAppender(logLines);
      audit.detachAppender(auditLines);
      root.setLevel(rootLevel);
      audit.setLevel(auditLevel);
      ours.setLevel(oursLevel);
      logLines.stop();
      auditLines.stop();
    }

    List<String> logs = render(logLines);
    List<String> audits = render(auditLines);

    // Not vacuous: start-up, shutdown-time and request lines were all captured.
    assertThat(logs).anyMatch(l -> l.contains("tkms listening on"));
    assertThat(logs).anyMatch(l -> l.contains("created root key version"));
    assertThat(audits.stream().filter(l -> !l.contains("\"protocol\":\"admin\"")))
        .as("one audit event per API request (management requests have their own)")
        .hasSize(v2Requests);
    assertThat(audits).anyMatch(l -> l.contains("\"protocol\":\"admin\""));
    List<JsonObject> events = new ArrayList<>();
    for (ILoggingEvent e : snapshot(auditLines)) {
      JsonObject j;
      try {
        j = new JsonObject(e.getFormattedMessage());
      } catch (DecodeException ex) {
        throw new AssertionError("audit line is not JSON: " + e.getFormattedMessage(), ex);
      }
      assertThat(j.fieldNames())
          .as(j.encode())
          .contains("action", "result", "requestId", "secretId");
      events.add(j);
    }
    assertThat(events)
        .anyMatch(
            j -> j.getString("action").equals("Encrypt") && j.getString("result").equals("0"));
    assertThat(events)
        .anyMatch(
            j ->
                j.getString("action").equals("GenerateDataKey")
                    && j.getString("result").equals("0"));
    assertThat(events)
        .anyMatch(
            j ->
                j.getString("action").equals("Decrypt")
                    && j.getString("result").equals("InvalidParameterValue.InvalidCiphertext"));
    assertThat(events).anyMatch(j -> j.getString("result").equals("AuthFailure.SignatureFailure"));
    assertThat(events)
        .anyMatch(j -> j.getString("result").equals("ResourceUnavailable.CmkDisabled"));
    assertThat(events)
        .anyMatch(j -> j.getString("result").equals("ResourceUnavailable.CmkNotFound"));
    assertThat(events)
        .anyMatch(j -> j.getString("result").equals("InvalidParameterValue.InvalidPlaintext"));

    assertThat(needles).hasSizeGreaterThan(50);
    List<String> all = new ArrayList<>(logs);
    all.addAll(audits);
    for (String line : all) {
      for (Map.Entry<String, String> n : needles.entrySet()) {
        assertThat(line).as("a captured line holds %s", n.getKey()).doesNotContain(n.getValue());
      }
    }
  }

  private void runScenario() {
    try (TestServer server = TestServer.startFresh()) {
      secret("bootstrap SecretKey", TestServer.SECRET_KEY);
      secret("admin token", TestServer.ADMIN_TOKEN);
      secret("unseal key", TestServer.UNSEAL_KEY);
      secret("unseal key bytes", Base64.getDecoder().decode(TestServer.UNSEAL_KEY));
      secret("plaintext phrase", PHRASE);
      SecureRandom random = new SecureRandom();
      byte[] random32 = new byte[32];
      random.nextBytes(random32);
      secret("random plaintext", random32);
      byte[] tooLong = new byte[4097];
      random.nextBytes(tooLong);
      secret("4097-byte plaintext", tooLong);

      // A credential issued through the management API, for a second account.
      String appId = "1250000301";
      assertThat(
              server
                  .adminResponse(
                      "POST",
                      "/admin/v1/accounts",
                      new JsonObject().put("appId", appId).put("uin", appId),
                      TestServer.ADMIN_TOKEN)
                  .status())
          .isEqualTo(201);
      JsonObject cred =
          server.admin("POST", "/admin/v1/principals/" + appId + "/credentials", new JsonObject());
      String issuedKey = cred.getString("secretKey");
      assertThat(issuedKey).hasSizeGreaterThanOrEqualTo(16);
      secret("issued SecretKey", issuedKey);
      assertThat(
              server
                  .adminResponse(
                      "GET", "/admin/v1/accounts", null, TestServer.ADMIN_TOKEN + "-wrong")
                  .status())
          .isEqualTo(401);
      assertThat(
              server
                  .adminResponse(
                      "POST",
                      "/admin/v1/principals/99999/credentials",
                      new JsonObject(),
                      TestServer.ADMIN_TOKEN)
                  .status())
          .isEqualTo(404);
      assertThat(
              server
                  .adminResponse("GET", "/admin/v1/accounts/" + appId, null, TestServer.ADMIN_TOKEN)
                  .status())
          .isEqualTo(200);

      V2Client owner = server.bootstrapClient();
      V2Client issued = new V2Client(server.port(), cred.getString("secretId"), issuedKey);

      // Success paths, over each transport.
      String key =
          ok(call(owner.request("CreateKey").param("alias", "leak-1")))
              .getJsonObject("keyMetadata")
              .getString("keyId");
      String ctx = "{\"purpose\":\"leak-test\"}";
      String phraseB64 = b64(PHRASE.getBytes(StandardCharsets.UTF_8));
      String blob1 =
          ok(call(
                  owner
                      .request("Encrypt")
                      .param("keyId", key)
                      .param("plaintext", phraseB64)
                      .param("encryptionContext", ctx)))
              .getString("ciphertextBlob");
      ciphertext("phrase blob", blob1);
      assertThat(
              ok(call(
                      owner
                          .request("Decrypt")
                          .param("ciphertextBlob", blob1)
                          .param("encryptionContext", ctx)))
                  .getString("plaintext"))
          .isEqualTo(phraseB64);
      ciphertext(
          "phrase blob (GET)",
          ok(call(owner.request("Encrypt").param("keyId", key).param("plaintext", phraseB64).get()))
              .getString("ciphertextBlob"));
      ciphertext(
          "phrase blob (multipart)",
          ok(call(
                  owner
                      .request("Encrypt")
                      .param("keyId", key)
                      .param("plaintext", phraseB64)
                      .multipart()))
              .getString("ciphertextBlob"));

      String issuedKeyId =
          ok(call(issued.request("CreateKey").param("alias", "leak-2")))
              .getJsonObject("keyMetadata")
              .getString("keyId");
      String blob2 =
          ok(call(
                  issued
                      .request("Encrypt")
                      .param("keyId", issuedKeyId)
                      .param("plaintext", b64(random32))))
              .getString("ciphertextBlob");
      ciphertext("random blob", blob2);
      assertThat(
              ok(call(issued.request("Decrypt").param("ciphertextBlob", blob2).sha1()))
                  .getString("plaintext"))
          .isEqualTo(b64(random32));

      JsonObject dk =
          ok(
              call(
                  owner
                      .request("GenerateDataKey")
                      .param("keyId", key)
                      .param("keySpec", "AES_256")));
      secret("data key", Base64.getDecoder().decode(dk.getString("plaintext")));
      ciphertext("data key blob", dk.getString("ciphertextBlob"));
      assertThat(
              ok(call(
                      owner
                          .request("Decrypt")
                          .param("ciphertextBlob", dk.getString("ciphertextBlob"))))
                  .getString("plaintext"))
          .isEqualTo(dk.getString("plaintext"));

      // Error paths.
      assertCode(
          call(
              owner
                  .request("Encrypt")
                  .param("keyId", key)
                  .param("plaintext", phraseB64)
                  .signWith("not-the-secret-key")),
          4100);
      assertCode(
          call(
              issued
                  .request("Decrypt")
                  .param("ciphertextBlob", blob2)
                  .signWith(TestServer.SECRET_KEY)),
          4100);
      assertCode(
          call(
              owner
                  .request("Decrypt")
                  .param("ciphertextBlob", blob1)
                  .param("encryptionContext", "{\"purpose\":\"other\"}")),
          4580);
      assertCode(
          call(
              owner
                  .request("Encrypt")
                  .param("keyId", UUID.randomUUID().toString())
                  .param("plaintext", phraseB64)),
          4530);
      String disabled =
          ok(call(owner.request("CreateKey").param("alias", "leak-disabled")))
              .getJsonObject("keyMetadata")
              .getString("keyId");
      ok(call(owner.request("DisableKey").param("keyId", disabled)));
      assertCode(
          call(owner.request("Encrypt").param("keyId", disabled).param("plaintext", phraseB64)),
          4550);
      byte[] tampered = Base64.getDecoder().decode(blob1);
      tampered[tampered.length - 20] ^= 0x01;
      ciphertext("tampered blob", b64(tampered));
      assertCode(
          call(
              owner
                  .request("Decrypt")
                  .param("ciphertextBlob", b64(tampered))
                  .param("encryptionContext", ctx)),
          4580);
      assertCode(
          call(owner.request("Encrypt").param("keyId", key).param("plaintext", b64(tooLong))),
          4000);
      assertCode(
          call(issued.request("Decrypt").param("ciphertextBlob", blob1)),
          4580); // another account's blob
      // Broken requests that carry a plaintext or a secret in the unparsed body.
      v2Requests++;
      RawHttp.Response broken =
          RawHttp.send(
              server.port(),
              "POST /v2/index.php HTTP/1.1\r\nHost: 127.0.0.1:"
                  + server.port()
                  + "\r\nContent-Type: application/x-www-form-urlencoded",
              ("Action=Encrypt&plaintext=" + phraseB64 + "&x=%G1&k=" + TestServer.SECRET_KEY)
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(new JsonObject(broken.text()).getString("message")).startsWith("(10420)");
      v2Requests++;
      RawHttp.Response json =
          RawHttp.send(
              server.port(),
              "POST /v2/index.php HTTP/1.1\r\nHost: 127.0.0.1:"
                  + server.port()
                  + "\r\nContent-Type: application/json",
              ("{\"plaintext\":\"" + phraseB64 + "\",\"SecretKey\":\"" + issuedKey + "\"}")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(new JsonObject(json.text()).getString("message")).startsWith("(10420)");
      // A secret sent as the Action name: action names are echoed only when they look like names.
      assertCode(call(owner.request(TestServer.SECRET_KEY + "!")), 4000);

      // Bring your own key: the ImportToken, the material and its wrapping are never written.
      V3Client v3 = server.bootstrapV3Client();
      v2Requests++;
      String external =
          v3.call("CreateKey", new JsonObject().put("Alias", "leak-byok").put("Type", 2))
              .getString("KeyId");
      v2Requests++;
      JsonObject p =
          v3.call(
              "GetParametersForImport",
              new JsonObject()
                  .put("KeyId", external)
                  .put("WrappingAlgorithm", "RSAES_PKCS1_V1_5")
                  .put("WrappingKeySpec", "RSA_2048"));
      secret("ImportToken", p.getString("ImportToken"));
      byte[] material = new byte[32];
      random.nextBytes(material);
      secret("imported material", material);
      String wrapped;
      try {
        wrapped = ImportIT.wrapInJava(p.getString("PublicKey"), "RSAES_PKCS1_V1_5", material);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      ciphertext("EncryptedKeyMaterial", wrapped);
      JsonObject importing =
          new JsonObject()
              .put("KeyId", external)
              .put("ImportToken", p.getString("ImportToken"))
              .put("EncryptedKeyMaterial", wrapped);
      v2Requests++;
      assertThat(V3Client.code(v3.call("ImportKeyMaterial", importing))).isNull();
      v2Requests++;
      assertThat(
              V3Client.code(
                  v3.call(
                      "ImportKeyMaterial",
                      importing
                          .copy()
                          .put("EncryptedKeyMaterial", b64(tooLong).substring(0, 344)))))
          .isEqualTo("InvalidParameter.DecryptMaterialError");
    }
  }

  @Test
  void toString_ofSecretHoldersAndConfig_neverShowsTheSecrets() throws IOException {
    byte[] unsealBytes = Base64.getDecoder().decode(TestServer.UNSEAL_KEY);
    secret("bootstrap SecretKey", TestServer.SECRET_KEY);
    secret("admin token", TestServer.ADMIN_TOKEN);
    secret("unseal key", TestServer.UNSEAL_KEY);
    secret("unseal key bytes", unsealBytes);
    secret("pg password", PG_PASSWORD);

    List<String> shown = new ArrayList<>();
    SecretBytes sb = SecretBytes.copyOf(unsealBytes);
    shown.add(sb.toString());
    assertThat(sb.toString()).contains("redacted");
    shown.add(
        SecretBytes.copyOf(TestServer.SECRET_KEY.getBytes(StandardCharsets.UTF_8)).toString());
    shown.add(SecretRef.inline(TestServer.SECRET_KEY).toString());
    assertThat(SecretRef.inline(TestServer.ADMIN_TOKEN).toString())
        .isEqualTo("SecretRef[inline, redacted]");
    shown.add(SecretRef.inline(TestServer.ADMIN_TOKEN).toString());

    // Inline secrets, as the test server is configured.
    Map<String, String> env =
        TestServer.env("postgresql://kms@127.0.0.1:5432/kms", TestServer.tempDir());
    env.put("KMS_PG_PASSWORD", PG_PASSWORD);
    ConfigLoader.Loaded inline = ConfigLoader.load(env, Path.of("conf", "kms.yaml"));
    assertThat(inline.config().toString())
        .contains(TestServer.SECRET_ID)
        .contains("SecretRef[inline, redacted]");
    assertThat(inline.config().admin().token().read())
        .isEqualTo(TestServer.ADMIN_TOKEN.getBytes(StandardCharsets.UTF_8));
    shown.add(inline.toString());
    shown.add(inline.config().toString());
    shown.add(inline.config().bootstrap().orElseThrow().toString());

    // The same secrets given as files: toString names the file, never its content.
    Path dir = TestServer.tempDir();
    Map<String, String> fileEnv = TestServer.env("postgresql://kms@127.0.0.1:5432/kms", dir);
    for (String var :
        List.of(
            "KMS_ADMIN_TOKEN", "KMS_UNSEAL_KEY", "KMS_BOOTSTRAP_SECRET_KEY", "KMS_PG_PASSWORD")) {
      String value = fileEnv.getOrDefault(var, PG_PASSWORD);
      fileEnv.remove(var);
      Path f = dir.resolve(var.toLowerCase() + ".secret");
      Files.writeString(f, value + "\n");
      fileEnv.put(var + "_FILE", f.toString());
    }
    ConfigLoader.Loaded files = ConfigLoader.load(fileEnv, Path.of("conf", "kms.yaml"));
    assertThat(files.config().toString())
        .contains("SecretRef[file=" + dir.resolve("kms_admin_token.secret"));
    assertThat(files.config().seal().unsealKey().read())
        .isEqualTo(TestServer.UNSEAL_KEY.getBytes(StandardCharsets.UTF_8));
    shown.add(files.toString());
    shown.add(files.config().toString());

    for (String s : shown) {
      for (Map.Entry<String, String> n : needles.entrySet()) {
        assertThat(s).as("toString holds %s", n.getKey()).doesNotContain(n.getValue());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private JsonObject call(V2Client.Req r) {
    v2Requests++;
    return r.send();
  }

  private static JsonObject ok(JsonObject r) {
    assertThat(r.getInteger("code")).as(r.encode()).isZero();
    return r;
  }

  private static void assertCode(JsonObject r, int code) {
    assertThat(r.getInteger("code")).as(r.encode()).isEqualTo(code);
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** A secret given as text: the text itself and every spelling of its UTF-8 bytes. */
  private void secret(String label, String text) {
    needles.put(label, text);
    secret(label + " (UTF-8)", text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Secret bytes: standard and URL-safe Base64 (unpadded, so padded forms match too), hex,
   * form-encoded, array.
   */
  private void secret(String label, byte[] bytes) {
    String std = Base64.getEncoder().withoutPadding().encodeToString(bytes);
    needles.put(label + " as Base64", std);
    needles.put(label + " as form-encoded Base64", URLEncoder.encode(std, StandardCharsets.UTF_8));
    needles.put(
        label + " as URL-safe Base64",
        Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    needles.put(label + " as hex", HexFormat.of().formatHex(bytes));
    needles.put(label + " as HEX", HexFormat.of().withUpperCase().formatHex(bytes));
    needles.put(label + " as byte array", Arrays.toString(bytes));
  }

  /** A ciphertext blob as returned (Base64): it must not be logged or audited either. */
  private void ciphertext(String label, String base64) {
    assertThat(base64).isNotBlank();
    needles.put(label, base64);
    secret(label, Base64.getDecoder().decode(base64));
  }

  private static ListAppender<ILoggingEvent> listAppender(LoggerContext ctx) {
    ListAppender<ILoggingEvent> a = new ListAppender<>();
    a.setContext(ctx);
    a.start();
    return a;
  }

  private static List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> a) {
    synchronized (a) {
      return new ArrayList<>(a.list);
    }
  }

  /**
   * Everything an encoder could write for each event: message, arguments, MDC, key-values,
   * throwable.
   */
  private static List<String> render(ListAppender<ILoggingEvent> a) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : snapshot(a)) {
      StringBuilder sb =
          new StringBuilder()
              .append(e.getLevel())
              .append(' ')
              .append(e.getLoggerName())
              .append(" - ")
              .append(e.getFormattedMessage());
      if (e.getArgumentArray() != null) {
        for (Object arg : e.getArgumentArray()) {
          sb.append(" | ")
              .append(arg instanceof byte[] b ? Arrays.toString(b) : String.valueOf(arg));
        }
      }
      sb.append(" | ").append(e.getMDCPropertyMap());
      if (e.getKeyValuePairs() != null) {
        sb.append(" | ").append(e.getKeyValuePairs());
      }
      if (e.getThrowableProxy() != null) {
        sb.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
      out.add(sb.toString());
    }
    return out;
  }
}
