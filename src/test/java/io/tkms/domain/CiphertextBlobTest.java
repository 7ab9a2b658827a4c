package io.tkms.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CiphertextBlobTest {
  private static final KeyId KEY_ID = KeyId.parse("3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c");
  private static final byte[] SALT = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  private static final byte[] NONCE = HexFormat.of().parseHex("b0b1b2b3b4b5b6b7b8b9babb");

  private static CiphertextBlob blob(int sealedLength) {
    byte[] sealed = new byte[sealedLength];
    Arrays.fill(sealed, (byte) 0x5a);
    return new CiphertextBlob(CiphertextBlob.FORMAT_V1, KEY_ID, 258, SALT, NONCE, sealed);
  }

  @Test
  void header_hasTheDocumentedLayout() {
    assertThat(HexFormat.of().formatHex(blob(16).header()))
        .isEqualTo(
            "01"
                + "3f2a6c1e9b7d4e218c5a0d6f1b2e3a4c"
                + "00000102"
                + "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    assertThat(CiphertextBlob.HEADER_LENGTH).isEqualTo(37);
    assertThat(CiphertextBlob.MIN_LENGTH).isEqualTo(65);
  }

  @Test
  void encode_isHeaderNonceSealed_andDecodesBack() {
    CiphertextBlob blob = blob(20);
    byte[] raw = blob.encode();

    assertThat(raw).hasSize(37 + 12 + 20).hasSize(blob.length());
    assertThat(Arrays.copyOfRange(raw, 37, 49)).isEqualTo(NONCE);
    assertThat(CiphertextBlob.decode(raw)).isEqualTo(blob).hasSameHashCodeAs(blob);
    assertThat(CiphertextBlob.decode(raw).encode()).isEqualTo(raw);
    assertThat(CiphertextBlob.decodeBase64(blob.encodeBase64())).isEqualTo(blob);
  }

  @Test
  void decode_minimumAndMaximumLengths_areAccepted() {
    assertThat(CiphertextBlob.decode(blob(16).encode()).sealed()).hasSize(16);
    byte[] max = blob(CiphertextBlob.MAX_LENGTH - 49).encode();
    assertThat(max).hasSize(CiphertextBlob.MAX_LENGTH);
    assertThat(CiphertextBlob.decode(max).length()).isEqualTo(CiphertextBlob.MAX_LENGTH);
    assertThat(CiphertextBlob.decodeBase64(Base64.getEncoder().encodeToString(max))).isNotNull();
  }

  @Test
  void decode_tooShortOrTooLong_failsWithInvalidCiphertext() {
    byte[] raw = blob(16).encode();
    assertInvalidCiphertext(() -> CiphertextBlob.decode(null));
    assertInvalidCiphertext(() -> CiphertextBlob.decode(new byte[0]));
    assertInvalidCiphertext(() -> CiphertextBlob.decode(Arrays.copyOf(raw, 64)));
    byte[] tooLong = Arrays.copyOf(raw, CiphertextBlob.MAX_LENGTH + 1);
    assertInvalidCiphertext(() -> CiphertextBlob.decode(tooLong));
    assertInvalidCiphertext(
        () -> CiphertextBlob.decodeBase64(Base64.getEncoder().encodeToString(tooLong)));
  }

  @Test
  void decode_theSmFormat_keepsItsVersionByte_andEncodesBackToTheSameBytes() {
    byte[] raw = blob(16).encode();
    raw[0] = (byte) CiphertextBlob.FORMAT_V2_SM;
    CiphertextBlob sm = CiphertextBlob.decode(raw);
    assertThat(sm.formatVersion()).isEqualTo(CiphertextBlob.FORMAT_V2_SM);
    assertThat(sm.header()[0]).isEqualTo((byte) CiphertextBlob.FORMAT_V2_SM);
    assertThat(sm.encode()).isEqualTo(raw);
    assertThat(sm).isNotEqualTo(CiphertextBlob.decode(blob(16).encode()));
  }

  @Test
  void decode_unknownVersionByte_failsWithInvalidCiphertext() {
    for (int version : new int[] {0x00, 0x03, 0x81, 0xff}) {
      byte[] raw = blob(16).encode();
      raw[0] = (byte) version;
      assertInvalidCiphertext(() -> CiphertextBlob.decode(raw));
    }
  }

  @Test
  void decode_keyVersionZeroOrAboveIntMax_failsWithInvalidCiphertext() {
    byte[] zero = blob(16).encode();
    Arrays.fill(zero, 17, 21, (byte) 0);
    assertInvalidCiphertext(() -> CiphertextBlob.decode(zero));

    byte[] high = blob(16).encode();
    high[17] = (byte) 0x80;
    assertInvalidCiphertext(() -> CiphertextBlob.decode(high));
  }

  @Test
  void decodeBase64_nonCanonicalSpelling_failsWithInvalidCiphertext() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    String oneByteOver = blob(17).encodeBase64(); // 66 bytes: no padding
    String twoPad = blob(18).encodeBase64(); // 67 bytes: "=="
    String onePad = blob(19).encodeBase64(); // 68 bytes: "="
    assertThat(oneByteOver).doesNotEndWith("=");
    assertThat(twoPad).endsWith("==");
    assertThat(onePad).endsWith("=").doesNotEndWith("==");

    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(onePad.replace("=", "")));
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(twoPad.replace("==", "")));
    // The character before the padding carries unused low bits that must be zero; setting one
    // gives a spelling java.util.Base64 alone would accept.
    char last = onePad.charAt(onePad.length() - 2);
    char withPadBit = alphabet.charAt(alphabet.indexOf(last) + 1);
    String nonCanonical = onePad.substring(0, onePad.length() - 2) + withPadBit + "=";
    assertThat(Base64.getDecoder().decode(nonCanonical)).isEqualTo(blob(19).encode());
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(nonCanonical));
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(oneByteOver + "===="));
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64("\t" + oneByteOver.substring(1)));
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(null));
  }

  @Test
  void constructor_copiesArraysInAndOut() {
    byte[] salt = SALT.clone();
    CiphertextBlob blob = new CiphertextBlob(1, KEY_ID, 1, salt, NONCE, new byte[16]);
    salt[0] = 0;
    blob.salt()[1] = 0;
    blob.sealed()[0] = 1;
    assertThat(blob.salt()).isEqualTo(SALT);
    assertThat(blob.sealed()).isEqualTo(new byte[16]);
  }

  @Test
  void constructor_withImpossibleValues_isAProgrammingError() {
    assertThatThrownBy(() -> new CiphertextBlob(3, KEY_ID, 1, SALT, NONCE, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CiphertextBlob(1, KEY_ID, 0, SALT, NONCE, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CiphertextBlob(1, KEY_ID, 1, new byte[15], NONCE, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CiphertextBlob(1, KEY_ID, 1, SALT, new byte[16], new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CiphertextBlob(1, KEY_ID, 1, SALT, NONCE, new byte[15]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toString_showsOnlyKeyIdVersionAndLength() {
    assertThat(blob(16).toString())
        .isEqualTo(
            "CiphertextBlob[keyId=3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c, keyVersion=258, length=65]");
  }

  private static void assertInvalidCiphertext(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CIPHERTEXT));
  }
}
