package io.tkms.application;

import static io.tkms.application.InMemoryKms.ALICE;
import static io.tkms.application.InMemoryKms.ALICE_IN_BEIJING;
import static io.tkms.application.fakes.Outcomes.failure;
import static io.tkms.application.fakes.Outcomes.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.CryptoService.ReEncrypted;
import io.tkms.application.CryptoService.ReEncryption;
import io.tkms.application.port.Hsa;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.SecretBytes;
import io.tkms.domain.SymmetricAlgorithm;
import io.tkms.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The SM profile over in-memory fakes: a symmetric key made in a region of the SM profile is SM4
 * (16-byte material, format v2 blobs, per-message work on the worker pool), elsewhere AES-256, and
 * each stays what it was made.
 */
class SmProfileTest {
  private static final EncryptionContext CTX = EncryptionContext.parse("{\"app\":\"billing\"}");

  private final InMemoryKms kms = new InMemoryKms();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private int materialLength(KeyId key, int version) {
    KeyMetadata md = kms.keyRepository.metadata(key);
    Hsa.Wrapped w = kms.keyRepository.material(key, version);
    try (SecretBytes m =
        kms.hsa.unwrap(w, KeyMaterialCache.wrapContext(md.appId(), md.region(), key, version))) {
      return m.length();
    }
  }

  @Test
  void aKeyMadeInAnSmRegion_isSm4_with16ByteMaterial() {
    KeyId sm = kms.newKey(ALICE_IN_BEIJING, "sm");
    KeyId aes = kms.newKey(ALICE, "aes");

    assertThat(kms.keyRepository.metadata(sm).algorithm()).isEqualTo(SymmetricAlgorithm.SM4);
    assertThat(kms.keyRepository.metadata(aes).algorithm()).isEqualTo(SymmetricAlgorithm.AES_256);
    assertThat(materialLength(sm, 1)).isEqualTo(16);
    assertThat(materialLength(aes, 1)).isEqualTo(32);
    assertThat(kms.keys.algorithmFor(ALICE_IN_BEIJING.region())).isEqualTo(SymmetricAlgorithm.SM4);
  }

  @Test
  void sm4Messages_areFormatV2_andRoundTrip_onTheWorkerPool() {
    KeyId sm = kms.newKey(ALICE_IN_BEIJING, "sm");
    int aeadBefore = kms.aead.tasks();

    byte[] blob =
        succeeded(kms.crypto.encrypt(ALICE_IN_BEIJING, sm, bytes("身份证 110101"), CTX)).blob();
    CiphertextBlob decoded = CiphertextBlob.decode(blob);
    assertThat(decoded.formatVersion()).isEqualTo(CiphertextBlob.FORMAT_V2_SM);
    try (SecretBytes pt =
        succeeded(kms.crypto.decrypt(ALICE_IN_BEIJING, decoded, CTX)).plaintext()) {
      assertThat(new String(pt.bytes(), StandardCharsets.UTF_8)).isEqualTo("身份证 110101");
    }
    CryptoService.DataKey dk = succeeded(kms.crypto.generateDataKey(ALICE_IN_BEIJING, sm, 16, CTX));
    try (SecretBytes opened =
            succeeded(kms.crypto.decrypt(ALICE_IN_BEIJING, CiphertextBlob.decode(dk.blob()), CTX))
                .plaintext();
        SecretBytes plain = dk.plaintext()) {
      assertThat(opened.bytes()).isEqualTo(plain.bytes());
    }
    // Three SM4 operations, none of them inline.
    assertThat(kms.aead.tasks()).isEqualTo(aeadBefore);
  }

  @Test
  void aesMessages_stayFormatV1_inTheInlineExecutor() {
    KeyId aes = kms.newKey(ALICE, "aes");
    int aeadBefore = kms.aead.tasks();
    byte[] blob = succeeded(kms.crypto.encrypt(ALICE, aes, bytes("x"), CTX)).blob();
    assertThat(CiphertextBlob.decode(blob).formatVersion()).isEqualTo(CiphertextBlob.FORMAT_V1);
    assertThat(kms.aead.tasks()).isEqualTo(aeadBefore + 1);
  }

