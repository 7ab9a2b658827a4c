package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.kms.v20190118.KmsClient;
import com.tencentcloudapi.kms.v20190118.models.CreateKeyRequest;
import com.tencentcloudapi.kms.v20190118.models.DecryptRequest;
import com.tencentcloudapi.kms.v20190118.models.DescribeKeyRequest;
import com.tencentcloudapi.kms.v20190118.models.EncryptRequest;
import com.tencentcloudapi.kms.v20190118.models.GenerateDataKeyRequest;
import com.tencentcloudapi.kms.v20190118.models.GenerateDataKeyResponse;
import com.tencentcloudapi.kms.v20190118.models.KeyMetadata;
import com.tencentcloudapi.kms.v20190118.models.ListAlgorithmsRequest;
import com.tencentcloudapi.kms.v20190118.models.ReEncryptRequest;
import io.tkms.domain.CiphertextBlob;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SM profile ({@code KMS_SM_REGIONS}) through Tencent's Java SDK: symmetric keys made in an SM
 * region are SM4 (shown with {@code Type} 4, format v2 ciphertexts), elsewhere AES-256; a key keeps
 * its algorithm when the setting changes, and both kinds of ciphertext keep decrypting.
 */
class SmProfileIT {
  static final String SM_REGION = "ap-beijing";

  static KmsClient sdk(TestServer server, String region) {
    return server.sdkClient(region);
  }

  static String create(KmsClient kms, String alias) throws Exception {
    CreateKeyRequest r = new CreateKeyRequest();
    r.setAlias(alias);
    return kms.CreateKey(r).getKeyId();
  }

  static KeyMetadata describe(KmsClient kms, String keyId) throws Exception {
    DescribeKeyRequest r = new DescribeKeyRequest();
    r.setKeyId(keyId);
    return kms.DescribeKey(r).getKeyMetadata();
  }

