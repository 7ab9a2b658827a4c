package io.tkms.application;

import static io.tkms.application.InMemoryKms.ALICE;
import static io.tkms.application.InMemoryKms.BOB;
import static io.tkms.application.fakes.Outcomes.failure;
import static io.tkms.application.fakes.Outcomes.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.crypto.PublicKeys;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.SecretBytes;
import io.tkms.domain.SigningAlgorithm;
import io.tkms.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The asymmetric use cases over in-memory fakes: keys made from the HSA's randomness and wrapped
 * like symmetric material, who may use which key for what, and the error of each refusal.
 */
class AsymmetricServiceTest {
  private final InMemoryKms kms = new InMemoryKms();
  private final AsymmetricService asym = kms.asymmetric;
  private static final byte[] MESSAGE = "sign me".getBytes(StandardCharsets.UTF_8);

  private KeyMetadata create(Caller caller, KeyUsage usage) {
    return succeeded(kms.keys.create(caller, KeyService.NewKey.DEFAULT.withUsage(usage)));
  }

  @Test
  void create_makesAKeyPair_fromTheHsasRandom_wrappedAsMaterialIs() {
    long before = kms.hsa.randomBytesDrawn();
    KeyMetadata md = create(ALICE, KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC);
    assertThat(kms.hsa.randomBytesDrawn()).isGreaterThan(before);
    assertThat(md.usage()).isEqualTo(KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC);
    assertThat(md.publicKey()).startsWith("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE");
    assertThat(succeeded(kms.keys.describe(ALICE, md.keyId())).usage())
        .isEqualTo(KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC);
    AsymmetricService.PublicKey pk = succeeded(asym.publicKey(ALICE, md.keyId()));
    assertThat(pk.base64()).isEqualTo(md.publicKey());
    assertThat(pk.pem()).isEqualTo(PublicKeys.pem(Base64.getDecoder().decode(md.publicKey())));
  }

  @Test
  void sign_thenVerify_forEveryAlgorithm() {
    for (SigningAlgorithm a : SigningAlgorithm.values()) {
      KeyId key = create(ALICE, a.usage()).keyId();
      byte[] sig = succeeded(asym.sign(ALICE, key, a, MESSAGE, false));
      assertThat(succeeded(asym.verify(ALICE, key, a, MESSAGE, false, sig))).as(a.name()).isTrue();
      assertThat(succeeded(asym.verify(ALICE, key, a, "other".getBytes(), false, sig))).isFalse();
    }
  }

