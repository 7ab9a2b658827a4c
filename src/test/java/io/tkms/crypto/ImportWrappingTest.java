package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.crypto.ImportWrapping.Verdict;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyUsage;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Opening imported material: the verdicts per wrapping algorithm, the first import and a re-import
 * (PKCS#1 v1.5 with implicit rejection), and the commitment.
 */
class ImportWrappingTest {
  private static final SecureRandom RNG = new SecureRandom();
  private static final KeyPairs.Generated PAIR =
      KeyPairs.generate(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048, RNG::nextBytes);
  private static final String CONTEXT = "tkms/import-commitment/v1/1250000001/ap-guangzhou/k";

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RNG.nextBytes(b);
    return b;
  }

  private static ImportWrapping.Opened open(
      EncryptionAlgorithm a, byte[] encrypted, int length, byte[] bound) {
    return ImportWrapping.open(
        PAIR.pkcs8(), PAIR.spki(), a, encrypted, length, bound, CONTEXT, RNG::nextBytes);
  }

  @Test
  void pkcs1_firstImportAndReimport_acceptOnlyTheRightMaterial_withOneVerdictForEveryFailure() {
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_PKCS1_V1_5;
    byte[] material = random(32);
    ImportWrapping.Opened first =
        open(a, PublicKeys.encrypt(PAIR.spki(), a, material, RNG), 32, null);
    assertThat(first.verdict()).isEqualTo(Verdict.OK);
    assertThat(first.material()).isEqualTo(material);
    byte[] bound = first.commitment();
    assertThat(bound).isEqualTo(ImportWrapping.commitment(material, CONTEXT));

    assertThat(open(a, PublicKeys.encrypt(PAIR.spki(), a, material, RNG), 32, bound).verdict())
        .isEqualTo(Verdict.OK);
    for (byte[] bad :
        new byte[][] {
          PublicKeys.encrypt(PAIR.spki(), a, random(32), RNG),
          PublicKeys.encrypt(PAIR.spki(), a, random(16), RNG),
          random(256),
          random(255)
        }) {
      ImportWrapping.Opened o = open(a, bad, 32, bound);
      assertThat(o.verdict()).isEqualTo(Verdict.UNDECRYPTABLE);
      assertThat(o.material()).isNull();
      assertThat(open(a, bad, 32, null).verdict())
          .isIn(Verdict.UNDECRYPTABLE, Verdict.OK); // another 32-byte material is a first import
    }
  }

  @Test
  void oaep_namesTheCause() {
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_OAEP_SHA_256;
    byte[] material = random(16);
    byte[] bound = ImportWrapping.commitment(material, CONTEXT);
    assertThat(open(a, PublicKeys.encrypt(PAIR.spki(), a, material, RNG), 16, bound).verdict())
        .isEqualTo(Verdict.OK);
    assertThat(open(a, PublicKeys.encrypt(PAIR.spki(), a, random(16), RNG), 16, bound).verdict())
        .isEqualTo(Verdict.OTHER_MATERIAL);
    assertThat(open(a, PublicKeys.encrypt(PAIR.spki(), a, random(32), RNG), 16, bound).verdict())
        .isEqualTo(Verdict.WRONG_LENGTH);
    assertThat(open(a, random(256), 16, bound).verdict()).isEqualTo(Verdict.UNDECRYPTABLE);
    // SHA-256 with MGF1-SHA-1 (the JDK's default) is another scheme: it does not decrypt.
    assertThat(
            open(
                    EncryptionAlgorithm.RSAES_OAEP_SHA_1,
                    PublicKeys.encrypt(PAIR.spki(), a, material, RNG),
                    16,
                    bound)
                .verdict())
        .isEqualTo(Verdict.UNDECRYPTABLE);
  }

  @Test
  void tokens_areComparedByTheirSha256() {
    byte[] token = random(32);
    byte[] stored = ImportWrapping.tokenSha256(token);
    assertThat(ImportWrapping.tokenMatches(token, stored)).isTrue();
    assertThat(ImportWrapping.tokenMatches(random(32), stored)).isFalse();
  }
}
