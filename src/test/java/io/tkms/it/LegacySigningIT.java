package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The legacy form signing, one chain for API 2.0 and API 3.0 on {@code /}: nonces as the official
 * Python SDKs draw them (up to 2^63 - 1, so usually 19 digits) pass on both, and a nonce beyond a
 * long is a client error, never an internal one.
 */
class LegacySigningIT {
  static final String NINETEEN_DIGITS = "9000000000000000001";
  static final String BEYOND_A_LONG = "9999999999999999999";
  @RegisterExtension static final TestServer server = TestServer.perClass();

  static V2Client.Req v2(String action) {
    return server.bootstrapClient().request(action);
  }

  static V2Client.Req legacyV3(String action) {
    return server
        .bootstrapClient()
        .request(action)
        .path("/")
        .param("Version", "2019-01-18")
        .param("Region", "ap-guangzhou");
  }

  @Test
  void api2_acceptsANineteenDigitNonce() {
    JsonObject r = v2("ListKey").param("Nonce", NINETEEN_DIGITS).send();
    assertThat(r.getInteger("code")).as(r.encode()).isZero();
  }

  @Test
  void legacyApi3_acceptsANineteenDigitNonce() {
    JsonObject r =
        legacyV3("ListKeys").param("Nonce", "9000000000000000002").send().getJsonObject("Response");
    assertThat(r.getJsonObject("Error")).as(r.encode()).isNull();
    assertThat(r.getInteger("TotalCount")).isNotNull();
  }

  @Test
  void aNonceBeyondALong_isOutOfRange_onBothProtocols() {
    JsonObject v2 = v2("ListKey").param("Nonce", BEYOND_A_LONG).send();
    assertThat(v2.getInteger("code")).isEqualTo(4000);
    assertThat(v2.getString("codeDesc")).isEqualTo("InvalidParameterValue");
    assertThat(v2.getString("message")).startsWith("(10350) ").contains("Nonce is out of range");
    JsonObject v3 =
        legacyV3("ListKeys").param("Nonce", BEYOND_A_LONG).send().getJsonObject("Response");
    assertThat(v3.getJsonObject("Error").getString("Code")).isEqualTo("InvalidParameterValue");
    assertThat(v3.getJsonObject("Error").getString("Message")).contains("Nonce is out of range");
  }

  @Test
  void legacyApi3_unknownAndUnsupportedActions_answerLikeTencent() {
    JsonObject unsupported = legacyV3("BindCloudResource").send().getJsonObject("Response");
    assertThat(unsupported.getJsonObject("Error").getString("Code"))
        .isEqualTo("UnsupportedOperation");
    JsonObject unknown = legacyV3("NoSuchAction").send().getJsonObject("Response");
    assertThat(unknown.getJsonObject("Error").getString("Code")).isEqualTo("InvalidAction");
    // API 2.0 has no BindCloudResource: an action it does not know.
    JsonObject v2 = v2("BindCloudResource").send();
    assertThat(v2.getString("codeDesc")).isEqualTo("InvalidAction");
    assertThat(v2.getString("message")).isEqualTo("(10280) action is not existed");
  }

  @Test
  void anUnderscoreInAName_runsAsTheDotItIsSignedAs() {
    V2Client c = server.bootstrapClient();
    String a = Keys.create(c, "underscore-a");
    String b = Keys.create(c, "underscore-b");
    // Signed as KeyIds.0 and KeyIds.1: both keys must be disabled, not only the first.
    JsonObject r =
        legacyV3("DisableKeys")
            .param("KeyIds.0", a)
            .param("KeyIds_1", b)
            .send()
            .getJsonObject("Response");
    assertThat(r.getJsonObject("Error")).as(r.encode()).isNull();
    JsonObject described =
        legacyV3("DescribeKeys")
            .param("KeyIds.0", a)
            .param("KeyIds.1", b)
            .send()
            .getJsonObject("Response");
    assertThat(described.getJsonArray("KeyMetadatas")).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(described.getJsonArray("KeyMetadatas").getJsonObject(i).getString("KeyState"))
          .isEqualTo("Disabled");
    }
  }

  @Test
  void twoNamesThatReadTheSame_areRefused_onBothProtocols() {
    JsonObject v3 =
        legacyV3("DescribeKeys")
            .param("KeyIds.0", "a")
            .param("KeyIds_0", "b")
            .send()
            .getJsonObject("Response");
    assertThat(v3.getJsonObject("Error").getString("Code")).isEqualTo("InvalidParameter");
    assertThat(v3.getJsonObject("Error").getString("Message")).contains("more than once");
    JsonObject v2 =
        v2("GetKeyAttributes").param("keyId", "a").param("x_y", "1").param("x.y", "2").send();
    assertThat(v2.getInteger("code")).as(v2.encode()).isEqualTo(4000);
    assertThat(v2.getString("message")).contains("x.y is given more than once");
  }

  @Test
  void unknownParameters_areRefused_onBothProtocols() {
    JsonObject v2 = v2("ListKey").param("bogus", "1").send();
    assertThat(v2.getInteger("code")).as(v2.encode()).isEqualTo(4000);
    assertThat(v2.getString("codeDesc")).isEqualTo("UnknownParameter");
    assertThat(v2.getString("message")).startsWith("(10320) ").contains("bogus");
    JsonObject v3 = legacyV3("ListKeys").param("Bogus", "1").send().getJsonObject("Response");
    assertThat(v3.getJsonObject("Error").getString("Code")).isEqualTo("UnknownParameter");
    // The common parameters of the form signing are not action input.
    JsonObject common =
        legacyV3("ListKeys").param("Language", "en-US").send().getJsonObject("Response");
    assertThat(common.getJsonObject("Error")).as(common.encode()).isNull();
  }
}
