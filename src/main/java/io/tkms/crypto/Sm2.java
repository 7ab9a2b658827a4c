package io.tkms.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.util.BigIntegers;

/**
 * SM2 through BouncyCastle's lightweight API: signatures (SM3, default user id {@code
 * 1234567812345678}, DER {@code SEQUENCE {r, s}}), encryption in C1C3C2 order, and the two
 * ciphertext encodings Tencent uses (raw {@code 04 || X || Y || C3 || C2} and DER {@code SEQUENCE
 * {x, y, C3, C2}}, OpenSSL 3's). Blocking; thread safe (a new engine per call: BC engines are not).
 */
final class Sm2 {
  private Sm2() {}

  /** Bytes of C1 (04 || X || Y) plus C3 (SM3): a raw ciphertext is this plus the plaintext. */
  static final int RAW_OVERHEAD = 1 + 32 + 32 + 32;

  /** Signs {@code message} (RAW: e = SM3(Z_A || M) computed here). */
  static byte[] signRaw(ECPrivateKeyParameters key, byte[] message, SecureRandom rng)
      throws CryptoException {
    SM2Signer s = new SM2Signer();
    s.init(true, new ParametersWithRandom(key, rng));
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  /** Signs the caller's e = SM3(Z_A || M) (DIGEST). */
  static byte[] signDigest(ECPrivateKeyParameters key, byte[] e, SecureRandom rng)
      throws CryptoException {
    SM2Signer s = new PrehashedSigner(e);
    s.init(true, new ParametersWithRandom(key, rng));
    return s.generateSignature();
  }

  static boolean verify(ECPublicKeyParameters key, byte[] message, boolean digest, byte[] sig) {
    try {
      SM2Signer s = digest ? new PrehashedSigner(message) : new SM2Signer();
      s.init(false, key);
      if (!digest) {
        s.update(message, 0, message.length);
      }
      return s.verifySignature(sig);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The raw C1C3C2 ciphertext of {@code plaintext}. */
  static byte[] encrypt(ECPublicKeyParameters key, byte[] plaintext, SecureRandom rng)
      throws InvalidCipherTextException {
    SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
    engine.init(true, new ParametersWithRandom(key, rng));
    return engine.processBlock(plaintext, 0, plaintext.length);
  }

  /**
   * Decrypts a raw C1C3C2 ciphertext.
   *
   * @throws InvalidCipherTextException or IllegalArgumentException (a point off the curve) when the
   *     ciphertext does not open
   */
  static byte[] decrypt(ECPrivateKeyParameters key, byte[] raw) throws InvalidCipherTextException {
    SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
    engine.init(false, key);
    return engine.processBlock(raw, 0, raw.length);
  }

  /** DER {@code SEQUENCE {x, y, C3, C2}} of a raw C1C3C2 ciphertext. */
  static byte[] rawToDer(byte[] raw) {
    if (raw.length < RAW_OVERHEAD || raw[0] != 0x04) {
      throw new IllegalArgumentException("not a raw SM2 ciphertext");
    }
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(new ASN1Integer(new BigInteger(1, java.util.Arrays.copyOfRange(raw, 1, 33))));
    v.add(new ASN1Integer(new BigInteger(1, java.util.Arrays.copyOfRange(raw, 33, 65))));
    v.add(new DEROctetString(java.util.Arrays.copyOfRange(raw, 65, 97)));
    v.add(new DEROctetString(java.util.Arrays.copyOfRange(raw, 97, raw.length)));
    try {
      return new DERSequence(v).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The raw C1C3C2 form of a DER ciphertext: exactly one SEQUENCE of two INTEGERs of at most 256
   * bits (read as unsigned, so a missing sign byte is tolerated), a 32-byte C3 and a non-empty C2,
   * nothing after it.
   *
   * @throws IllegalArgumentException for anything else
   */
  static byte[] derToRaw(byte[] der) {
    ASN1Sequence s;
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der);
      if (p == null) {
        throw new IllegalArgumentException("not an SM2 ciphertext");
      }
      s = ASN1Sequence.getInstance(p);
      if (!java.util.Arrays.equals(p.getEncoded(ASN1Encoding.DER), der)) {
        throw new IllegalArgumentException("not DER, or bytes after the ciphertext");
      }
    } catch (IOException | IllegalStateException e) {
      throw new IllegalArgumentException("not an SM2 ciphertext", e);
    }
    if (s.size() != 4) {
      throw new IllegalArgumentException("an SM2 ciphertext has four parts");
    }
    BigInteger x = ASN1Integer.getInstance(s.getObjectAt(0)).getPositiveValue();
    BigInteger y = ASN1Integer.getInstance(s.getObjectAt(1)).getPositiveValue();
    byte[] c3 = ASN1OctetString.getInstance(s.getObjectAt(2)).getOctets();
    byte[] c2 = ASN1OctetString.getInstance(s.getObjectAt(3)).getOctets();
    if (x.bitLength() > 256 || y.bitLength() > 256 || c3.length != 32 || c2.length == 0) {
      throw new IllegalArgumentException("not an SM2 ciphertext");
    }
    byte[] raw = new byte[RAW_OVERHEAD + c2.length];
    raw[0] = 0x04;
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, x), 0, raw, 1, 32);
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, y), 0, raw, 33, 32);
    System.arraycopy(c3, 0, raw, 65, 32);
    System.arraycopy(c2, 0, raw, 97, c2.length);
    return raw;
  }

  /** An SM2 signer of a caller-supplied e (DIGEST mode): BC computes e in this one hook. */
  private static final class PrehashedSigner extends SM2Signer {
    private final byte[] e;

    PrehashedSigner(byte[] e) {
      if (e.length != 32) {
        throw new IllegalArgumentException("an SM2 digest has 32 bytes");
      }
      this.e = e.clone();
    }

    @Override
    protected BigInteger calculateE(BigInteger n, byte[] message) {
      return new BigInteger(1, e);
    }
  }
}