  @Test
  void aBlobOfTheOtherFormat_namingAnSm4Key_doesNotOpen() {
    KeyId sm = kms.newKey(ALICE_IN_BEIJING, "sm");
    CiphertextBlob real =
        CiphertextBlob.decode(
            succeeded(kms.crypto.encrypt(ALICE_IN_BEIJING, sm, bytes("x"), CTX)).blob());
    CiphertextBlob forged =
        new CiphertextBlob(
            CiphertextBlob.FORMAT_V1,
            real.keyId(),
            real.keyVersion(),
            real.salt(),
            real.nonce(),
            real.sealed());

    assertThat(failure(kms.crypto.decrypt(ALICE_IN_BEIJING, forged, CTX)))
        .isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void reEncrypt_movesCiphertextsBetweenTheProfiles_inTheDestinationsFormat() {
    Caller beijing = ALICE_IN_BEIJING;
    KeyId sm = kms.newKey(beijing, "sm");
    KeyId sm2 = kms.newKey(beijing, "sm-other");
    CiphertextBlob blob =
        CiphertextBlob.decode(
            succeeded(kms.crypto.encrypt(beijing, sm, bytes("move"), CTX)).blob());

    ReEncrypted moved =
        succeeded(kms.crypto.reEncrypt(beijing, new ReEncryption(blob, CTX, sm2, CTX)));
    CiphertextBlob out = CiphertextBlob.decode(moved.blob());
    assertThat(out.formatVersion()).isEqualTo(CiphertextBlob.FORMAT_V2_SM);
    assertThat(out.keyId()).isEqualTo(sm2);
    try (SecretBytes pt = succeeded(kms.crypto.decrypt(beijing, out, CTX)).plaintext()) {
      assertThat(new String(pt.bytes(), StandardCharsets.UTF_8)).isEqualTo("move");
    }
  }

  @Test
  void theRotationJob_runsEvenWhenThePurgeFails_andTheRunReportsTheFailure() {
    KeyId sm = kms.newKey(ALICE_IN_BEIJING, "sm");
    succeeded(kms.keys.enableRotation(ALICE_IN_BEIJING, sm, 7));
    kms.clock.advance(Duration.ofDays(8));
    kms.keyRepository.failNextPurge(io.tkms.error.KmsException.internal("database away"));

    assertThat(failure(kms.jobs.runOnce())).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(kms.keyRepository.metadata(sm).currentVersion()).isEqualTo(2);
    assertThat(materialLength(sm, 2)).isEqualTo(16);
  }

  @Test
  void rotatingAnSm4Key_makesSm4Material_manuallyAndByTheJob() {
    KeyId sm = kms.newKey(ALICE_IN_BEIJING, "sm");
    CiphertextBlob before =
        CiphertextBlob.decode(
            succeeded(kms.crypto.encrypt(ALICE_IN_BEIJING, sm, bytes("old"), CTX)).blob());

    assertThat(succeeded(kms.keys.rotate(ALICE_IN_BEIJING, sm))).isEqualTo(2);
    assertThat(materialLength(sm, 2)).isEqualTo(16);
    succeeded(kms.keys.enableRotation(ALICE_IN_BEIJING, sm, 7));
    kms.clock.advance(Duration.ofDays(8));
    assertThat(succeeded(kms.jobs.runOnce()).rotated()).contains(sm);
    assertThat(materialLength(sm, 3)).isEqualTo(16);

    CiphertextBlob after =
        CiphertextBlob.decode(
            succeeded(kms.crypto.encrypt(ALICE_IN_BEIJING, sm, bytes("new"), CTX)).blob());
    assertThat(after.keyVersion()).isEqualTo(3);
    assertThat(after.formatVersion()).isEqualTo(CiphertextBlob.FORMAT_V2_SM);
    try (SecretBytes pt =
        succeeded(kms.crypto.decrypt(ALICE_IN_BEIJING, before, CTX)).plaintext()) {
      assertThat(new String(pt.bytes(), StandardCharsets.UTF_8)).isEqualTo("old");
    }
  }
}
