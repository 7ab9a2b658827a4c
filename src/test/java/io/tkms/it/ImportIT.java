package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.kms.v20190118.KmsClient;
import com.tencentcloudapi.kms.v20190118.models.*;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bring your own key through Tencent's own Java SDK: CreateKey with Type 2, GetParametersForImport,
 * material wrapped with Tencent's documented OpenSSL commands for all three wrapping algorithms (32
 * bytes for an AES-256 key, 16 for an SM4 key of an SM region), ImportKeyMaterial, then Encrypt and
 * Decrypt; re-import, deletion, expiry and every error code.
 */
class ImportIT {
  /**
   * With the SM profile in Beijing ({@link SmProfileIT#SM_REGION}); the other tests use Guangzhou.
   */
  @RegisterExtension
  static final TestServer server =
      TestServer.perClass()
          .withEnv(
              env -> {
                env.put("KMS_SM_REGIONS", "bj");
                // The tests run the lifecycle job themselves, so that its expiry is theirs to see.
                env.put("KMS_JOBS_INTERVAL_SECONDS", "86400");
              });

  private static final SecureRandom RNG = new SecureRandom();
  static KmsClient kms;

  @BeforeAll
  static void client() {
    kms = server.sdkClient("ap-guangzhou");
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }

  static TencentCloudSDKException error(ThrowingCall call) {
    TencentCloudSDKException e = catchThrowableOfType(TencentCloudSDKException.class, call::run);
    assertThat(e).as("the call should have failed").isNotNull();
    return e;
  }

  static String code(ThrowingCall call) {
    return error(call).getErrorCode();
  }

  static String externalKey(String alias) throws Exception {
    return externalKey(kms, alias);
  }

  static String externalKey(KmsClient client, String alias) throws Exception {
    CreateKeyRequest r = new CreateKeyRequest();
    r.setAlias(alias);
    r.setType(2L);
    CreateKeyResponse created = client.CreateKey(r);
    assertThat(created.getKeyState()).isEqualTo("PendingImport");
    return created.getKeyId();
  }

  static GetParametersForImportResponse parameters(String keyId, String algorithm)
      throws Exception {
    return parameters(kms, keyId, algorithm);
  }

  static GetParametersForImportResponse parameters(KmsClient client, String keyId, String algorithm)
      throws Exception {
    GetParametersForImportRequest r = new GetParametersForImportRequest();
    r.setKeyId(keyId);
    r.setWrappingAlgorithm(algorithm);
    r.setWrappingKeySpec("RSA_2048");
    return client.GetParametersForImport(r);
  }

  static void importMaterial(String keyId, String token, String encrypted, Long validTo)
      throws Exception {
    importMaterial(kms, keyId, token, encrypted, validTo);
  }

  static void importMaterial(
      KmsClient client, String keyId, String token, String encrypted, Long validTo)
      throws Exception {
    ImportKeyMaterialRequest r = new ImportKeyMaterialRequest();
    r.setKeyId(keyId);
    r.setImportToken(token);
    r.setEncryptedKeyMaterial(encrypted);
    if (validTo != null) {
      r.setValidTo(validTo);
    }
    client.ImportKeyMaterial(r);
  }

