package io.tkms.it;

import static io.tkms.it.V2ApiIT.b64;
import static io.tkms.it.V2ErrorsIT.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Account B can neither see, use, change nor decrypt with account A's keys. */
class TenantIsolationIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V2Client alice;
  static V2Client bob;
  static String aliceKey;
  static String aliceBlob;

  @BeforeAll
  static void accounts() {
    alice = server.newAccount("1250000401");
    bob = server.newAccount("1250000402");
    aliceKey = Keys.create(alice, "shared-name");
    aliceBlob =
        alice
            .call("Encrypt", "keyId", aliceKey, "plaintext", b64("alice's secret"))
            .getString("ciphertextBlob");
  }

  @Test
  void otherAccount_cannotSeeTheKey() {
    assertError(
        bob.call("GetKeyAttributes", "keyId", aliceKey),
        4530,
        10630,
        "ResourceUnavailable.CmkNotFound");
    JsonObject list = bob.call("ListKey", "limit", "200");
    assertThat(list.getInteger("code")).isZero();
    assertThat(list.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("keyId")))
        .doesNotContain(aliceKey);
    assertThat(list.getLong("totalCount")).isEqualTo(list.getJsonArray("keys").size());
  }

  @Test
  void otherAccount_cannotUseOrChangeTheKey() {
    assertError(
        bob.call("Encrypt", "keyId", aliceKey, "plaintext", b64("x")),
        4530,
        10630,
        "ResourceUnavailable.CmkNotFound");
    assertError(
        bob.call("GenerateDataKey", "keyId", aliceKey, "keySpec", "AES_256"),
        4530,
        10630,
        "ResourceUnavailable.CmkNotFound");
    assertError(
        bob.call("DisableKey", "keyId", aliceKey), 4530, 10630, "ResourceUnavailable.CmkNotFound");
    assertError(
        bob.call("EnableKey", "keyId", aliceKey), 4530, 10630, "ResourceUnavailable.CmkNotFound");
    assertError(
        bob.call("SetKeyAttributes", "keyId", aliceKey, "alias", "stolen"),
        4530,
        10630,
        "ResourceUnavailable.CmkNotFound");
    JsonObject md = alice.call("GetKeyAttributes", "keyId", aliceKey).getJsonObject("keyMetadata");
    assertThat(md.getString("keyState")).isEqualTo("Enabled");
    assertThat(md.getString("alias")).isEqualTo("shared-name");
  }

  @Test
  void otherAccount_cannotDecryptTheBlob() {
    assertError(
        bob.call("Decrypt", "ciphertextBlob", aliceBlob),
        4580,
        10680,
        "InvalidParameterValue.InvalidCiphertext");
    assertThat(alice.call("Decrypt", "ciphertextBlob", aliceBlob).getInteger("code")).isZero();
  }

  @Test
  void aliasesAreScopedPerAccount() {
    assertThat(bob.call("CreateKey", "alias", "shared-name").getInteger("code")).isZero();
  }

  @Test
  void subPrincipal_actsForItsOwnAccountOnly() {
    server.admin(
        "POST",
        "/admin/v1/accounts/1250000401/principals",
        new JsonObject().put("uin", "1250000499").put("type", "sub"));
    JsonObject cred =
        server.admin("POST", "/admin/v1/principals/1250000499/credentials", new JsonObject());
    V2Client sub =
        new V2Client(server.port(), cred.getString("secretId"), cred.getString("secretKey"));
    JsonObject dec = sub.call("Decrypt", "ciphertextBlob", aliceBlob);
    assertThat(dec.getInteger("code")).as(dec.encode()).isZero();
    String bobKey = Keys.create(bob, "bobs");
    assertError(
        sub.call("Encrypt", "keyId", bobKey, "plaintext", b64("x")),
        4530,
        10630,
        "ResourceUnavailable.CmkNotFound");
  }
}
