package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every API 2.0 action's success path, through real HTTP against a real Postgres. */
class V2ApiIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V2Client client;

  @BeforeAll
  static void client() {
    client = server.bootstrapClient();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static void assertOk(JsonObject r) {
    assertThat(r.getInteger("code")).as(r.encode()).isZero();
    assertThat(r.getString("message")).isEmpty();
    assertThat(r.getString("requestId")).isNotBlank();
  }

  @Test
  void createKey_returnsMetadataOfAnEnabledKey() {
    JsonObject r =
        client.call(
            "CreateKey",
            "alias",
            "create-1",
            "description",
            "orders",
            "keyUsage",
            "ENCRYPT/DECRYPT",
            "type",
            "1");
    assertOk(r);
    JsonObject md = r.getJsonObject("keyMetadata");
    assertThat(md.getString("keyId"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(md.getString("alias")).isEqualTo("create-1");
    assertThat(md.getString("description")).isEqualTo("orders");
    assertThat(md.getString("keyState")).isEqualTo("Enabled");
    assertThat(md.getString("keyUsage")).isEqualTo("ENCRYPT/DECRYPT");
    assertThat(md.getInteger("type")).isEqualTo(1);
    assertThat(md.getLong("createTime"))
        .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
  }

  @Test
  void createKey_withoutAlias_isAllowed() {
    JsonObject r = client.call("CreateKey");
    assertOk(r);
    assertThat(r.getJsonObject("keyMetadata").getString("alias")).isEmpty();
  }

  @Test
  void getKeyAttributes_returnsWhatCreateKeyStored() {
    String id = Keys.create(client, "get-1");
    JsonObject r = client.call("GetKeyAttributes", "keyId", id);
    assertOk(r);
    assertThat(r.getJsonObject("keyMetadata").getString("keyId")).isEqualTo(id);
    assertThat(r.getJsonObject("keyMetadata").getString("alias")).isEqualTo("get-1");
  }

  @Test
  void setKeyAttributes_changesTheAlias() {
    String id = Keys.create(client, "set-1");
    assertOk(client.call("SetKeyAttributes", "keyId", id, "alias", "set-1-renamed"));
    assertThat(
            client
                .call("GetKeyAttributes", "keyId", id)
                .getJsonObject("keyMetadata")
                .getString("alias"))
        .isEqualTo("set-1-renamed");
  }

  @Test
  void listKey_pagesThroughAllKeysWithTotalCount() {
    V2Client fresh = server.newAccount("1250000101");
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      created.add(Keys.create(fresh, "list-" + i));
    }
    JsonObject first = fresh.call("ListKey", "offset", "0", "limit", "3");
    assertOk(first);
    assertThat(first.getLong("totalCount")).isEqualTo(5);
    assertThat(first.getJsonArray("keys")).hasSize(3);
    JsonObject second = fresh.call("ListKey", "offset", "3", "limit", "3");
    assertThat(second.getJsonArray("keys")).hasSize(2);
    Set<String> seen = new HashSet<>();
    first.getJsonArray("keys").forEach(k -> seen.add(((JsonObject) k).getString("keyId")));
    second.getJsonArray("keys").forEach(k -> seen.add(((JsonObject) k).getString("keyId")));
    assertThat(seen).isEqualTo(created);
    JsonObject dflt = fresh.call("ListKey");
    assertThat(dflt.getJsonArray("keys")).hasSize(5);
  }

  @Test
  void disableThenEnable_togglesStateAndUsability() {
    String id = Keys.create(client, "toggle-1");
    assertOk(client.call("DisableKey", "keyId", id));
    assertThat(
            client
                .call("GetKeyAttributes", "keyId", id)
                .getJsonObject("keyMetadata")
                .getString("keyState"))
        .isEqualTo("Disabled");
    assertThat(client.call("Encrypt", "keyId", id, "plaintext", b64("x")).getInteger("code"))
        .isEqualTo(4550);
    assertOk(client.call("EnableKey", "keyId", id));
    assertThat(
            client
                .call("GetKeyAttributes", "keyId", id)
                .getJsonObject("keyMetadata")
                .getString("keyState"))
        .isEqualTo("Enabled");
    assertOk(client.call("Encrypt", "keyId", id, "plaintext", b64("x")));
  }

  @Test
  void encryptThenDecrypt_roundTripsWithContext() {
    String id = Keys.create(client, "enc-1");
    String ctx = "{\"purpose\":\"orders\",\"tenant\":\"t1\"}";
    JsonObject enc =
        client.call(
            "Encrypt",
            "keyId",
            id,
            "plaintext",
            b64("database password"),
            "encryptionContext",
            ctx);
    assertOk(enc);
    assertThat(enc.getString("keyId")).isEqualTo(id);
    String blob = enc.getString("ciphertextBlob");
    assertThat(Base64.getDecoder().decode(blob)).hasSize(65 + "database password".length());
    JsonObject dec =
        client.call(
            "Decrypt",
            "ciphertextBlob",
            blob,
            "encryptionContext",
            "{\"tenant\":\"t1\",\"purpose\":\"orders\"}");
    assertOk(dec);
    assertThat(dec.getString("keyId")).isEqualTo(id);
    assertThat(
            new String(
                Base64.getDecoder().decode(dec.getString("plaintext")), StandardCharsets.UTF_8))
        .isEqualTo("database password");
  }

  @Test
  void encrypt_twice_givesDifferentBlobs() {
    String id = Keys.create(client, "enc-2");
    String a =
        client.call("Encrypt", "keyId", id, "plaintext", b64("same")).getString("ciphertextBlob");
    String b =
        client.call("Encrypt", "keyId", id, "plaintext", b64("same")).getString("ciphertextBlob");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void encrypt_acceptsTheLargestPlaintext() {
    String id = Keys.create(client, "enc-4096");
    byte[] pt = new byte[4096];
    java.util.Arrays.fill(pt, (byte) 7);
    JsonObject enc =
        client.call("Encrypt", "keyId", id, "plaintext", Base64.getEncoder().encodeToString(pt));
    assertOk(enc);
    JsonObject dec = client.call("Decrypt", "ciphertextBlob", enc.getString("ciphertextBlob"));
    assertThat(Base64.getDecoder().decode(dec.getString("plaintext"))).isEqualTo(pt);
  }

  @Test
  void generateDataKey_bySpecAndByLength() {
    String id = Keys.create(client, "gdk-1");
    JsonObject aes256 = client.call("GenerateDataKey", "keyId", id, "keySpec", "AES_256");
    assertOk(aes256);
    assertThat(Base64.getDecoder().decode(aes256.getString("plaintext"))).hasSize(32);
    JsonObject aes128 = client.call("GenerateDataKey", "keyId", id, "keySpec", "AES_128");
    assertThat(Base64.getDecoder().decode(aes128.getString("plaintext"))).hasSize(16);
    // The v2 Java SDK sends both; numberOfBytes > 0 wins.
    JsonObject both =
        client.call("GenerateDataKey", "keyId", id, "keySpec", "AES_128", "numberOfBytes", "1024");
    assertThat(Base64.getDecoder().decode(both.getString("plaintext"))).hasSize(1024);
    JsonObject zero =
        client.call("GenerateDataKey", "keyId", id, "keySpec", "AES_256", "numberOfBytes", "0");
    assertThat(Base64.getDecoder().decode(zero.getString("plaintext"))).hasSize(32);
    // The data key's blob decrypts to the same data key.
    JsonObject dec = client.call("Decrypt", "ciphertextBlob", aes256.getString("ciphertextBlob"));
    assertThat(dec.getString("plaintext")).isEqualTo(aes256.getString("plaintext"));
  }

  @Test
  void generateDataKey_withContext_needsTheSameContextToDecrypt() {
    String id = Keys.create(client, "gdk-ctx");
    JsonObject dk =
        client.call(
            "GenerateDataKey",
            "keyId",
            id,
            "keySpec",
            "AES_256",
            "encryptionContext",
            "{\"k\":\"v\"}");
    assertOk(dk);
    assertThat(
            client
                .call("Decrypt", "ciphertextBlob", dk.getString("ciphertextBlob"))
                .getInteger("code"))
        .isEqualTo(4580);
    assertThat(
            client
                .call(
                    "Decrypt",
                    "ciphertextBlob",
                    dk.getString("ciphertextBlob"),
                    "encryptionContext",
                    "{\"k\":\"v\"}")
                .getString("plaintext"))
        .isEqualTo(dk.getString("plaintext"));
  }

  @Test
  void get_multipart_sha1_andRegionHost_allWork() {
    String id = Keys.create(client, "transport-1");
    assertOk(client.request("GetKeyAttributes").param("keyId", id).get().send());
    assertOk(client.request("GetKeyAttributes").param("keyId", id).multipart().send());
    assertOk(client.request("GetKeyAttributes").param("keyId", id).sha1().send());
    // The region in the Host wins over the Region parameter; gz is ap-guangzhou.
    assertOk(
        client
            .request("GetKeyAttributes")
            .param("keyId", id)
            .param("Region", "bj")
            .host("kms-gz.api.qcloud.com")
            .send());
    // The same key is not visible in another region.
    assertThat(
            client
                .request("GetKeyAttributes")
                .param("keyId", id)
                .param("Region", "sh")
                .send()
                .getInteger("code"))
        .isEqualTo(4530);
    assertThat(
            client
                .request("GetKeyAttributes")
                .param("keyId", id)
                .param("Region", "ap-guangzhou")
                .send()
                .getInteger("code"))
        .isZero();
  }

  @Test
  void healthAndReadiness_answer200() {
    RawHttp.Response h = RawHttp.send(server.port(), "GET /healthz HTTP/1.1\r\nHost: x", null);
    assertThat(h.status()).isEqualTo(200);
    RawHttp.Response r = RawHttp.send(server.port(), "GET /readyz HTTP/1.1\r\nHost: x", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(new JsonObject(r.text()).getString("database")).isEqualTo("up");
  }
}