  @Test
  void misuse_isRefused_withTheDecidedCodes() {
    KeyId symmetric = kms.newKey(ALICE, "sym");
    KeyId rsaSign = create(ALICE, KeyUsage.ASYMMETRIC_SIGN_VERIFY_RSA_2048).keyId();
    KeyId rsaDecrypt = create(ALICE, KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048).keyId();
    KeyId p384 = create(ALICE, KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECDSA384).keyId();
    assertThat(failure(asym.sign(ALICE, symmetric, SigningAlgorithm.ECC_P256_R1, MESSAGE, false)))
        .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
    assertThat(
            failure(asym.sign(ALICE, rsaDecrypt, SigningAlgorithm.RSA_PSS_SHA_256, MESSAGE, false)))
        .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
    assertThat(
            failure(
                asym.decrypt(ALICE, rsaSign, EncryptionAlgorithm.RSAES_OAEP_SHA_1, new byte[256])))
        .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
    assertThat(
            failure(
                asym.decrypt(
                    ALICE, rsaDecrypt, EncryptionAlgorithm.SM2_C1C3C2_ASN1, new byte[120])))
        .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
    assertThat(
            failure(
                kms.crypto.encrypt(ALICE, rsaDecrypt, MESSAGE.clone(), EncryptionContext.EMPTY)))
        .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
    assertThat(failure(kms.crypto.generateDataKey(ALICE, rsaSign, 32, EncryptionContext.EMPTY)))
        .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
    assertThat(failure(asym.sign(ALICE, rsaSign, SigningAlgorithm.ECC_P256_R1, MESSAGE, false)))
        .isEqualTo(ErrorCode.INVALID_PARAMETER);
    assertThat(
            failure(asym.sign(ALICE, p384, SigningAlgorithm.ECDSA384_SHA384, new byte[32], true)))
        .isEqualTo(ErrorCode.INVALID_PARAMETER);
    assertThat(
            succeeded(asym.sign(ALICE, p384, SigningAlgorithm.ECDSA384_SHA384, new byte[48], true)))
        .isNotEmpty();
    assertThat(failure(asym.publicKey(ALICE, symmetric))).isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
    assertThat(failure(asym.publicKey(BOB, rsaSign))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThat(failure(kms.keys.enableRotation(ALICE, rsaSign, 30)))
        .isEqualTo(ErrorCode.UNSUPPORTED_OPERATION);
  }

  @Test
  void aKeyNotEnabled_cannotBeUsed() {
    KeyId key = create(ALICE, KeyUsage.ASYMMETRIC_SIGN_VERIFY_SM2).keyId();
    for (KeyState s :
        new KeyState[] {KeyState.DISABLED, KeyState.PENDING_DELETE, KeyState.ARCHIVED}) {
      kms.putInState(key, s);
      assertThat(failure(asym.publicKey(ALICE, key)))
          .as(s.name())
          .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
      assertThat(failure(asym.sign(ALICE, key, SigningAlgorithm.SM2DSA, MESSAGE, false)))
          .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    }
    kms.putInState(key, KeyState.PURGED);
    assertThat(failure(asym.publicKey(ALICE, key))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void aKeyOfTheWrongUsage_isRefusedForItsUsage_beforeItsState() {
    KeyId symmetric = kms.newKey(ALICE, "sym-usage-first");
    KeyId signer = create(ALICE, KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC).keyId();
    KeyId rsa = create(ALICE, KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048).keyId();
    KeyId sm2 = create(ALICE, KeyUsage.ASYMMETRIC_DECRYPT_SM2).keyId();
    for (KeyState s :
        new KeyState[] {
          KeyState.ENABLED, KeyState.DISABLED, KeyState.PENDING_DELETE, KeyState.ARCHIVED
        }) {
      for (KeyId k : new KeyId[] {symmetric, signer, rsa, sm2}) {
        kms.putInState(k, s);
      }
      assertThat(failure(asym.publicKey(ALICE, symmetric)))
          .as(s.name())
          .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
      assertThat(failure(asym.sign(ALICE, rsa, SigningAlgorithm.RSA_PSS_SHA_256, MESSAGE, false)))
          .as(s.name())
          .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
      assertThat(failure(asym.verify(ALICE, sm2, SigningAlgorithm.SM2DSA, MESSAGE, false, MESSAGE)))
          .as(s.name())
          .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
      assertThat(
              failure(
                  asym.decrypt(
                      ALICE, signer, EncryptionAlgorithm.RSAES_OAEP_SHA_256, new byte[256])))
          .as(s.name())
          .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
      assertThat(
              failure(
                  asym.decrypt(ALICE, sm2, EncryptionAlgorithm.RSAES_OAEP_SHA_256, new byte[256])))
          .as(s.name())
          .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
      assertThat(
              failure(asym.decrypt(ALICE, rsa, EncryptionAlgorithm.SM2_C1C3C2_ASN1, new byte[120])))
          .as(s.name())
          .isEqualTo(ErrorCode.KEY_USAGE_MISMATCH);
    }
  }

  @Test
  void decrypt_opensWhatThePublicKeyEncrypted() {
    KeyMetadata rsa = create(ALICE, KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048);
    KeyMetadata sm2 = create(ALICE, KeyUsage.ASYMMETRIC_DECRYPT_SM2);
    SecureRandom rng = new SecureRandom();
    byte[] ct =
        PublicKeys.encrypt(
            Base64.getDecoder().decode(rsa.publicKey()),
            EncryptionAlgorithm.RSAES_OAEP_SHA_256,
            MESSAGE,
            rng);
    try (SecretBytes pt =
        succeeded(asym.decrypt(ALICE, rsa.keyId(), EncryptionAlgorithm.RSAES_OAEP_SHA_256, ct))) {
      assertThat(pt.bytes()).isEqualTo(MESSAGE);
    }
    assertThat(
            failure(
                asym.decrypt(
                    ALICE, rsa.keyId(), EncryptionAlgorithm.RSAES_PKCS1_V1_5, new byte[256])))
        .isEqualTo(ErrorCode.DECRYPT_FAILED);
    byte[] sm2ct =
        PublicKeys.encrypt(
            Base64.getDecoder().decode(sm2.publicKey()),
            EncryptionAlgorithm.SM2_C1C3C2_ASN1,
            MESSAGE,
            rng);
    try (SecretBytes pt =
        succeeded(asym.decrypt(ALICE, sm2.keyId(), EncryptionAlgorithm.SM2_C1C3C2_ASN1, sm2ct))) {
      assertThat(pt.bytes()).isEqualTo(MESSAGE);
    }
  }
}
