package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.kms.v20190118.KmsClient;
import com.tencentcloudapi.kms.v20190118.models.*;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tencent's own Java SDK, unmodified, against our server: every signing mode and the core actions.
 */
class V3SdkIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  /** A client as a Tencent user would build one, pointed at our endpoint. */
  static KmsClient client(String signMethod, String httpMethod, String secretId, String secretKey) {
    HttpProfile http = new HttpProfile();
    http.setEndpoint("127.0.0.1:" + server.port());
    http.setProtocol("http://");
    http.setReqMethod(httpMethod);
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    profile.setSignMethod(signMethod);
    return new KmsClient(new Credential(secretId, secretKey), "ap-guangzhou", profile);
  }

  static KmsClient client(String signMethod, String httpMethod) {
    return client(signMethod, httpMethod, TestServer.SECRET_ID, TestServer.SECRET_KEY);
  }

  static Stream<Object[]> modes() {
    return Stream.of(
        new Object[] {ClientProfile.SIGN_TC3_256, HttpProfile.REQ_POST},
        new Object[] {ClientProfile.SIGN_TC3_256, HttpProfile.REQ_GET},
        new Object[] {ClientProfile.SIGN_SHA256, HttpProfile.REQ_POST},
        new Object[] {ClientProfile.SIGN_SHA1, HttpProfile.REQ_GET});
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modes")
  void coreActions_workThroughTheOfficialSdk(String sign, String method) throws Exception {
    KmsClient kms = client(sign, method);
    String alias = "sdk-" + sign.replace("-", "").toLowerCase() + "-" + method.toLowerCase();

    CreateKeyRequest create = new CreateKeyRequest();
    create.setAlias(alias);
    create.setDescription("created by the official SDK");
    CreateKeyResponse created = kms.CreateKey(create);
    String keyId = created.getKeyId();
    assertThat(created.getAlias()).isEqualTo(alias);
    assertThat(created.getKeyState()).isEqualTo("Enabled");
    assertThat(created.getKeyUsage()).isEqualTo("ENCRYPT_DECRYPT");
    assertThat(created.getRequestId()).isNotBlank();

    DescribeKeyRequest describe = new DescribeKeyRequest();
    describe.setKeyId(keyId);
    KeyMetadata md = kms.DescribeKey(describe).getKeyMetadata();
    assertThat(md.getKeyId()).isEqualTo(keyId);
    assertThat(md.getDescription()).isEqualTo("created by the official SDK");
    assertThat(md.getType()).isEqualTo(2L);
    assertThat(md.getCreatorUin()).isEqualTo(Long.parseLong(TestServer.APP_ID));
    assertThat(md.getOrigin()).isEqualTo("TENCENT_KMS");

    EncryptRequest enc = new EncryptRequest();
    enc.setKeyId(keyId);
    enc.setPlaintext(b64("hello world"));
    enc.setEncryptionContext("{\"app\":\"sdk\"}");
    EncryptResponse encrypted = kms.Encrypt(enc);
    assertThat(encrypted.getKeyId()).isEqualTo(keyId);

    DecryptRequest dec = new DecryptRequest();
    dec.setCiphertextBlob(encrypted.getCiphertextBlob());
    dec.setEncryptionContext("{\"app\":\"sdk\"}");
    DecryptResponse decrypted = kms.Decrypt(dec);
    assertThat(decrypted.getPlaintext()).isEqualTo(b64("hello world"));
    assertThat(decrypted.getKeyId()).isEqualTo(keyId);

    GenerateDataKeyRequest gdk = new GenerateDataKeyRequest();
    gdk.setKeyId(keyId);
    gdk.setKeySpec("AES_256");
    GenerateDataKeyResponse dk = kms.GenerateDataKey(gdk);
    assertThat(Base64.getDecoder().decode(dk.getPlaintext())).hasSize(32);
    DecryptRequest dkDec = new DecryptRequest();
    dkDec.setCiphertextBlob(dk.getCiphertextBlob());
    assertThat(kms.Decrypt(dkDec).getPlaintext()).isEqualTo(dk.getPlaintext());
    GenerateDataKeyRequest bytes = new GenerateDataKeyRequest();
    bytes.setKeyId(keyId);
    bytes.setNumberOfBytes(100L);
    assertThat(Base64.getDecoder().decode(kms.GenerateDataKey(bytes).getPlaintext())).hasSize(100);

    UpdateAliasRequest ua = new UpdateAliasRequest();
    ua.setKeyId(keyId);
    ua.setAlias(alias + "-2");
    kms.UpdateAlias(ua);
    UpdateKeyDescriptionRequest ud = new UpdateKeyDescriptionRequest();
    ud.setKeyId(keyId);
    ud.setDescription("changed");
    kms.UpdateKeyDescription(ud);
    KeyMetadata after = kms.DescribeKey(describe).getKeyMetadata();
    assertThat(after.getAlias()).isEqualTo(alias + "-2");
    assertThat(after.getDescription()).isEqualTo("changed");

    DisableKeyRequest dis = new DisableKeyRequest();
    dis.setKeyId(keyId);
    kms.DisableKey(dis);
    TencentCloudSDKException disabled =
        catchThrowableOfType(TencentCloudSDKException.class, () -> kms.Encrypt(enc));
    assertThat(disabled.getErrorCode()).isEqualTo("ResourceUnavailable.CmkDisabled");
    assertThat(disabled.getRequestId()).isNotBlank();
    EnableKeysRequest enableAll = new EnableKeysRequest();
    enableAll.setKeyIds(new String[] {keyId});
    kms.EnableKeys(enableAll);
    assertThat(kms.DescribeKey(describe).getKeyMetadata().getKeyState()).isEqualTo("Enabled");
    DisableKeysRequest disableAll = new DisableKeysRequest();
    disableAll.setKeyIds(new String[] {keyId});
    kms.DisableKeys(disableAll);
    assertThat(kms.DescribeKey(describe).getKeyMetadata().getKeyState()).isEqualTo("Disabled");
    EnableKeyRequest en = new EnableKeyRequest();
    en.setKeyId(keyId);
    kms.EnableKey(en);

    DescribeKeysRequest many = new DescribeKeysRequest();
    many.setKeyIds(new String[] {keyId});
    assertThat(kms.DescribeKeys(many).getKeyMetadatas())
        .extracting(KeyMetadata::getKeyId)
        .containsExactly(keyId);

    ListKeysRequest list = new ListKeysRequest();
    list.setLimit(200L);
    ListKeysResponse keys = kms.ListKeys(list);
    assertThat(keys.getKeys()).extracting(Key::getKeyId).contains(keyId);
    assertThat(keys.getTotalCount()).isGreaterThanOrEqualTo(1L);

    ListKeyDetailRequest detail = new ListKeyDetailRequest();
    detail.setSearchKeyAlias(alias + "-2");
    detail.setKeyState(1L);
    ListKeyDetailResponse found = kms.ListKeyDetail(detail);
    assertThat(found.getKeyMetadatas()).extracting(KeyMetadata::getKeyId).containsExactly(keyId);
    assertThat(found.getTotalCount()).isEqualTo(1L);

    GenerateRandomRequest rnd = new GenerateRandomRequest();
    rnd.setNumberOfBytes(64L);
    assertThat(Base64.getDecoder().decode(kms.GenerateRandom(rnd).getPlaintext())).hasSize(64);
  }

  static Stream<Object[]> signings() {
    return Stream.of(
        new Object[] {ClientProfile.SIGN_TC3_256}, new Object[] {ClientProfile.SIGN_SHA256});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("signings")
  void lifecycleActions_workThroughTheOfficialSdk(String sign) throws Exception {
    KmsClient kms = client(sign, HttpProfile.REQ_POST);
    CreateKeyRequest create = new CreateKeyRequest();
    create.setAlias("life-" + sign.replace("-", "").toLowerCase());
    Tag tag = new Tag();
    tag.setTagKey("env");
    tag.setTagValue("sdk");
    create.setTags(new Tag[] {tag});
    CreateKeyResponse created = kms.CreateKey(create);
    assertThat(created.getTagCode()).isZero();
    String keyId = created.getKeyId();
    DescribeKeyRequest describe = new DescribeKeyRequest();
    describe.setKeyId(keyId);

    EncryptRequest enc = new EncryptRequest();
    enc.setKeyId(keyId);
    enc.setPlaintext(b64("rotate me"));
    String v1Blob = kms.Encrypt(enc).getCiphertextBlob();

    EnableKeyRotationRequest rotate = new EnableKeyRotationRequest();
    rotate.setKeyId(keyId);
    rotate.setRotateDays(90L);
    kms.EnableKeyRotation(rotate);
    GetKeyRotationStatusRequest status = new GetKeyRotationStatusRequest();
    status.setKeyId(keyId);
    assertThat(kms.GetKeyRotationStatus(status).getKeyRotationEnabled()).isTrue();
    assertThat(kms.DescribeKey(describe).getKeyMetadata().getRotateDays()).isEqualTo(90L);
    DisableKeyRotationRequest stop = new DisableKeyRotationRequest();
    stop.setKeyId(keyId);
    kms.DisableKeyRotation(stop);
    assertThat(kms.GetKeyRotationStatus(status).getKeyRotationEnabled()).isFalse();

    ReEncryptRequest re = new ReEncryptRequest();
    re.setCiphertextBlob(v1Blob);
    re.setDestinationEncryptionContext("{\"to\":\"ctx\"}");
    ReEncryptResponse moved = kms.ReEncrypt(re);
    assertThat(moved.getReEncrypted()).isTrue();
    assertThat(moved.getSourceKeyId()).isEqualTo(keyId);
    DecryptRequest dec = new DecryptRequest();
    dec.setCiphertextBlob(moved.getCiphertextBlob());
    dec.setEncryptionContext("{\"to\":\"ctx\"}");
    assertThat(kms.Decrypt(dec).getPlaintext()).isEqualTo(b64("rotate me"));

    ArchiveKeyRequest archive = new ArchiveKeyRequest();
    archive.setKeyId(keyId);
    kms.ArchiveKey(archive);
    assertThat(kms.DescribeKey(describe).getKeyMetadata().getKeyState()).isEqualTo("Archived");
    assertThat(code(() -> kms.Encrypt(enc))).isEqualTo("ResourceUnavailable.CmkArchived");
    DecryptRequest stillDecrypts = new DecryptRequest();
    stillDecrypts.setCiphertextBlob(v1Blob);
    assertThat(kms.Decrypt(stillDecrypts).getPlaintext()).isEqualTo(b64("rotate me"));
    CancelKeyArchiveRequest unarchive = new CancelKeyArchiveRequest();
    unarchive.setKeyId(keyId);
    kms.CancelKeyArchive(unarchive);

    ScheduleKeyDeletionRequest schedule = new ScheduleKeyDeletionRequest();
    schedule.setKeyId(keyId);
    schedule.setPendingWindowInDays(7L);
    assertThat(code(() -> kms.ScheduleKeyDeletion(schedule)))
        .isEqualTo("ResourceUnavailable.CmkShouldBeDisabled");
    DisableKeyRequest disable = new DisableKeyRequest();
    disable.setKeyId(keyId);
    kms.DisableKey(disable);
    ScheduleKeyDeletionResponse scheduled = kms.ScheduleKeyDeletion(schedule);
    assertThat(scheduled.getDeletionDate())
        .isGreaterThan(System.currentTimeMillis() / 1000 + 6 * 86_400);
    assertThat(kms.DescribeKey(describe).getKeyMetadata().getKeyState()).isEqualTo("PendingDelete");
    CancelKeyDeletionRequest cancel = new CancelKeyDeletionRequest();
    cancel.setKeyId(keyId);
    assertThat(kms.CancelKeyDeletion(cancel).getKeyId()).isEqualTo(keyId);
    assertThat(kms.DescribeKey(describe).getKeyMetadata().getKeyState()).isEqualTo("Disabled");

    ListKeyDetailRequest byTag = new ListKeyDetailRequest();
    TagFilter f = new TagFilter();
    f.setTagKey("env");
    f.setTagValue(new String[] {"sdk"});
    byTag.setTagFilters(new TagFilter[] {f});
    assertThat(kms.ListKeyDetail(byTag).getKeyMetadatas())
        .extracting(KeyMetadata::getKeyId)
        .contains(keyId);
  }

  @Test
  void serviceInformation() throws Exception {
    KmsClient kms = client(ClientProfile.SIGN_TC3_256, HttpProfile.REQ_POST);
    assertThat(kms.GetServiceStatus(new GetServiceStatusRequest()).getServiceEnabled()).isTrue();
    assertThat(kms.GetRegions(new GetRegionsRequest()).getRegions())
        .containsExactly("ap-guangzhou", "ap-shanghai", "ap-beijing");
    ListAlgorithmsResponse algos = kms.ListAlgorithms(new ListAlgorithmsRequest());
    assertThat(algos.getSymmetricAlgorithms())
        .extracting(AlgorithmInfo::getKeyUsage)
        .containsExactly("ENCRYPT_DECRYPT");
  }

  @Test
  void errors_surfaceAsSdkExceptionsWithTheRightCode() {
    KmsClient kms = client(ClientProfile.SIGN_TC3_256, HttpProfile.REQ_POST);
    DescribeKeyRequest unknown = new DescribeKeyRequest();
    unknown.setKeyId("00000000-0000-4000-8000-000000000000");
    assertThat(code(() -> kms.DescribeKey(unknown))).isEqualTo("ResourceUnavailable.CmkNotFound");
    DescribeKeyRequest malformed = new DescribeKeyRequest();
    malformed.setKeyId("k1");
    assertThat(code(() -> kms.DescribeKey(malformed)))
        .isEqualTo("InvalidParameterValue.InvalidKeyId");
    DecryptRequest garbage = new DecryptRequest();
    garbage.setCiphertextBlob("Z2FyYmFnZQ==");
    assertThat(code(() -> kms.Decrypt(garbage)))
        .isEqualTo("InvalidParameterValue.InvalidCiphertext");
    EncryptRequest notB64 = new EncryptRequest();
    notB64.setKeyId("00000000-0000-4000-8000-000000000000");
    notB64.setPlaintext("***");
    assertThat(code(() -> kms.Encrypt(notB64))).isEqualTo("InvalidParameterValue.InvalidPlaintext");
    CreateKeyRequest noAlias = new CreateKeyRequest();
    assertThat(code(() -> kms.CreateKey(noAlias))).isEqualTo("MissingParameter");
    CreateKeyRequest badAlias = new CreateKeyRequest();
    badAlias.setAlias("kms-reserved");
    assertThat(code(() -> kms.CreateKey(badAlias))).isEqualTo("InvalidParameterValue.InvalidAlias");
    DescribeKeysRequest dup = new DescribeKeysRequest();
    dup.setKeyIds(
        new String[] {
          "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000000"
        });
    assertThat(code(() -> kms.DescribeKeys(dup)))
        .isEqualTo("InvalidParameterValue.DuplicatedKeyId");
    GetPublicKeyRequest publicKey = new GetPublicKeyRequest();
    publicKey.setKeyId("00000000-0000-4000-8000-000000000000");
    assertThat(code(() -> kms.GetPublicKey(publicKey)))
        .isEqualTo("ResourceUnavailable.CmkNotFound");
    assertThat(
            code(
                () ->
                    kms.DescribeWhiteBoxServiceStatus(new DescribeWhiteBoxServiceStatusRequest())))
        .isEqualTo("UnsupportedOperation");
    ListKeyDetailRequest tags = new ListKeyDetailRequest();
    TagFilter f = new TagFilter();
    f.setTagKey("env");
    f.setTagValue(new String[] {"prod"});
    tags.setTagFilters(new TagFilter[] {f});
    try {
      assertThat(kms.ListKeyDetail(tags).getTotalCount()).isZero();
    } catch (TencentCloudSDKException e) {
      throw new AssertionError(e);
    }

    KmsClient wrongKey =
        client(
            ClientProfile.SIGN_TC3_256, HttpProfile.REQ_POST, TestServer.SECRET_ID, "not-the-key");
    assertThat(code(() -> wrongKey.ListKeys(new ListKeysRequest())))
        .isEqualTo("AuthFailure.SignatureFailure");
    KmsClient stranger =
        client(ClientProfile.SIGN_SHA256, HttpProfile.REQ_POST, "AKIDnobody0000000000000000", "x");
    assertThat(code(() -> stranger.ListKeys(new ListKeysRequest())))
        .isEqualTo("AuthFailure.SecretIdNotFound");
  }

  @Test
  void keysAndCiphertexts_crossBetweenApi2AndApi3() throws Exception {
    V2Client v2 = server.bootstrapClient();
    String v2Key = Keys.create(v2, "cross-protocol");
    String v2Blob =
        v2.call("Encrypt", "keyId", v2Key, "plaintext", b64("from v2")).getString("ciphertextBlob");
    KmsClient v3 = client(ClientProfile.SIGN_TC3_256, HttpProfile.REQ_POST);

    DecryptRequest dec = new DecryptRequest();
    dec.setCiphertextBlob(v2Blob);
    assertThat(v3.Decrypt(dec).getPlaintext()).isEqualTo(b64("from v2"));

    EncryptRequest enc = new EncryptRequest();
    enc.setKeyId(v2Key);
    enc.setPlaintext(b64("from v3"));
    String v3Blob = v3.Encrypt(enc).getCiphertextBlob();
    assertThat(v2.call("Decrypt", "ciphertextBlob", v3Blob).getString("plaintext"))
        .isEqualTo(b64("from v3"));

    DescribeKeyRequest d = new DescribeKeyRequest();
    d.setKeyId(v2Key);
    assertThat(v3.DescribeKey(d).getKeyMetadata().getAlias()).isEqualTo("cross-protocol");
    // v2's "gz" and v3's "ap-guangzhou" are one region: the key is listed on both sides.
    ListKeysRequest lk = new ListKeysRequest();
    lk.setLimit(200L);
    assertThat(v3.ListKeys(lk).getKeys()).extracting(Key::getKeyId).contains(v2Key);
  }

  interface Call {
    void run() throws Exception;
  }

  static String code(Call c) {
    try {
      c.run();
    } catch (TencentCloudSDKException e) {
      return e.getErrorCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no error");
  }
}
