package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyImport;
import io.tkms.domain.KeyUsage;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.security.SecureRandom;

/**
 * Fuzz tests for ImportKeyMaterial's client-controlled inputs: the ImportToken and ValidTo texts
 * and the EncryptedKeyMaterial, decoded and then opened with a wrapping key under every wrapping
 * algorithm. The parsers may refuse only with INVALID_PARAMETER; opening never throws and never
 * accepts bytes that are not a wrapping of material of the expected length. Seeds under {@code
 * src/test/resources/io/tkms/crypto/ImportParserFuzzTestInputs/<method>/}; fuzzing one method:
 * {@code JAZZER_FUZZ=1 ./mvnw test -Dtest='ImportParserFuzzTest#encryptedMaterial'
 * -DargLine=-Xmx256m}.
 */
class ImportParserFuzzTest {
  private static final String TEN_MINUTES = "10m";
  private static final SecureRandom RNG = new SecureRandom();
  private static final KeyPairs.Generated WRAPPING =
      KeyPairs.generate(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048, RNG::nextBytes);

  @FuzzTest(maxDuration = TEN_MINUTES)
  void importToken(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    try {
      byte[] token = KeyImport.parseToken(text);
      assertThat(token).hasSize(KeyImport.TOKEN_BYTES);
      // One spelling per token: the one it was issued in.
      assertThat(KeyImport.encodeToken(token)).isEqualTo(text);
    } catch (KmsException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void validTo(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    try {
      long v = KeyImport.parseValidTo(text);
      assertThat(v).isBetween(0L, KeyImport.MAX_VALID_TO);
      assertThat(Long.parseLong(text)).isEqualTo(v);
    } catch (KmsException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void encryptedMaterial(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    byte[] encrypted;
    try {
      encrypted = KeyImport.parseEncryptedMaterial(text);
    } catch (KmsException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
      return;
    }
    assertThat(encrypted.length).isBetween(1, KeyImport.MAX_ENCRYPTED_MATERIAL);
    for (EncryptionAlgorithm a :
        new EncryptionAlgorithm[] {
          EncryptionAlgorithm.RSAES_PKCS1_V1_5,
          EncryptionAlgorithm.RSAES_OAEP_SHA_1,
          EncryptionAlgorithm.RSAES_OAEP_SHA_256
        }) {
      ImportWrapping.Opened o =
          ImportWrapping.open(
              WRAPPING.pkcs8(),
              WRAPPING.spki(),
              a,
              encrypted,
              32,
              new byte[32],
              "fuzz",
              RNG::nextBytes);
      // A commitment of all zeros is matched by no material: nothing is ever accepted.
      assertThat(o.verdict()).isNotEqualTo(ImportWrapping.Verdict.OK);
      assertThat(o.material()).isNull();
      if (a == EncryptionAlgorithm.RSAES_PKCS1_V1_5) {
        assertThat(o.verdict()).isEqualTo(ImportWrapping.Verdict.UNDECRYPTABLE);
      }
    }
  }
}
