package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ciphertext format v2 (the SM profile) against the known-answer vectors of {@code
 * gen_sm_vectors.py}, an independent Python implementation of SM3, SM4 and GCM; and the SM
 * primitives against the published SM4-GCM example of RFC 8998.
 */
class SmMessageCipherTest {
  private static final HexFormat HEX = HexFormat.of();

  static List<CiphertextVector> vectors() {
    return CiphertextVector.load(CiphertextVector.SM_RESOURCE);
  }

  @Test
  void vectors_fileHasTheRequiredCases() {
    assertThat(vectors())
        .extracting(CiphertextVector::name)
        .contains(
            "sm-empty-context", "sm-non-empty-context", "sm-empty-plaintext", "sm-max-plaintext");
    assertThat(vectors()).allSatisfy(v -> assertThat(v.material()).hasSize(16));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void seal_withVectorRandomness_reproducesExpectedBlob(CiphertextVector v) {
    FixedRandomSource random = new FixedRandomSource(v.salt(), v.nonce());
    CiphertextBlob blob =
        new MessageCipher(random)
            .seal(
                CiphertextBlob.FORMAT_V2_SM,
                SecretBytes.copyOf(v.material()),
                KeyId.parse(v.keyId()),
                v.keyVersion(),
                v.appId(),
                EncryptionContext.parse(v.context()),
                v.plaintext());

    assertThat(blob.encodeBase64()).isEqualTo(v.blob());
    assertThat(random.exhausted()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_vectorBlob_returnsPlaintext(CiphertextVector v) {
    CiphertextBlob blob = CiphertextBlob.decodeBase64(v.blob());
    assertThat(blob.formatVersion()).isEqualTo(CiphertextBlob.FORMAT_V2_SM);

    byte[] plaintext =
        cipher()
            .open(
                SecretBytes.copyOf(v.material()),
                blob,
                v.appId(),
                EncryptionContext.parse(v.context()));

    assertThat(plaintext).isEqualTo(v.plaintext());
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_withAnySingleByteFlipped_failsWithInvalidCiphertext(CiphertextVector v) {
    byte[] raw = Base64.getDecoder().decode(v.blob());
    for (int i = 0; i < Math.min(raw.length, 200); i++) {
      byte[] tampered = raw.clone();
      tampered[i] ^= 0x01;
      assertInvalidCiphertext(
          () ->
              cipher()
                  .open(
                      SecretBytes.copyOf(v.material()),
                      CiphertextBlob.decode(tampered),
                      v.appId(),
                      EncryptionContext.parse(v.context())));
    }
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_underMaterialOfTheAesFormat_failsWithInvalidCiphertext(CiphertextVector v) {
    byte[] aesMaterial = new byte[32];
    System.arraycopy(v.material(), 0, aesMaterial, 0, 16);
    assertInvalidCiphertext(
        () ->
            cipher()
                .open(
                    SecretBytes.copyOf(aesMaterial),
                    CiphertextBlob.decodeBase64(v.blob()),
                    v.appId(),
                    EncryptionContext.parse(v.context())));
  }

  @Test
  void anAesBlobRelabelledAsSm_orBack_failsWithInvalidCiphertext() {
    CiphertextVector aes = CiphertextVector.load().get(0);
    byte[] raw = Base64.getDecoder().decode(aes.blob());
    raw[0] = (byte) CiphertextBlob.FORMAT_V2_SM;
    byte[] sm16 = new byte[16];
    System.arraycopy(aes.material(), 0, sm16, 0, 16);
    assertInvalidCiphertext(
        () ->
            cipher()
                .open(
                    SecretBytes.copyOf(sm16),
                    CiphertextBlob.decode(raw),
                    aes.appId(),
                    EncryptionContext.parse(aes.context())));

    CiphertextVector sm = vectors().get(0);
    byte[] smRaw = Base64.getDecoder().decode(sm.blob());
    smRaw[0] = (byte) CiphertextBlob.FORMAT_V1;
    assertInvalidCiphertext(
        () ->
            cipher()
                .open(
                    SecretBytes.copyOf(sm.material()),
                    CiphertextBlob.decode(smRaw),
                    sm.appId(),
                    EncryptionContext.parse(sm.context())));
  }

  @Test
  void sealAndOpen_roundTripWithSecureRandom() {
    MessageCipher cipher = cipher();
    SecretBytes material = SecretBytes.wrap(HEX.parseHex("00112233445566778899aabbccddeeff"));
    KeyId keyId = KeyId.parse("3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c");
    byte[] text = "国密 SM4-GCM".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    CiphertextBlob a =
        cipher.seal(
            CiphertextBlob.FORMAT_V2_SM,
            material,
            keyId,
            1,
            "1250000000",
            EncryptionContext.EMPTY,
            text);
    CiphertextBlob b =
        cipher.seal(
            CiphertextBlob.FORMAT_V2_SM,
            material,
            keyId,
            1,
            "1250000000",
            EncryptionContext.EMPTY,
            text);
    assertThat(a).isNotEqualTo(b);
    assertThat(cipher.open(material, a, "1250000000", EncryptionContext.EMPTY)).isEqualTo(text);
    assertThat(cipher.open(material, b, "1250000000", EncryptionContext.EMPTY)).isEqualTo(text);
  }

  /** RFC 8998 appendix A.1: SM4-GCM with a 12-byte IV, AAD and a 64-byte plaintext. */
  @Test
  void sm4Gcm_matchesRfc8998() {
    byte[] key = HEX.parseHex("0123456789abcdeffedcba9876543210");
    byte[] iv = HEX.parseHex("00001234567800000000abcd");
    byte[] aad = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    byte[] plaintext =
        HEX.parseHex(
            "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
                + "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa");
    String expected =
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
            + "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
            + "83de3541e4c2b58177e065a9bf7b62ec";

    byte[] sealed = Sm4Gcm.seal(key, iv, plaintext, aad);

    assertThat(HEX.formatHex(sealed)).isEqualTo(expected);
    assertThat(Sm4Gcm.open(key, iv, sealed, aad)).isEqualTo(plaintext);
    sealed[0] ^= 1;
    assertInvalidCiphertext(() -> Sm4Gcm.open(key, iv, sealed, aad));
  }

  private static MessageCipher cipher() {
    return new MessageCipher(RandomSource.secure());
  }

  private static void assertInvalidCiphertext(Runnable call) {
    KmsException e = catchThrowableOfType(KmsException.class, call::run);
    assertThat(e).as("expected InvalidCiphertext").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }
}