  /** The material encrypted to {@code publicKey} (base64 DER SPKI) in Java, for error cases. */
  static String wrapInJava(String publicKey, String algorithm, byte[] material) throws Exception {
    java.security.PublicKey pk =
        java.security.KeyFactory.getInstance("RSA")
            .generatePublic(
                new java.security.spec.X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
    Cipher c;
    if (algorithm.equals("RSAES_PKCS1_V1_5")) {
      c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      c.init(Cipher.ENCRYPT_MODE, pk);
    } else {
      boolean sha256 = algorithm.endsWith("256");
      c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(
          Cipher.ENCRYPT_MODE,
          pk,
          new OAEPParameterSpec(
              sha256 ? "SHA-256" : "SHA-1",
              "MGF1",
              sha256
                  ? java.security.spec.MGF1ParameterSpec.SHA256
                  : java.security.spec.MGF1ParameterSpec.SHA1,
              javax.crypto.spec.PSource.PSpecified.DEFAULT));
    }
    return Base64.getEncoder().encodeToString(c.doFinal(material));
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RNG.nextBytes(b);
    return b;
  }

  static void roundTrip(String keyId) throws Exception {
    roundTrip(kms, keyId);
  }

  /** Encrypt and Decrypt with {@code keyId}; the blob. */
  static String roundTrip(KmsClient client, String keyId) throws Exception {
    EncryptRequest e = new EncryptRequest();
    e.setKeyId(keyId);
    e.setPlaintext(Base64.getEncoder().encodeToString("byok".getBytes(StandardCharsets.UTF_8)));
    String blob = client.Encrypt(e).getCiphertextBlob();
    DecryptRequest d = new DecryptRequest();
    d.setCiphertextBlob(blob);
    assertThat(Base64.getDecoder().decode(client.Decrypt(d).getPlaintext()))
        .isEqualTo("byok".getBytes(StandardCharsets.UTF_8));
    return blob;
  }

  static KeyMetadata describe(String keyId) throws Exception {
    return describe(kms, keyId);
  }

  static KeyMetadata describe(KmsClient client, String keyId) throws Exception {
    DescribeKeyRequest d = new DescribeKeyRequest();
    d.setKeyId(keyId);
    return client.DescribeKey(d).getKeyMetadata();
  }

  /**
   * Tencent's documented OpenSSL commands, one by one: {@code materialBytes} random bytes ({@code
   * openssl rand}), wrapped to {@code publicKey} (base64 DER, as GetParametersForImport answers it)
   * with {@code algorithm}'s {@code pkeyutl} options; the base64 text ImportKeyMaterial takes.
   */
  static String wrapWithTencentsRecipe(
      OpenSsl ssl, String publicKey, String algorithm, int materialBytes) {
    ssl.write("public_key.base64", publicKey);
    ssl.ok("rand", "-out", "raw_material.bin", Integer.toString(materialBytes));
    ssl.ok("enc", "-d", "-base64", "-A", "-in", "public_key.base64", "-out", "public_key.bin");
    List<String> pkeyutl =
        new java.util.ArrayList<>(
            List.of(
                "pkeyutl",
                "-in",
                "raw_material.bin",
                "-out",
                "encrypted_key_material.bin",
                "-inkey",
                "public_key.bin",
                "-keyform",
                "DER",
                "-pubin",
                "-encrypt"));
    switch (algorithm) {
      case "RSAES_PKCS1_V1_5" -> pkeyutl.addAll(List.of("-pkeyopt", "rsa_padding_mode:pkcs1"));
      case "RSAES_OAEP_SHA_1" ->
          pkeyutl.addAll(
              List.of("-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1"));
      default ->
          pkeyutl.addAll(
              List.of("-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256"));
    }
    ssl.ok(pkeyutl.toArray(new String[0]));
    ssl.ok(
        "enc",
        "-e",
        "-base64",
        "-A",
        "-in",
        "encrypted_key_material.bin",
        "-out",
        "encrypted_key_material.base64");
    return new String(ssl.read("encrypted_key_material.base64"), StandardCharsets.US_ASCII).trim();
  }

  /**
   * For each of the three wrapping algorithms an EXTERNAL key of {@code client}'s region, given
   * {@code materialBytes} of material by Tencent's recipe: each is Enabled and round-trips. Returns
   * a blob of each key.
   */
  static List<String> tencentsRecipe(KmsClient client, String aliasPrefix, int materialBytes)
      throws Exception {
    OpenSsl ssl = OpenSsl.require();
    List<String> blobs = new java.util.ArrayList<>();
    for (String algorithm : List.of("RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256")) {
      String keyId =
          externalKey(client, aliasPrefix + "-" + algorithm.toLowerCase().replace('_', '-'));
      GetParametersForImportResponse p = parameters(client, keyId, algorithm);
      assertThat(p.getKeyId()).isEqualTo(keyId);
      assertThat(p.getPublicKey()).startsWith("MIIBIjANBgkq");
      assertThat(p.getParametersValidTo())
          .isBetween(
              Instant.now().getEpochSecond() + 86_000, Instant.now().getEpochSecond() + 86_500);

      String encrypted = wrapWithTencentsRecipe(ssl, p.getPublicKey(), algorithm, materialBytes);
      importMaterial(client, keyId, p.getImportToken(), encrypted, 0L);

      KeyMetadata md = describe(client, keyId);
      assertThat(md.getKeyState()).as(algorithm).isEqualTo("Enabled");
      assertThat(md.getOrigin()).isEqualTo("EXTERNAL");
      assertThat(md.getValidTo()).isZero();
      blobs.add(roundTrip(client, keyId));
    }
    return blobs;
  }

  @Test
  void tencentsOpensslRecipe_worksForAllThreeWrappingAlgorithms() throws Exception {
    // AES-256 outside the SM regions: 32 bytes.
    assertThat(tencentsRecipe(kms, "byok", 32))
        .extracting(SmProfileIT::format)
        .containsOnly(io.tkms.domain.CiphertextBlob.FORMAT_V1);
  }

  @Test
  void tencentsOpensslRecipe_with16Bytes_givesAnSm4KeyOfAnSmRegionItsMaterial() throws Exception {
    KmsClient beijing = server.sdkClient(SmProfileIT.SM_REGION);
    // As Tencent documents it for SM regions: `openssl rand -out raw_material.bin 16`.
    assertThat(tencentsRecipe(beijing, "byok-sm4", 16))
        .extracting(SmProfileIT::format)
        .containsOnly(io.tkms.domain.CiphertextBlob.FORMAT_V2_SM);
    // The AES recipe's 32 bytes are not an SM4 key's material.
    String keyId = externalKey(beijing, "byok-sm4-32-bytes");
    GetParametersForImportResponse p = parameters(beijing, keyId, "RSAES_OAEP_SHA_256");
    String encrypted =
        wrapWithTencentsRecipe(OpenSsl.require(), p.getPublicKey(), "RSAES_OAEP_SHA_256", 32);
    assertThat(code(() -> importMaterial(beijing, keyId, p.getImportToken(), encrypted, null)))
        .isEqualTo("InvalidParameter.DecryptMaterialError");
    assertThat(describe(beijing, keyId).getKeyState()).isEqualTo("PendingImport");
  }

  @Test
  void createKey_type2_ofAnAsymmetricUsage_isInvalidType() {
    CreateKeyRequest r = new CreateKeyRequest();
    r.setAlias("byok-asym");
    r.setType(2L);
    r.setKeyUsage("ASYMMETRIC_DECRYPT_RSA_2048");
    assertThat(code(() -> kms.CreateKey(r))).isEqualTo("InvalidParameterValue.InvalidType");
  }

  @Test
  void pendingImportKeys_areListed_andRefuseUse() throws Exception {
    String keyId = externalKey("byok-pending");
    ListKeyDetailRequest l = new ListKeyDetailRequest();
    l.setLimit(200L);
    l.setKeyState(4L);
    assertThat(kms.ListKeyDetail(l).getKeyMetadatas())
        .extracting(KeyMetadata::getKeyId)
        .contains(keyId);
    ListKeyDetailRequest o = new ListKeyDetailRequest();
    o.setLimit(200L);
    o.setOrigin("EXTERNAL");
    assertThat(kms.ListKeyDetail(o).getKeyMetadatas())
        .extracting(KeyMetadata::getOrigin)
        .containsOnly("EXTERNAL");
    ListKeysRequest all = new ListKeysRequest();
    all.setLimit(200L);
    assertThat(kms.ListKeys(all).getKeys()).extracting(Key::getKeyId).contains(keyId);
    EncryptRequest e = new EncryptRequest();
    e.setKeyId(keyId);
    e.setPlaintext("AQID");
    assertThat(code(() -> kms.Encrypt(e))).isEqualTo("ResourceUnavailable.CmkStateNotSupport");
    EnableKeyRequest en = new EnableKeyRequest();
    en.setKeyId(keyId);
    assertThat(code(() -> kms.EnableKey(en))).isEqualTo("ResourceUnavailable.CmkStateNotSupport");
  }

  /**
   * An EXTERNAL key of a cell of the state table: its id; the import parameters and material it was
   * given (when it was given some); a blob it made (when it had material).
   */
  record Subject(
      String keyId, GetParametersForImportResponse parameters, byte[] material, String blob) {}

  static int cells;

  /**
   * An EXTERNAL key brought into {@code state} through the SDK: "PendingImport" never had material;
   * "PendingImport, material deleted" had some, made a blob, and lost it; "Enabled", "Disabled",
   * "PendingDelete" and "Archived" have material and a blob; "PendingDelete, never imported" has
   * parameters and material it was never given.
   */
  static Subject externalKeyIn(String state) throws Exception {
    String keyId = externalKey("byok-cell-" + (++cells));
    if (state.equals("PendingImport")) {
      return new Subject(keyId, null, null, null);
    }
    GetParametersForImportResponse p = parameters(keyId, "RSAES_OAEP_SHA_256");
    byte[] material = random(32);
    if (state.equals("PendingDelete, never imported")) {
      kms.ScheduleKeyDeletion(scheduleDeletion(keyId));
      assertThat(describe(keyId).getKeyState()).isEqualTo("PendingDelete");
      return new Subject(keyId, p, material, null);
    }
    importMaterial(
        keyId,
        p.getImportToken(),
        wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_256", material),
        null);
    EncryptRequest e = new EncryptRequest();
    e.setKeyId(keyId);
    e.setPlaintext("AQID");
    String blob = kms.Encrypt(e).getCiphertextBlob();
    switch (state) {
      case "Enabled" -> {}
      case "PendingImport, material deleted" -> {
        DeleteImportedKeyMaterialRequest d = new DeleteImportedKeyMaterialRequest();
        d.setKeyId(keyId);
        kms.DeleteImportedKeyMaterial(d);
      }
      case "Disabled", "PendingDelete" -> {
        DisableKeyRequest d = new DisableKeyRequest();
        d.setKeyId(keyId);
        kms.DisableKey(d);
        if (state.equals("PendingDelete")) {
          kms.ScheduleKeyDeletion(scheduleDeletion(keyId));
        }
      }
      case "Archived" -> {
        ArchiveKeyRequest a = new ArchiveKeyRequest();
        a.setKeyId(keyId);
        kms.ArchiveKey(a);
      }
      default -> throw new IllegalArgumentException(state);
    }
    assertThat(describe(keyId).getKeyState()).isEqualTo(state.split(",", -1)[0]);
    return new Subject(keyId, p, material, blob);
  }

  static ScheduleKeyDeletionRequest scheduleDeletion(String keyId) {
    ScheduleKeyDeletionRequest r = new ScheduleKeyDeletionRequest();
    r.setKeyId(keyId);
    r.setPendingWindowInDays(7L);
    return r;
  }

  /**
   * Runs {@code action} through the SDK on the subject's key: its error code, or the key's state
   * after it. "ReEncrypt into" re-encrypts {@code otherBlob} (of another key) into the key;
   * "ReEncrypt from" and Decrypt use the subject's blob; ImportKeyMaterial imports the subject's
   * material with its token, or fresh material with fresh parameters when it has none.
   */
  static String outcome(String action, Subject k, String otherBlob) throws Exception {
    String keyId = k.keyId();
    try {
      switch (action) {
        case "Encrypt" -> {
          EncryptRequest r = new EncryptRequest();
          r.setKeyId(keyId);
          r.setPlaintext("aGk=");
          kms.Encrypt(r);
        }
        case "GenerateDataKey" -> {
          GenerateDataKeyRequest r = new GenerateDataKeyRequest();
          r.setKeyId(keyId);
          r.setKeySpec("AES_256");
          kms.GenerateDataKey(r);
        }
        case "ReEncrypt into" -> {
          ReEncryptRequest r = new ReEncryptRequest();
          r.setCiphertextBlob(otherBlob);
          r.setDestinationKeyId(keyId);
          kms.ReEncrypt(r);
        }
        case "Decrypt" -> {
          DecryptRequest r = new DecryptRequest();
          r.setCiphertextBlob(k.blob());
          kms.Decrypt(r);
        }
        case "ReEncrypt from" -> {
          ReEncryptRequest r = new ReEncryptRequest();
          r.setCiphertextBlob(k.blob());
          kms.ReEncrypt(r);
        }
        case "EnableKey" -> {
          EnableKeyRequest r = new EnableKeyRequest();
          r.setKeyId(keyId);
          kms.EnableKey(r);
        }
        case "DisableKey" -> {
          DisableKeyRequest r = new DisableKeyRequest();
          r.setKeyId(keyId);
          kms.DisableKey(r);
        }
        case "ScheduleKeyDeletion" -> kms.ScheduleKeyDeletion(scheduleDeletion(keyId));
        case "CancelKeyDeletion" -> {
          CancelKeyDeletionRequest r = new CancelKeyDeletionRequest();
          r.setKeyId(keyId);
          kms.CancelKeyDeletion(r);
        }
        case "ScheduleKeyDeletion, CancelKeyDeletion" -> {
          kms.ScheduleKeyDeletion(scheduleDeletion(keyId));
          assertThat(describe(keyId).getKeyState()).isEqualTo("PendingDelete");
          return outcome("CancelKeyDeletion", k, otherBlob);
        }
        case "ArchiveKey" -> {
          ArchiveKeyRequest r = new ArchiveKeyRequest();
          r.setKeyId(keyId);
          kms.ArchiveKey(r);
        }
        case "CancelKeyArchive" -> {
          CancelKeyArchiveRequest r = new CancelKeyArchiveRequest();
          r.setKeyId(keyId);
          kms.CancelKeyArchive(r);
        }
        case "UpdateAlias" -> {
          UpdateAliasRequest r = new UpdateAliasRequest();
          r.setKeyId(keyId);
          r.setAlias("byok-renamed-" + (++cells));
          kms.UpdateAlias(r);
        }
        case "UpdateKeyDescription" -> {
          UpdateKeyDescriptionRequest r = new UpdateKeyDescriptionRequest();
          r.setKeyId(keyId);
          r.setDescription("changed");
          kms.UpdateKeyDescription(r);
        }
        case "EnableKeyRotation" -> {
          EnableKeyRotationRequest r = new EnableKeyRotationRequest();
          r.setKeyId(keyId);
          kms.EnableKeyRotation(r);
        }
        case "DisableKeyRotation" -> {
          DisableKeyRotationRequest r = new DisableKeyRotationRequest();
          r.setKeyId(keyId);
          kms.DisableKeyRotation(r);
        }
        case "GetKeyRotationStatus" -> {
          GetKeyRotationStatusRequest r = new GetKeyRotationStatusRequest();
          r.setKeyId(keyId);
          kms.GetKeyRotationStatus(r);
        }
        case "DescribeKey" -> describe(keyId);
        case "GetParametersForImport" -> parameters(keyId, "RSAES_OAEP_SHA_1");
        case "ImportKeyMaterial" -> {
          GetParametersForImportResponse p =
              k.parameters() != null ? k.parameters() : parameters(keyId, "RSAES_OAEP_SHA_256");
          byte[] material = k.material() != null ? k.material() : random(32);
          importMaterial(
              keyId,
              p.getImportToken(),
              wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_256", material),
              null);
        }
        case "DeleteImportedKeyMaterial" -> {
          DeleteImportedKeyMaterialRequest r = new DeleteImportedKeyMaterialRequest();
          r.setKeyId(keyId);
          kms.DeleteImportedKeyMaterial(r);
        }
        default -> throw new IllegalArgumentException(action);
      }
    } catch (TencentCloudSDKException e) {
      return e.getErrorCode();
    }
    return describe(keyId).getKeyState();
  }

  static final String NOT_SUPPORTED = "ResourceUnavailable.CmkStateNotSupport";

  @Test
  void everyCellOfThePendingImportRow_throughTheSdk() throws Exception {
    List<String> columns = List.of("PendingImport", "PendingImport, material deleted");
    // Expected per action: for each column the resulting state or the error code; null where the
    // column has no blob to use.
    Map<String, List<String>> row = new LinkedHashMap<>();
    row.put("Encrypt", List.of(NOT_SUPPORTED, NOT_SUPPORTED));
    row.put("GenerateDataKey", List.of(NOT_SUPPORTED, NOT_SUPPORTED));
    row.put("ReEncrypt into", List.of(NOT_SUPPORTED, NOT_SUPPORTED));
    row.put("Decrypt", Arrays.asList(null, NOT_SUPPORTED));
    row.put("ReEncrypt from", Arrays.asList(null, NOT_SUPPORTED));
    row.put("EnableKey", List.of(NOT_SUPPORTED, NOT_SUPPORTED));
    row.put("DisableKey", List.of(NOT_SUPPORTED, NOT_SUPPORTED));
    row.put("ScheduleKeyDeletion", List.of("PendingDelete", "PendingDelete"));
    row.put(
        "CancelKeyDeletion",
        List.of(
            "ResourceUnavailable.CmkNotPendingDelete", "ResourceUnavailable.CmkNotPendingDelete"));
    // A key scheduled for deletion while waiting for its material waits for it again.
    row.put("ScheduleKeyDeletion, CancelKeyDeletion", List.of("PendingImport", "PendingImport"));
    row.put("ArchiveKey", List.of(NOT_SUPPORTED, NOT_SUPPORTED));
    row.put("CancelKeyArchive", List.of(NOT_SUPPORTED, NOT_SUPPORTED));
    row.put("UpdateAlias", List.of("PendingImport", "PendingImport"));
    row.put("UpdateKeyDescription", List.of("PendingImport", "PendingImport"));
    // The origin is checked before the state: an EXTERNAL key never rotates, whatever its state.
    row.put(
        "EnableKeyRotation",
        List.of(
            "UnsupportedOperation.ExternalCmkCanNotRotate",
            "UnsupportedOperation.ExternalCmkCanNotRotate"));
    row.put("DisableKeyRotation", List.of("PendingImport", "PendingImport"));
    row.put("GetKeyRotationStatus", List.of("PendingImport", "PendingImport"));
    row.put("DescribeKey", List.of("PendingImport", "PendingImport"));
    row.put("GetParametersForImport", List.of("PendingImport", "PendingImport"));
    row.put("ImportKeyMaterial", List.of("Enabled", "Enabled"));
    row.put("DeleteImportedKeyMaterial", List.of("PendingImport", "PendingImport"));

    CreateKeyRequest c = new CreateKeyRequest();
    c.setAlias("byok-cells-made-here");
    String madeHere = kms.CreateKey(c).getKeyId();
    EncryptRequest e = new EncryptRequest();
    e.setKeyId(madeHere);
    e.setPlaintext("AQID");
    String otherBlob = kms.Encrypt(e).getCiphertextBlob();
    for (Map.Entry<String, List<String>> cell : row.entrySet()) {
      for (int i = 0; i < columns.size(); i++) {
        String expected = cell.getValue().get(i);
        if (expected == null) {
          continue;
        }
        Subject k = externalKeyIn(columns.get(i));
        assertThat(outcome(cell.getKey(), k, otherBlob))
            .as("%s on a key in %s", cell.getKey(), columns.get(i))
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void importActions_inTheOtherStates_answerAsTheStateTableSays() throws Exception {
    List<String> columns =
        List.of(
            "Enabled", "Disabled", "PendingDelete", "Archived", "PendingDelete, never imported");
    Map<String, List<String>> rows = new LinkedHashMap<>();
    rows.put(
        "GetParametersForImport",
        List.of("Enabled", NOT_SUPPORTED, NOT_SUPPORTED, NOT_SUPPORTED, NOT_SUPPORTED));
    // The key's own token and material: only the state can refuse them.
    rows.put(
        "ImportKeyMaterial",
        List.of("Enabled", NOT_SUPPORTED, NOT_SUPPORTED, NOT_SUPPORTED, NOT_SUPPORTED));
    rows.put(
        "DeleteImportedKeyMaterial",
        List.of("PendingImport", "PendingImport", NOT_SUPPORTED, NOT_SUPPORTED, NOT_SUPPORTED));
    for (Map.Entry<String, List<String>> row : rows.entrySet()) {
      for (int i = 0; i < columns.size(); i++) {
        Subject k = externalKeyIn(columns.get(i));
        assertThat(outcome(row.getKey(), k, null))
            .as("%s on a key in %s", row.getKey(), columns.get(i))
            .isEqualTo(row.getValue().get(i));
      }
    }
  }

  @Test
  void importActions_onAKeyMadeHere_areNotExternalCmk() throws Exception {
    CreateKeyRequest c = new CreateKeyRequest();
    c.setAlias("byok-made-here");
    String keyId = kms.CreateKey(c).getKeyId();
    assertThat(code(() -> parameters(keyId, "RSAES_OAEP_SHA_1")))
        .isEqualTo("UnsupportedOperation.NotExternalCmk");
    DeleteImportedKeyMaterialRequest d = new DeleteImportedKeyMaterialRequest();
    d.setKeyId(keyId);
    assertThat(code(() -> kms.DeleteImportedKeyMaterial(d)))
        .isEqualTo("UnsupportedOperation.NotExternalCmk");
    assertThat(
            code(
                () ->
                    importMaterial(
                        keyId,
                        Base64.getEncoder().encodeToString(new byte[32]),
                        Base64.getEncoder().encodeToString(new byte[256]),
                        null)))
        .isEqualTo("UnsupportedOperation.NotExternalCmk");
  }

  @Test
  void importActions_ofAMalformedId_anUnknownId_andAnotherRegionsKey_answerTheDocumentedCodes()
      throws Exception {
    String keyId = externalKey("byok-elsewhere");
    GetParametersForImportResponse p = parameters(keyId, "RSAES_OAEP_SHA_256");
    String encrypted = wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_256", random(32));
    KmsClient shanghai = server.sdkClient("ap-shanghai");
    record Case(KmsClient client, String keyId, String code) {}
    for (Case c :
        List.of(
            new Case(kms, "not-a-key-id", "InvalidParameterValue.InvalidKeyId"),
            new Case(
                kms, java.util.UUID.randomUUID().toString(), "ResourceUnavailable.CmkNotFound"),
            new Case(shanghai, keyId, "ResourceUnavailable.CmkNotFound"))) {
      assertThat(code(() -> parameters(c.client(), c.keyId(), "RSAES_OAEP_SHA_256")))
          .as("GetParametersForImport of %s", c.keyId())
          .isEqualTo(c.code());
      // A well-formed token and material: only the key id can be refused.
      assertThat(
              code(
                  () -> importMaterial(c.client(), c.keyId(), p.getImportToken(), encrypted, null)))
          .as("ImportKeyMaterial of %s", c.keyId())
          .isEqualTo(c.code());
      DeleteImportedKeyMaterialRequest d = new DeleteImportedKeyMaterialRequest();
      d.setKeyId(c.keyId());
      assertThat(code(() -> c.client().DeleteImportedKeyMaterial(d)))
          .as("DeleteImportedKeyMaterial of %s", c.keyId())
          .isEqualTo(c.code());
    }
    // Shanghai's calls left the Guangzhou key as it was: its parameters still import.
    assertThat(describe(keyId).getKeyState()).isEqualTo("PendingImport");
    importMaterial(keyId, p.getImportToken(), encrypted, null);
    assertThat(describe(keyId).getKeyState()).isEqualTo("Enabled");
  }

  @Test
  void errors_answerTheDocumentedCodes() throws Exception {
    String keyId = externalKey("byok-errors");
    String other = externalKey("byok-errors-other");
    GetParametersForImportResponse p = parameters(keyId, "RSAES_OAEP_SHA_256");
    GetParametersForImportResponse q = parameters(other, "RSAES_OAEP_SHA_256");
    String good = wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_256", random(32));
    // Another key's token, a token that is none, a past ValidTo, a ValidTo too far.
    assertThat(code(() -> importMaterial(keyId, q.getImportToken(), good, null)))
        .isEqualTo("InvalidParameter");
    assertThat(code(() -> importMaterial(keyId, "not-a-token", good, null)))
        .isEqualTo("InvalidParameter");
    assertThat(code(() -> importMaterial(keyId, p.getImportToken(), good, 1_000_000_000L)))
        .isEqualTo("InvalidParameter");
    assertThat(code(() -> importMaterial(keyId, p.getImportToken(), good, 2_147_443_201L)))
        .isEqualTo("InvalidParameter");
    GetParametersForImportRequest bad = new GetParametersForImportRequest();
    bad.setKeyId(keyId);
    bad.setWrappingAlgorithm("RSAES_OAEP_SHA_256");
    bad.setWrappingKeySpec("RSA_4096");
    assertThat(code(() -> kms.GetParametersForImport(bad))).isEqualTo("InvalidParameter");
    // Material of the wrong length, and bytes that are no ciphertext.
    assertThat(
            code(
                () ->
                    importMaterial(
                        keyId,
                        p.getImportToken(),
                        wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_256", random(16)),
                        null)))
        .isEqualTo("InvalidParameter.DecryptMaterialError");
  }

  @Test
  void pkcs1_refusesEveryBadMaterialAlike() throws Exception {
    String keyId = externalKey("byok-pkcs1");
    GetParametersForImportResponse p = parameters(keyId, "RSAES_PKCS1_V1_5");
    byte[] first = random(32);
    importMaterial(
        keyId, p.getImportToken(), wrapInJava(p.getPublicKey(), "RSAES_PKCS1_V1_5", first), null);
    String message = null;
    for (String encrypted :
        List.of(
            wrapInJava(p.getPublicKey(), "RSAES_PKCS1_V1_5", random(32)),
            wrapInJava(p.getPublicKey(), "RSAES_PKCS1_V1_5", random(16)),
            Base64.getEncoder().encodeToString(random(256)))) {
      TencentCloudSDKException e =
          error(() -> importMaterial(keyId, p.getImportToken(), encrypted, null));
      assertThat(e.getErrorCode()).isEqualTo("InvalidParameter.DecryptMaterialError");
      if (message == null) {
        message = e.getMessage();
      }
      assertThat(e.getMessage()).isEqualTo(message);
    }
  }

  @Test
  void reimport_onlyOfTheSameMaterial_alsoAfterDeletion() throws Exception {
    String keyId = externalKey("byok-reimport");
    GetParametersForImportResponse p = parameters(keyId, "RSAES_OAEP_SHA_1");
    byte[] material = random(32);
    importMaterial(
        keyId,
        p.getImportToken(),
        wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_1", material),
        null);
    EncryptRequest e = new EncryptRequest();
    e.setKeyId(keyId);
    e.setPlaintext("AQID");
    String blob = kms.Encrypt(e).getCiphertextBlob();

    DeleteImportedKeyMaterialRequest d = new DeleteImportedKeyMaterialRequest();
    d.setKeyId(keyId);
    kms.DeleteImportedKeyMaterial(d);
    assertThat(describe(keyId).getKeyState()).isEqualTo("PendingImport");
    DecryptRequest dec = new DecryptRequest();
    dec.setCiphertextBlob(blob);
    assertThat(code(() -> kms.Decrypt(dec))).isEqualTo("ResourceUnavailable.CmkStateNotSupport");

    assertThat(
            code(
                () ->
                    importMaterial(
                        keyId,
                        p.getImportToken(),
                        wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_1", random(32)),
                        null)))
        .isEqualTo("InvalidParameterValue.MaterialNotMatch");
    long validTo = Instant.now().getEpochSecond() + 3600;
    importMaterial(
        keyId,
        p.getImportToken(),
        wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_1", material),
        validTo);
    assertThat(describe(keyId).getValidTo()).isEqualTo(validTo);
    assertThat(Base64.getDecoder().decode(kms.Decrypt(dec).getPlaintext()))
        .containsExactly(1, 2, 3);
  }

  @Test
  void aPurgedKey_keepsNeitherItsCommitmentNorItsImportParameters() throws Exception {
    String keyId = externalKey("byok-purge");
    GetParametersForImportResponse p = parameters(keyId, "RSAES_OAEP_SHA_256");
    importMaterial(
        keyId,
        p.getImportToken(),
        wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_256", random(32)),
        null);
    com.tencentcloudapi.kms.v20190118.models.DisableKeyRequest off =
        new com.tencentcloudapi.kms.v20190118.models.DisableKeyRequest();
    off.setKeyId(keyId);
    kms.DisableKey(off);
    com.tencentcloudapi.kms.v20190118.models.ScheduleKeyDeletionRequest del =
        new com.tencentcloudapi.kms.v20190118.models.ScheduleKeyDeletionRequest();
    del.setKeyId(keyId);
    del.setPendingWindowInDays(7L);
    kms.ScheduleKeyDeletion(del);
    io.vertx.sqlclient.Tuple id = io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(keyId));
    String facts =
        "SELECT c.import_commitment IS NOT NULL AS committed,"
            + " (SELECT count(*) FROM import_parameters p WHERE p.key_id = c.key_id) AS params"
            + " FROM cmks c WHERE c.key_id = $1";
    io.vertx.sqlclient.Row before = TestPostgres.query(server.databaseUrl(), facts, id).get(0);
    assertThat(before.getBoolean("committed")).isTrue();
    assertThat(before.getLong("params")).isEqualTo(1);

    TestPostgres.execute(
        server.databaseUrl(),
        "UPDATE cmks SET deletion_date = now() - interval '1 second' WHERE key_id = '"
            + keyId
            + "'");
    assertThat(server.runJobs().purged()).extracting(Object::toString).contains(keyId);

    io.vertx.sqlclient.Row after = TestPostgres.query(server.databaseUrl(), facts, id).get(0);
    assertThat(after.getBoolean("committed")).isFalse();
    assertThat(after.getLong("params")).isZero();
  }

  @Test
  void anExpiredToken_isTokenExpired() throws Exception {
    String keyId = externalKey("byok-expired-token");
    GetParametersForImportResponse p = parameters(keyId, "RSAES_OAEP_SHA_1");
    TestPostgres.execute(
        server.databaseUrl(),
        "UPDATE import_parameters SET valid_to = now() - interval '1 second' WHERE key_id = '"
            + keyId
            + "'");
    server.runJobs(); // the job keeps expired parameters a while: still "expired", not unknown
    assertThat(
            code(
                () ->
                    importMaterial(
                        keyId,
                        p.getImportToken(),
                        wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_1", random(32)),
                        null)))
        .isEqualTo("ResourceUnavailable.TokenExpired");
  }

  @Test
  void externalKeys_cannotRotate() throws Exception {
    String keyId = externalKey("byok-rotate");
    EnableKeyRotationRequest r = new EnableKeyRotationRequest();
    r.setKeyId(keyId);
    assertThat(code(() -> kms.EnableKeyRotation(r)))
        .isEqualTo("UnsupportedOperation.ExternalCmkCanNotRotate");
    // RotateKey is newer than the SDK version of the tests: a raw TC3 request.
    assertThat(
            V3Client.code(
                server
                    .bootstrapV3Client()
                    .call("RotateKey", new io.vertx.core.json.JsonObject().put("KeyId", keyId))))
        .isEqualTo("UnsupportedOperation.RotateNotSupported");
  }

  @Test
  void validTo_isCheckedAtEveryUse_thenTheJobReturnsTheKeyToPendingImport() throws Exception {
    String keyId = externalKey("byok-valid-to");
    GetParametersForImportResponse p = parameters(keyId, "RSAES_OAEP_SHA_256");
    long validTo = Instant.now().getEpochSecond() + 3;
    importMaterial(
        keyId,
        p.getImportToken(),
        wrapInJava(p.getPublicKey(), "RSAES_OAEP_SHA_256", random(32)),
        validTo);
    assertThat(describe(keyId).getValidTo()).isEqualTo(validTo);
    roundTrip(keyId); // the key is now cached
    Thread.sleep((validTo + 1 - Instant.now().getEpochSecond()) * 1000 + 200);
    EncryptRequest e = new EncryptRequest();
    e.setKeyId(keyId);
    e.setPlaintext("AQID");
    assertThat(code(() -> kms.Encrypt(e))).isEqualTo("ResourceUnavailable.CmkStateNotSupport");
    assertThat(server.runJobs().expired()).contains(io.tkms.domain.KeyId.parse(keyId));
    KeyMetadata md = describe(keyId);
    assertThat(md.getKeyState()).isEqualTo("PendingImport");
    assertThat(md.getValidTo()).isZero();
  }

  @Test
  void importAttempts_areLimitedPerKey() throws Exception {
    String keyId = externalKey("byok-throttled");
    GetParametersForImportResponse p = parameters(keyId, "RSAES_OAEP_SHA_1");
    String garbage = Base64.getEncoder().encodeToString(random(256));
    for (int i = 0; i < 5; i++) {
      assertThat(code(() -> importMaterial(keyId, p.getImportToken(), garbage, null)))
          .isEqualTo("InvalidParameter.DecryptMaterialError");
    }
    assertThat(code(() -> importMaterial(keyId, p.getImportToken(), garbage, null)))
        .isEqualTo("RequestLimitExceeded");
    // Another key's attempts are its own.
    String other = externalKey("byok-throttled-other");
    GetParametersForImportResponse q = parameters(other, "RSAES_OAEP_SHA_1");
    importMaterial(
        other,
        q.getImportToken(),
        wrapInJava(q.getPublicKey(), "RSAES_OAEP_SHA_1", random(32)),
        null);
  }
}
