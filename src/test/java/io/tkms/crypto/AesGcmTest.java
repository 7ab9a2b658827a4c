package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AesGcmTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] KEY =
      HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] NONCE = HEX.parseHex("cafebabefacedbaddecaf888");
  private static final byte[] AAD = "header".getBytes(StandardCharsets.UTF_8);

  /** Several tests encrypt under the same key and nonce on purpose: each starts on a new engine. */
  @BeforeEach
  void freshEngine() {
    Jca.freshAesGcm();
  }

  @Test
  void seal_nistGcmTestCase13_emptyPlaintextGivesKnownTag() {
    // McGrew & Viega GCM spec, test case 13 (AES-256, zero key and IV, empty plaintext).
    byte[] out = AesGcm.seal(new byte[32], new byte[12], new byte[0], null);
    assertThat(HEX.formatHex(out)).isEqualTo("530f8afbc74536b9a963b4f1c4cb738b");
  }

  @Test
  void seal_nistGcmTestCase14_oneZeroBlockGivesKnownCiphertextAndTag() {
    byte[] out = AesGcm.seal(new byte[32], new byte[12], new byte[16], null);
    assertThat(HEX.formatHex(out))
        .isEqualTo("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
  }

  @Test
  void open_ofSeal_returnsPlaintext() {
    byte[] plaintext = "attack at dawn".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = AesGcm.seal(KEY, NONCE, plaintext, AAD);

    assertThat(sealed).hasSize(plaintext.length + AesGcm.TAG_LENGTH);
    assertThat(AesGcm.open(KEY, NONCE, sealed, AAD)).isEqualTo(plaintext);
  }

  @Test
  void open_ofSliceInLargerArray_returnsPlaintext() {
    byte[] sealed = AesGcm.seal(KEY, NONCE, new byte[] {1, 2, 3}, AAD);
    byte[] framed = new byte[sealed.length + 10];
    System.arraycopy(sealed, 0, framed, 7, sealed.length);

    assertThat(AesGcm.open(KEY, NONCE, framed, 7, sealed.length, AAD)).containsExactly(1, 2, 3);
  }

  @Test
  void seal_sameKeyAndNonceTwiceOnOneThread_isRefused_asTheBugItWouldBe() {
    AesGcm.seal(KEY, NONCE, new byte[] {42}, AAD);
    assertThatThrownBy(() -> AesGcm.seal(KEY, NONCE, new byte[] {43}, AAD))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
    // Only a test asks for a new engine to repeat a known answer.
    Jca.freshAesGcm();
    assertThat(AesGcm.seal(KEY, NONCE, new byte[] {42}, AAD)).hasSize(17);
  }

  @Test
  void isolatedOperations_leaveTheThreadsCachedEngineAsItWas() {
    AesGcm.seal(KEY, NONCE, new byte[] {1}, AAD);
    byte[] rootKey = new byte[32];
    byte[] otherNonce = HEX.parseHex("000000000000000000000001");
    byte[] sealed = AesGcm.sealIsolated(rootKey, otherNonce, new byte[] {2}, AAD);
    AesGcm.openIsolated(rootKey, otherNonce, sealed, 0, sealed.length, AAD);
    // The cached engine still holds the last ordinary operation's nonce, not the root key's.
    assertThat(Jca.aesGcm().getIV()).isEqualTo(NONCE);
  }

  @Test
  void open_withTamperedTag_failsWithInvalidCiphertext() {
    byte[] sealed = AesGcm.seal(KEY, NONCE, new byte[] {1, 2, 3}, AAD);
    sealed[sealed.length - 1] ^= 1;
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, sealed, AAD));
  }

  @Test
  void open_withTamperedCiphertextOrAad_failsWithInvalidCiphertext() {
    byte[] sealed = AesGcm.seal(KEY, NONCE, new byte[] {1, 2, 3}, AAD);
    byte[] tampered = sealed.clone();
    tampered[0] ^= 1;
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, tampered, AAD));
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, sealed, null));
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, sealed, "headex".getBytes()));
  }

  @Test
  void open_withWrongKeyOrNonce_failsWithInvalidCiphertext() {
    byte[] sealed = AesGcm.seal(KEY, NONCE, new byte[] {1, 2, 3}, AAD);
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    byte[] otherNonce = NONCE.clone();
    otherNonce[11] ^= 1;
    assertInvalidCiphertext(() -> AesGcm.open(otherKey, NONCE, sealed, AAD));
    assertInvalidCiphertext(() -> AesGcm.open(KEY, otherNonce, sealed, AAD));
  }

  @Test
  void open_withBadLengths_failsWithInvalidCiphertext() {
    byte[] sealed = AesGcm.seal(KEY, NONCE, new byte[] {1, 2, 3}, AAD);
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, new byte[15], AAD));
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, null, AAD));
    assertInvalidCiphertext(() -> AesGcm.open(KEY, new byte[11], sealed, AAD));
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, sealed, 1, sealed.length, AAD));
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, sealed, -1, 16, AAD));
    assertInvalidCiphertext(() -> AesGcm.open(KEY, NONCE, sealed, Integer.MAX_VALUE, 16, AAD));
  }

  @Test
  void sealAndOpen_withKeyNot32Bytes_isAProgrammingError() {
    assertThatThrownBy(() -> AesGcm.seal(new byte[16], NONCE, new byte[0], null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AesGcm.open(new byte[24], NONCE, new byte[16], null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AesGcm.seal(KEY, new byte[16], new byte[0], null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertInvalidCiphertext(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CIPHERTEXT));
  }
}
