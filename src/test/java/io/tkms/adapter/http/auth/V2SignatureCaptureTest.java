package io.tkms.adapter.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.http.auth.V2Signature.Algorithm;
import io.tkms.adapter.http.wire.FormDecoder;
import io.tkms.adapter.http.wire.MultipartDecoder;
import io.tkms.adapter.http.wire.Params;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Legacy-signed requests captured from the official Java SDK (src/test/resources/sdk-captures,
 * SecretKey {@code EXAMPLESECRETKEY}) must verify exactly as received, and stop verifying after any
 * single change of the signed material.
 */
class V2SignatureCaptureTest {
  private static final byte[] SECRET = "EXAMPLESECRETKEY".getBytes(StandardCharsets.UTF_8);

  /** One captured request, decoded the way the server will. */
  private record Captured(String method, String host, String path, Map<String, String> params) {
    String stringToSign() {
      return V2Signature.stringToSign(method, host, path, params);
    }

    boolean verifies() {
      return V2Signature.verify(
          Algorithm.of(params.get("SignatureMethod")),
          SECRET,
          stringToSign(),
          params.get("Signature"));
    }

    Captured withParam(String name, String value) {
      Map<String, String> p = new HashMap<>(params);
      p.put(name, value);
      return new Captured(method, host, path, p);
    }
  }

  private static Captured load(String id) {
    JsonObject json;
    try (InputStream in =
        V2SignatureCaptureTest.class.getResourceAsStream("/sdk-captures/" + id + ".json")) {
      json = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String host = null;
    for (Object h : json.getJsonArray("headers")) {
      JsonArray header = (JsonArray) h;
      if (header.getString(0).equalsIgnoreCase("Host")) {
        host = header.getString(1);
      }
    }
    String method = json.getString("method");
    String rawPath = json.getString("path");
    int q = rawPath.indexOf('?');
    FormDecoder decoder = new FormDecoder();
    Map<String, String> params =
        method.equals("GET")
            ? Params.toMap(decoder.decode(rawPath.substring(q + 1)))
            : Params.toMap(decoder.decode(json.getString("body").getBytes(StandardCharsets.UTF_8)));
    return new Captured(method, host, q < 0 ? rawPath : rawPath.substring(0, q), params);
  }

  @ParameterizedTest
  @ValueSource(strings = {"03", "04", "08", "14"})
  void verify_capturedLegacyRequest_succeeds(String id) {
    Captured c = load(id);
    assertThat(c.host()).isEqualTo("127.0.0.1:18080");
    assertThat(c.path()).isEqualTo("/");
    assertThat(c.verifies()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"03", "04", "08", "14"})
  void verify_capturedRequestWithAnyValueChangedByOneChar_fails(String id) {
    Captured c = load(id);
    for (Map.Entry<String, String> e : c.params().entrySet()) {
      if (e.getKey().equals("Signature")) {
        continue;
      }
      String v = e.getValue();
      for (int i = 0; i < v.length(); i++) {
        char[] chars = v.toCharArray();
        chars[i] = chars[i] == 'x' ? 'y' : 'x';
        String changed = new String(chars);
        // Changing SignatureMethod also switches the algorithm: still must not verify.
        assertThat(c.withParam(e.getKey(), changed).verifies())
            .as("%s[%d]", e.getKey(), i)
            .isFalse();
      }
      assertThat(c.withParam(e.getKey(), v + "x").verifies())
          .as("%s appended", e.getKey())
          .isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"03", "04", "08", "14"})
  void verify_capturedRequestWithOtherHostMethodPathOrParams_fails(String id) {
    Captured c = load(id);
    String otherMethod = c.method().equals("GET") ? "POST" : "GET";
    assertThat(new Captured(otherMethod, c.host(), c.path(), c.params()).verifies()).isFalse();
    assertThat(new Captured(c.method(), "127.0.0.1:18081", c.path(), c.params()).verifies())
        .isFalse();
    assertThat(new Captured(c.method(), "127.0.0.1", c.path(), c.params()).verifies()).isFalse();
    assertThat(new Captured(c.method(), c.host(), "/v2/index.php", c.params()).verifies())
        .isFalse();
    assertThat(c.withParam("Extra", "1").verifies()).isFalse();
    Map<String, String> fewer = new HashMap<>(c.params());
    fewer.remove("Nonce");
    assertThat(new Captured(c.method(), c.host(), c.path(), fewer).verifies()).isFalse();
  }

  @Test
  void verify_qcloudJavaSdkMultipartPost_succeeds() {
    // Body shaped like com.qcloud's Request.sendRequest output; signature from
    // printf '%s' "$sts" | openssl dgst -sha256 -hmac EXAMPLESECRETKEY -binary | base64
    String b = "---------------------------0c4a1e8d2b3f5a7";
    String[][] fields = {
      {"Action", "Encrypt"},
      {"Nonce", "1234567"},
      {"Region", "gz"},
      {"RequestClient", "SDK_JAVA_2.0.5"},
      {"SecretId", "AKIDEXAMPLEID"},
      {"Signature", "iw/Tn71674m31fOkdTCK8hGEEXpfVS9Y/LM7GbN1SX4="},
      {"SignatureMethod", "HmacSHA256"},
      {"Timestamp", "1700000000"},
      {"keyId", "kms-abc"},
      {"plaintext", "aGVsbG8gd29ybGQ="}
    };
    StringBuilder body = new StringBuilder();
    for (String[] f : fields) {
      body.append("\r\n--")
          .append(b)
          .append("\r\nContent-Disposition: form-data; name=\"")
          .append(f[0])
          .append("\"\r\n\r\n")
          .append(f[1]);
    }
    body.append("\r\n--").append(b).append("--\r\n");
    Map<String, String> params =
        Params.toMap(
            MultipartDecoder.decode(
                body.toString().getBytes(StandardCharsets.UTF_8),
                "multipart/form-data; boundary=" + b,
                256));
    Captured c = new Captured("POST", "kms-gz.api.qcloud.com", "/v2/index.php", params);
    assertThat(c.verifies()).isTrue();
    assertThat(c.withParam("plaintext", "aGVsbG8gd29ybGQ").verifies()).isFalse();
  }
}
