package io.tkms.it;

import static io.tkms.it.V3Client.code;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * API 3.0: what runs is what the TC3 signature covers. A signed request cannot be made to carry
 * unsigned parameters (a POST's query), be relabelled (an unsigned Content-Type), leave its body
 * unsigned (UNSIGNED-PAYLOAD, refused unless the operator allows it: {@link
 * UnsignedPayloadAllowedIT}), or be read two ways (a JSON member named twice).
 */
class SignedRequestIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V3Client client;
  static String keyId;

  @BeforeAll
  static void createKey() {
    client = server.bootstrapV3Client();
    keyId = Keys.create(client, "signed-request");
  }

  static JsonObject encrypt(String plaintext) {
    return new JsonObject().put("KeyId", keyId).put("Plaintext", b64(plaintext));
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String message(JsonObject r) {
    return r.getJsonObject("Error").getString("Message");
  }

  @Test
  void aPostWithAQueryString_isRefused_whetherTheBodyIsJsonOrAForm() {
    JsonObject json =
        client.request("Encrypt").query("KeyId=" + keyId).body(encrypt("json")).send();
    assertThat(code(json)).as(json.encode()).isEqualTo("AuthFailure.SignatureFailure");
    assertThat(message(json)).contains("query string of a POST is not signed");

    // Today's form request signs its body; the query would add Plaintext unsigned.
    String form = "KeyId=" + URLEncoder.encode(keyId, StandardCharsets.UTF_8);
    JsonObject merged =
        client
            .request("Encrypt")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .rawBody(form)
            .query("Plaintext=" + URLEncoder.encode(b64("unsigned"), StandardCharsets.UTF_8))
            .send();
    assertThat(code(merged)).as(merged.encode()).isEqualTo("AuthFailure.SignatureFailure");
  }

  @Test
  void aGetSignsItsQuery_andStillWorks() {
    JsonObject r = client.request("ListKeys").get("Limit=1").send();
    assertThat(code(r)).as(r.encode()).isNull();
  }

  @Test
  void contentTypeAndHost_mustBothBeSigned() {
    JsonObject noType = client.request("ListKeys").signedHeaders("host").send();
    assertThat(code(noType)).isEqualTo("AuthFailure.InvalidAuthorization");
    assertThat(message(noType)).contains("content-type");
    JsonObject noHost = client.request("ListKeys").signedHeaders("content-type").send();
    assertThat(code(noHost)).isEqualTo("AuthFailure.InvalidAuthorization");
    assertThat(message(noHost)).contains("host");
    JsonObject more =
        client.request("ListKeys").signedHeaders("content-type", "host", "x-tc-action").send();
    assertThat(code(more)).as(more.encode()).isNull();
  }

  @Test
  void anUnsignedPayload_isRefusedByDefault() {
    JsonObject r =
        client.request("Encrypt").unsignedPayload().body(encrypt("unsigned body")).send();
    assertThat(code(r)).as(r.encode()).isEqualTo("AuthFailure.SignatureFailure");
    assertThat(message(r)).contains("UNSIGNED-PAYLOAD");
  }

  @Test
  void aJsonMemberNamedTwice_isRefused() {
    String body =
        "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + b64("a") + "\",\"KeyId\":\"other\"}";
    JsonObject r = client.request("Encrypt").rawBody(body).send();
    assertThat(code(r)).as(r.encode()).isEqualTo("InvalidParameter");
    assertThat(message(r)).contains("KeyId").contains("more than once");
  }

  @Test
  void anIntegerBeyondItsField_isRefused_notTruncated() {
    // 2^64 + 7: truncated to 64 bits it would read as 7.
    JsonObject r = client.request("ListKeys").rawBody("{\"Limit\":18446744073709551623}").send();
    assertThat(code(r)).as(r.encode()).isEqualTo("InvalidParameterValue");
    JsonObject asFloat =
        client.request("ListKeys").rawBody("{\"Limit\":1.8446744073709552E19}").send();
    assertThat(code(asFloat)).as(asFloat.encode()).isEqualTo("InvalidParameterValue");
  }

  @Test
  void aJsonBody_holdsNoMoreItemsThanAFormHoldsParameters() {
    StringBuilder ctx = new StringBuilder("{");
    for (int i = 0; i < 300; i++) {
      ctx.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    String body =
        "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + b64("a") + "\",\"Nested\":" + ctx + "}}";
    JsonObject r = client.request("Encrypt").rawBody(body).send();
    assertThat(code(r)).as(r.encode()).isEqualTo("InvalidParameter");
    assertThat(message(r)).contains("too many parameters");
  }

  @Test
  void aParameterTheActionDoesNotDefine_isUnknown() {
    // A body signed for ScheduleKeyDeletion, sent as DescribeKey (unsigned X-TC-Action).
    JsonObject r =
        client.call(
            "DescribeKey", new JsonObject().put("KeyId", keyId).put("PendingWindowInDays", 7));
    assertThat(code(r)).as(r.encode()).isEqualTo("UnknownParameter");
    assertThat(message(r)).contains("DescribeKey").contains("PendingWindowInDays");
    JsonObject get = client.request("ListKeys").get("Limit=1&Bogus=2").send();
    assertThat(code(get)).as(get.encode()).isEqualTo("UnknownParameter");
  }

  @Test
  void tencentsOwnParametersThatAreNotBuilt_andCommonParameters_areAccepted() {
    JsonObject ignored =
        client.call(
            "ListKeys",
            new JsonObject().put("Limit", 1).put("HsmClusterId", "").put("Region", "ap-guangzhou"));
    assertThat(code(ignored)).as(ignored.encode()).isNull();
    JsonObject gdk =
        client.call(
            "GenerateDataKey",
            new JsonObject()
                .put("KeyId", keyId)
                .put("KeySpec", "AES_256")
                .put("DataKeyName", "n")
                .put("EncryptionAlgorithm", "SM2"));
    assertThat(code(gdk)).as(gdk.encode()).isNull();
  }
}
