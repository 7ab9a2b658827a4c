package io.tkms.crypto;

import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * Public keys as the API carries them (PEM, Base64 DER SubjectPublicKeyInfo) and encryption to a
 * caller's public key (Decrypt and GenerateDataKey with {@code EncryptionPublicKey}). The PEM
 * helpers are pure JDK text work, cheap enough for an event loop; {@link #encrypt} parses with
 * BouncyCastle and blocks: call it on a worker. Thread safe.
 */
public final class PublicKeys {
  private PublicKeys() {}

  /** Largest public key the API accepts, DER bytes (an RSA-4096 SubjectPublicKeyInfo is 550). */
  public static final int MAX_DER = 1024;

  /** Smallest public key the API accepts, DER bytes (an SM2 SubjectPublicKeyInfo is 91). */
  public static final int MIN_DER = 64;

  /** Base64 (standard, padded) of DER bytes. */
  public static String base64(byte[] der) {
    return Base64.getEncoder().encodeToString(der);
  }

  /**
   * The PEM of a DER SubjectPublicKeyInfo: {@code -----BEGIN PUBLIC KEY-----}, the Base64 in lines
   * of 64 characters, {@code -----END PUBLIC KEY-----}, each line ending in a newline.
   */
  public static String pem(byte[] spki) {
    String b64 = base64(spki);
    StringBuilder out = new StringBuilder("-----BEGIN PUBLIC KEY-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      out.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    return out.append("-----END PUBLIC KEY-----\n").toString();
  }

  /**
   * The DER bytes of a public key given as PEM, leniently: the armour lines are optional, and every
   * blank (also a literal {@code \n} where a client flattened the line breaks) is ignored.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER when what remains is not Base64 of {@link
   *     #MIN_DER} to {@link #MAX_DER} bytes
   */
  public static byte[] decodePem(String text, String field) {
    String body =
        text.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replace("\\n", "")
            .replaceAll("\\s+", "");
    if (body.isEmpty() || body.length() > (MAX_DER + 2) / 3 * 4) {
      throw ErrorCode.INVALID_PARAMETER.exception(field + " is not a PEM public key");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_PARAMETER.exception(field + " is not a PEM public key");
    }
    if (der.length < MIN_DER || der.length > MAX_DER) {
      throw ErrorCode.INVALID_PARAMETER.exception(field + " is not a PEM public key");
    }
    return der;
  }

  /**
   * {@code plaintext} encrypted to the caller's public key {@code spki} with {@code algorithm}: an
   * RSA key (2048 to 4096 bits) for the RSA schemes, an SM2 key for {@code SM2} (raw C1C3C2 with
   * the leading 04) and {@code SM2_C1C3C2_ASN1} (DER). The caller keeps ownership of {@code
   * plaintext}.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER when the key does not parse, is of the
   *     wrong kind for the algorithm, or is too short for the plaintext
   */
  public static byte[] encrypt(
      byte[] spki, EncryptionAlgorithm algorithm, byte[] plaintext, SecureRandom random) {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(spki);
    } catch (RuntimeException e) {
      throw badKey();
    }
    if (info == null) {
      throw badKey();
    }
    ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
    if (algorithm.isRsa()) {
      if (!PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
        throw ErrorCode.INVALID_PARAMETER.exception(
            "EncryptionPublicKey is not an RSA key, as " + algorithm + " needs");
      }
      return rsa(spki, algorithm, plaintext, random);
    }
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(oid)
        || !GMObjectIdentifiers.sm2p256v1.equals(info.getAlgorithm().getParameters())) {
      throw ErrorCode.INVALID_PARAMETER.exception(
          "EncryptionPublicKey is not an SM2 key, as " + algorithm + " needs");
    }
    try {
      ECPublicKeyParameters key =
          (ECPublicKeyParameters) org.bouncycastle.crypto.util.PublicKeyFactory.createKey(info);
      byte[] raw = Sm2.encrypt(key, plaintext, random);
      return algorithm == EncryptionAlgorithm.SM2 ? raw : Sm2.rawToDer(raw);
    } catch (IOException
        | org.bouncycastle.crypto.InvalidCipherTextException
        | RuntimeException e) {
      throw badKey();
    }
  }

  private static byte[] rsa(
      byte[] spki, EncryptionAlgorithm algorithm, byte[] plaintext, SecureRandom random) {
    RSAPublicKey key;
    try {
      key = (RSAPublicKey) Jca.keyFactory("RSA").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw badKey();
    }
    int bits = key.getModulus().bitLength();
    if (bits < 2048 || bits > 4096) {
      throw ErrorCode.INVALID_PARAMETER.exception(
          "EncryptionPublicKey must be an RSA key of 2048 to 4096 bits");
    }
    int k = (bits + 7) / 8;
    int max =
        switch (algorithm) {
          case RSAES_PKCS1_V1_5 -> k - 11;
          case RSAES_OAEP_SHA_1 -> k - 2 * 20 - 2;
          default -> k - 2 * 32 - 2;
        };
    if (plaintext.length > max) {
      throw ErrorCode.INVALID_PARAMETER.exception(
          "the plaintext is too long for EncryptionPublicKey with " + algorithm);
    }
    try {
      Cipher c = AsymmetricKey.rsaCipher(algorithm);
      c.init(Cipher.ENCRYPT_MODE, key, AsymmetricKey.rsaParameters(algorithm), random);
      return c.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw io.tkms.error.KmsException.internal("RSA encryption failed: " + e);
    }
  }

  private static io.tkms.error.KmsException badKey() {
    return ErrorCode.INVALID_PARAMETER.exception("EncryptionPublicKey is not a usable public key");
  }
}