  static String encrypt(KmsClient kms, String keyId, String text) throws Exception {
    EncryptRequest r = new EncryptRequest();
    r.setKeyId(keyId);
    r.setPlaintext(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    r.setEncryptionContext("{\"purpose\":\"sm\"}");
    return kms.Encrypt(r).getCiphertextBlob();
  }

  static String decrypt(KmsClient kms, String blob) throws Exception {
    DecryptRequest r = new DecryptRequest();
    r.setCiphertextBlob(blob);
    r.setEncryptionContext("{\"purpose\":\"sm\"}");
    return new String(
        Base64.getDecoder().decode(kms.Decrypt(r).getPlaintext()), StandardCharsets.UTF_8);
  }

  static int format(String blob) {
    return CiphertextBlob.decode(Base64.getDecoder().decode(blob)).formatVersion();
  }

  static Map<String, String> env(String smRegions, String db, java.nio.file.Path dir) {
    Map<String, String> env = new HashMap<>(TestServer.env(db, dir));
    env.put("KMS_SM_REGIONS", smRegions);
    return env;
  }

  @Test
  void keysOfAnSmRegion_areSm4_andKeepTheirAlgorithm_whenTheSettingChanges() throws Exception {
    String db = TestPostgres.freshDatabase();
    java.nio.file.Path dir = TestServer.tempDir();
    String smKey;
    String aesKey;
    String smBlob;
    String aesBlob;
    try (TestServer s = TestServer.start(env("bj", db, dir))) {
      KmsClient beijing = sdk(s, SM_REGION);
      KmsClient guangzhou = sdk(s, "ap-guangzhou");
      smKey = create(beijing, "sm4-key");
      aesKey = create(guangzhou, "aes-key");

      assertThat(describe(beijing, smKey).getType()).isEqualTo(4L);
      assertThat(describe(beijing, smKey).getKeyUsage()).isEqualTo("ENCRYPT_DECRYPT");
      assertThat(describe(guangzhou, aesKey).getType()).isEqualTo(2L);
      assertThat(
              beijing.ListAlgorithms(new ListAlgorithmsRequest())
                  .getSymmetricAlgorithms()[0]
                  .getAlgorithm())
          .isEqualTo("SM4");
      assertThat(
              guangzhou.ListAlgorithms(new ListAlgorithmsRequest())
                  .getSymmetricAlgorithms()[0]
                  .getAlgorithm())
          .isEqualTo("AES_256");

      smBlob = encrypt(beijing, smKey, "国密 SM4 plaintext");
      aesBlob = encrypt(guangzhou, aesKey, "AES plaintext");
      assertThat(format(smBlob)).isEqualTo(CiphertextBlob.FORMAT_V2_SM);
      assertThat(format(aesBlob)).isEqualTo(CiphertextBlob.FORMAT_V1);
      assertThat(decrypt(beijing, smBlob)).isEqualTo("国密 SM4 plaintext");

      GenerateDataKeyRequest g = new GenerateDataKeyRequest();
      g.setKeyId(smKey);
      g.setKeySpec("AES_128");
      g.setEncryptionContext("{\"purpose\":\"sm\"}");
      GenerateDataKeyResponse dk = beijing.GenerateDataKey(g);
      assertThat(format(dk.getCiphertextBlob())).isEqualTo(CiphertextBlob.FORMAT_V2_SM);
      DecryptRequest d = new DecryptRequest();
      d.setCiphertextBlob(dk.getCiphertextBlob());
      d.setEncryptionContext("{\"purpose\":\"sm\"}");
      assertThat(beijing.Decrypt(d).getPlaintext()).isEqualTo(dk.getPlaintext());

      // Between two SM4 keys of the region, in the destination's format.
      String smKey2 = create(beijing, "sm4-key-2");
      ReEncryptRequest re = new ReEncryptRequest();
      re.setCiphertextBlob(smBlob);
      re.setSourceEncryptionContext("{\"purpose\":\"sm\"}");
      re.setDestinationEncryptionContext("{\"purpose\":\"sm\"}");
      re.setDestinationKeyId(smKey2);
      String moved = beijing.ReEncrypt(re).getCiphertextBlob();
      assertThat(format(moved)).isEqualTo(CiphertextBlob.FORMAT_V2_SM);
      assertThat(decrypt(beijing, moved)).isEqualTo("国密 SM4 plaintext");

      // Rotation on demand makes SM4 material for the new version.
      io.vertx.core.json.JsonObject rotated =
          s.bootstrapV3Client()
              .request("RotateKey")
              .header("X-TC-Region", SM_REGION)
              .body(new io.vertx.core.json.JsonObject().put("KeyId", smKey))
              .send();
      assertThat(V3Client.code(rotated)).as(rotated.encode()).isNull();
      String afterRotation = encrypt(beijing, smKey, "version 2");
      assertThat(LifecycleIT.version(afterRotation)).isEqualTo(2);
      assertThat(format(afterRotation)).isEqualTo(CiphertextBlob.FORMAT_V2_SM);
      assertThat(decrypt(beijing, afterRotation)).isEqualTo("version 2");
      assertThat(decrypt(beijing, smBlob)).isEqualTo("国密 SM4 plaintext");
    }

    // The setting no longer names the region: the existing key stays SM4, new keys are AES-256.
    try (TestServer s = TestServer.start(env("", db, dir))) {
      KmsClient beijing = sdk(s, SM_REGION);
      assertThat(describe(beijing, smKey).getType()).isEqualTo(4L);
      assertThat(decrypt(beijing, smBlob)).isEqualTo("国密 SM4 plaintext");
      assertThat(format(encrypt(beijing, smKey, "still SM4")))
          .isEqualTo(CiphertextBlob.FORMAT_V2_SM);
      assertThat(decrypt(sdk(s, "ap-guangzhou"), aesBlob)).isEqualTo("AES plaintext");

      String later = create(beijing, "made-after-the-change");
      assertThat(describe(beijing, later).getType()).isEqualTo(2L);
      assertThat(format(encrypt(beijing, later, "AES now"))).isEqualTo(CiphertextBlob.FORMAT_V1);
    }
  }
}
