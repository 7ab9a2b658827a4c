package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.SigningAlgorithm;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;

/**
 * Fuzz tests for the parsers of client-controlled asymmetric inputs: SM2 ciphertexts (DER), public
 * keys (PEM, SubjectPublicKeyInfo) and signatures (DER and raw). A ciphertext may fail only as
 * DECRYPT_FAILED, a public key only as INVALID_PARAMETER, and a signature never fails: it is valid
 * or not. Seeds under {@code
 * src/test/resources/io/tkms/crypto/AsymmetricParserFuzzTestInputs/<method>/}; fuzzing one method:
 * {@code JAZZER_FUZZ=1 ./mvnw test -Dtest='AsymmetricParserFuzzTest#sm2Ciphertext'
 * -DargLine=-Xmx256m}.
 */
class AsymmetricParserFuzzTest {
  private static final String TEN_MINUTES = "10m";
  private static final SecureRandom RNG = new SecureRandom();
  private static final Map<KeyUsage, AsymmetricKey> KEYS = new EnumMap<>(KeyUsage.class);

  static {
    for (KeyUsage u : KeyUsage.asymmetric()) {
      KeyPairs.Generated g = KeyPairs.generate(u, RNG::nextBytes);
      KEYS.put(u, AsymmetricKey.parse(u, g.pkcs8(), g.spki()));
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void sm2Ciphertext(byte[] der) {
    try {
      byte[] raw = Sm2.derToRaw(der);
      assertThat(raw.length).isGreaterThan(Sm2.RAW_OVERHEAD);
      assertThat(raw[0]).isEqualTo((byte) 4);
    } catch (IllegalArgumentException expected) {
      // refused input
    }
    try {
      KEYS.get(KeyUsage.ASYMMETRIC_DECRYPT_SM2).decrypt(EncryptionAlgorithm.SM2_C1C3C2_ASN1, der);
    } catch (KmsException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.DECRYPT_FAILED);
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void publicKey(FuzzedDataProvider data) {
    EncryptionAlgorithm a = data.pickValue(EncryptionAlgorithm.values());
    String text = data.consumeRemainingAsString();
    try {
      byte[] der = PublicKeys.decodePem(text, "EncryptionPublicKey");
      assertThat(der.length).isBetween(PublicKeys.MIN_DER, PublicKeys.MAX_DER);
      byte[] ct = PublicKeys.encrypt(der, a, new byte[32], RNG);
      assertThat(ct).isNotEmpty();
    } catch (KmsException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void signature(FuzzedDataProvider data) {
    SigningAlgorithm a = data.pickValue(SigningAlgorithm.values());
    boolean digest = data.consumeBoolean();
    byte[] message = data.consumeBytes(a.digestLength());
    byte[] sig = data.consumeRemainingAsBytes();
    if (digest && message.length != a.digestLength()) {
      return;
    }
    // Never throws; a random signature is never valid.
    assertThat(KEYS.get(a.usage()).verify(a, message, digest, sig)).isFalse();
  }
}
