package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.SigningAlgorithm;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The asymmetric primitives: key generation and parsing for every usage, signatures RAW and DIGEST
 * checked against the JDK's own signature engines, decryption of what the public key encrypted, and
 * the one failure of every bad ciphertext.
 */
class AsymmetricKeyTest {
  static final SecureRandom RNG = new SecureRandom();
  static final byte[] MESSAGE = "message to sign".getBytes(StandardCharsets.UTF_8);
  static final Map<KeyUsage, KeyPairs.Generated> PAIRS = new EnumMap<>(KeyUsage.class);
  static final Map<KeyUsage, AsymmetricKey> KEYS = new EnumMap<>(KeyUsage.class);

  @BeforeAll
  static void generate() {
    for (KeyUsage u : KeyUsage.asymmetric()) {
      KeyPairs.Generated g = KeyPairs.generate(u, RNG::nextBytes);
      PAIRS.put(u, g);
      KEYS.put(u, AsymmetricKey.parse(u, g.pkcs8(), g.spki()));
    }
  }

  static byte[] digest(SigningAlgorithm a, byte[] m) throws Exception {
    return MessageDigest.getInstance(a == SigningAlgorithm.ECDSA384_SHA384 ? "SHA-384" : "SHA-256")
        .digest(m);
  }

  @Test
  void generate_makesTheKeyOfEachUsage() {
    assertThat(PAIRS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_SM2).spki())
        .hasSize(91)
        .startsWith(java.util.Base64.getDecoder().decode("MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE"));
    assertThat(PAIRS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC).spki())
        .startsWith(java.util.Base64.getDecoder().decode("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"));
    assertThat(PAIRS.get(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048).spki())
        .startsWith(
            java.util.Base64.getDecoder().decode("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"));
    assertThat(PAIRS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECDSA384).spki()).hasSize(120);
  }

  @Test
  void sign_rawAndDigest_verifyHereAndAsTheJdkSignatures() throws Exception {
    for (SigningAlgorithm a : SigningAlgorithm.values()) {
      AsymmetricKey k = KEYS.get(a.usage());
      byte[] raw = k.sign(a, MESSAGE, false, RNG);
      byte[] d = a == SigningAlgorithm.SM2DSA ? null : digest(a, MESSAGE);
      byte[] fromDigest = d == null ? raw : k.sign(a, d, true, RNG);
      for (byte[] sig : new byte[][] {raw, fromDigest}) {
        assertThat(k.verify(a, MESSAGE, false, sig)).as(a.name()).isTrue();
        if (d != null) {
          assertThat(k.verify(a, d, true, sig)).isTrue();
          assertThat(jdkVerify(a, PAIRS.get(a.usage()), sig)).as(a + " by the JDK").isTrue();
        }
        byte[] other = sig.clone();
        other[other.length - 3] ^= 0x10;
        assertThat(k.verify(a, MESSAGE, false, other)).isFalse();
        assertThat(k.verify(a, "another".getBytes(StandardCharsets.UTF_8), false, sig)).isFalse();
      }
      assertThat(k.verify(a, MESSAGE, false, new byte[] {1, 2, 3})).isFalse();
      assertThat(k.verify(a, MESSAGE, false, new byte[0])).isFalse();
    }
  }

  @Test
  void pssVerify_acceptsTheLongestSalt_asOpensslMakesByDefault() throws Exception {
    KeyPairs.Generated g = PAIRS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_RSA_2048);
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 222, 1));
    s.initSign(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(g.pkcs8())));
    s.update(MESSAGE);
    byte[] sig = s.sign();
    assertThat(
            KEYS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_RSA_2048)
                .verify(SigningAlgorithm.RSA_PSS_SHA_256, MESSAGE, false, sig))
        .isTrue();
  }

  @Test
  void sm2Digest_isSm3OfZAndMessage() {
    AsymmetricKey k = KEYS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_SM2);
    byte[] sig = k.sign(SigningAlgorithm.SM2DSA, MESSAGE, false, RNG);
    byte[] e = Sm2Digests.e(PAIRS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_SM2).spki(), MESSAGE);
    assertThat(k.verify(SigningAlgorithm.SM2DSA, e, true, sig)).isTrue();
    byte[] fromDigest = k.sign(SigningAlgorithm.SM2DSA, e, true, RNG);
    assertThat(k.verify(SigningAlgorithm.SM2DSA, MESSAGE, false, fromDigest)).isTrue();
  }

  @Test
  void rsaDecrypt_opensEveryScheme_ofThePublicKey() {
    KeyPairs.Generated g = PAIRS.get(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048);
    AsymmetricKey k = KEYS.get(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048);
    for (EncryptionAlgorithm a : EncryptionAlgorithm.values()) {
      if (!a.isRsa()) {
        continue;
      }
      byte[] longest = new byte[a.maxRsa2048Plaintext()];
      RNG.nextBytes(longest);
      byte[] ct = PublicKeys.encrypt(g.spki(), a, longest, RNG);
      assertThat(ct).hasSize(256);
      assertThat(k.decrypt(a, ct)).as(a.name()).isEqualTo(longest);
      assertThatThrownBy(() -> PublicKeys.encrypt(g.spki(), a, new byte[longest.length + 1], RNG))
          .isInstanceOf(KmsException.class)
          .satisfies(
              x -> assertThat(((KmsException) x).code()).isEqualTo(ErrorCode.INVALID_PARAMETER));
    }
  }

  @Test
  void rsaDecrypt_failsTheSameWay_forEveryBadCiphertext() {
    AsymmetricKey k = KEYS.get(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048);
    byte[] oaep =
        PublicKeys.encrypt(
            PAIRS.get(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048).spki(),
            EncryptionAlgorithm.RSAES_OAEP_SHA_256,
            MESSAGE,
            RNG);
    byte[] random = new byte[256];
    RNG.nextBytes(random);
    random[0] = 0;
    byte[] one = new byte[256];
    one[255] = 1;
    java.util.Set<String> answers = new java.util.HashSet<>();
    // PKCS#1 v1.5 only with ciphertexts that certainly fail (a random one passes its checks once
    // in a few hundred); OAEP with anything.
    Map<EncryptionAlgorithm, byte[][]> cases =
        Map.of(
            EncryptionAlgorithm.RSAES_PKCS1_V1_5,
            new byte[][] {one, new byte[1], new byte[257], new byte[256]},
            EncryptionAlgorithm.RSAES_OAEP_SHA_1,
            new byte[][] {random, oaep, one, new byte[257]});
    cases.forEach(
        (a, cts) -> {
          for (byte[] ct : cts) {
            KmsException e =
                (KmsException)
                    org.assertj.core.api.Assertions.catchThrowable(() -> k.decrypt(a, ct));
            answers.add(e.code() + "|" + e.getMessage());
          }
        });
    assertThat(answers).containsExactly(ErrorCode.DECRYPT_FAILED + "|decryption failed");
  }

  @Test
  void sm2_encryptsToThePublicKey_inBothForms_andDecryptsTheDer() {
    KeyPairs.Generated g = PAIRS.get(KeyUsage.ASYMMETRIC_DECRYPT_SM2);
    AsymmetricKey k = KEYS.get(KeyUsage.ASYMMETRIC_DECRYPT_SM2);
    byte[] raw = PublicKeys.encrypt(g.spki(), EncryptionAlgorithm.SM2, MESSAGE, RNG);
    assertThat(raw).hasSize(97 + MESSAGE.length);
    assertThat(raw[0]).isEqualTo((byte) 4);
    byte[] der = Sm2.rawToDer(raw);
    assertThat(Sm2.derToRaw(der)).isEqualTo(raw);
    assertThat(k.decrypt(EncryptionAlgorithm.SM2_C1C3C2_ASN1, der)).isEqualTo(MESSAGE);
    byte[] asn1 = PublicKeys.encrypt(g.spki(), EncryptionAlgorithm.SM2_C1C3C2_ASN1, MESSAGE, RNG);
    assertThat(k.decrypt(EncryptionAlgorithm.SM2_C1C3C2_ASN1, asn1)).isEqualTo(MESSAGE);
    for (byte[] bad :
        new byte[][] {raw, new byte[120], tampered(der), append(der, (byte) 0), new byte[0]}) {
      assertThatThrownBy(() -> k.decrypt(EncryptionAlgorithm.SM2_C1C3C2_ASN1, bad))
          .isInstanceOf(KmsException.class)
          .hasMessage("decryption failed");
    }
  }

  @Test
  void encrypt_refusesAKeyOfTheWrongKind() {
    byte[] rsa = PAIRS.get(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048).spki();
    byte[] sm2 = PAIRS.get(KeyUsage.ASYMMETRIC_DECRYPT_SM2).spki();
    byte[] p256 = PAIRS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC).spki();
    for (Object[] c :
        new Object[][] {
          {rsa, EncryptionAlgorithm.SM2},
          {sm2, EncryptionAlgorithm.RSAES_OAEP_SHA_1},
          {p256, EncryptionAlgorithm.SM2_C1C3C2_ASN1},
          {new byte[100], EncryptionAlgorithm.SM2},
          {new byte[100], EncryptionAlgorithm.RSAES_PKCS1_V1_5}
        }) {
      assertThatThrownBy(
              () -> PublicKeys.encrypt((byte[]) c[0], (EncryptionAlgorithm) c[1], MESSAGE, RNG))
          .isInstanceOf(KmsException.class)
          .satisfies(
              x -> assertThat(((KmsException) x).code()).isEqualTo(ErrorCode.INVALID_PARAMETER));
    }
  }

  @Test
  void pem_isSixtyFourColumns_andReadsBackLeniently() {
    byte[] spki = PAIRS.get(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048).spki();
    String pem = PublicKeys.pem(spki);
    assertThat(pem)
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("\n-----END PUBLIC KEY-----\n");
    assertThat(pem.lines().skip(1).limit(5)).allSatisfy(l -> assertThat(l).hasSize(64));
    assertThat(PublicKeys.decodePem(pem, "EncryptionPublicKey")).isEqualTo(spki);
    assertThat(PublicKeys.decodePem(pem.replace("\n", " "), "x")).isEqualTo(spki);
    assertThat(PublicKeys.decodePem(pem.replace("\n", "\\n"), "x")).isEqualTo(spki);
    assertThat(PublicKeys.decodePem(PublicKeys.base64(spki), "x")).isEqualTo(spki);
    for (String bad : new String[] {"pem", "!!!!", "", "A".repeat(5000)}) {
      assertThatThrownBy(() -> PublicKeys.decodePem(bad, "EncryptionPublicKey"))
          .isInstanceOf(KmsException.class)
          .hasMessageContaining("EncryptionPublicKey");
    }
  }

  @Test
  void parse_ofBrokenMaterial_isAnInternalError() {
    assertThatThrownBy(
            () ->
                AsymmetricKey.parse(
                    KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC,
                    new byte[10],
                    PAIRS.get(KeyUsage.ASYMMETRIC_SIGN_VERIFY_ECC).spki()))
        .isInstanceOf(KmsException.class)
        .satisfies(x -> assertThat(((KmsException) x).code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
  }

  private static boolean jdkVerify(SigningAlgorithm a, KeyPairs.Generated g, byte[] sig)
      throws Exception {
    String alg =
        switch (a) {
          case ECC_P256_R1 -> "SHA256withECDSA";
          case ECDSA384_SHA384 -> "SHA384withECDSA";
          case RSA_PKCS1_SHA_256 -> "SHA256withRSA";
          case RSA_PSS_SHA_256 -> "RSASSA-PSS";
          default -> throw new IllegalArgumentException();
        };
    Signature s = Signature.getInstance(alg);
    if (a == SigningAlgorithm.RSA_PSS_SHA_256) {
      s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }
    s.initVerify(
        KeyFactory.getInstance(a.usage().family() == KeyUsage.Family.RSA ? "RSA" : "EC")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(g.spki())));
    s.update(MESSAGE);
    return s.verify(sig);
  }

  private static byte[] tampered(byte[] b) {
    byte[] t = b.clone();
    t[t.length - 1] ^= 1;
    return t;
  }

  private static byte[] append(byte[] b, byte x) {
    byte[] t = java.util.Arrays.copyOf(b, b.length + 1);
    t[b.length] = x;
    return t;
  }
}
