package io.tkms.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import javax.crypto.Cipher;

/**
 * RSA signatures over a SHA-256 digest the caller computed (RAW messages are hashed first by the
 * caller of these methods, DIGEST messages are used as given): RSASSA-PKCS1-v1_5 through the JDK's
 * {@code NONEwithRSA} with the SHA-256 DigestInfo prepended, and RSASSA-PSS (SHA-256, MGF1-SHA-256,
 * salt 32 bytes) encoded here (RFC 8017 §9.1) around the JDK's raw RSA, since the JDK has no PSS
 * over a precomputed digest. Blocking; thread safe (engines per call).
 */
final class RsaSignatures {
  private RsaSignatures() {}

  /** DER of DigestInfo { sha256, NULL } without the digest: PKCS#1 v1.5's prefix for SHA-256. */
  private static final byte[] SHA256_DIGEST_INFO = {
    0x30,
    0x31,
    0x30,
    0x0d,
    0x06,
    0x09,
    0x60,
    (byte) 0x86,
    0x48,
    0x01,
    0x65,
    0x03,
    0x04,
    0x02,
    0x01,
    0x05,
    0x00,
    0x04,
    0x20
  };

  static final int HASH_LEN = 32;
  static final int PSS_SALT_LEN = 32;

  static byte[] signPkcs1(RSAPrivateKey key, byte[] sha256) throws GeneralSecurityException {
    Signature s = Jca.signature("NONEwithRSA");
    s.initSign(key);
    s.update(SHA256_DIGEST_INFO);
    s.update(sha256);
    return s.sign();
  }

  static boolean verifyPkcs1(RSAPublicKey key, byte[] sha256, byte[] signature) {
    try {
      Signature s = Jca.signature("NONEwithRSA");
      s.initVerify(key);
      s.update(SHA256_DIGEST_INFO);
      s.update(sha256);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static byte[] signPss(RSAPrivateKey key, byte[] sha256, SecureRandom rng)
      throws GeneralSecurityException {
    int modBits = key.getModulus().bitLength();
    int emBits = modBits - 1;
    int emLen = (emBits + 7) / 8;
    byte[] salt = new byte[PSS_SALT_LEN];
    rng.nextBytes(salt);
    byte[] h = hashPrime(sha256, salt);
    byte[] db = new byte[emLen - HASH_LEN - 1];
    db[db.length - PSS_SALT_LEN - 1] = 0x01;
    System.arraycopy(salt, 0, db, db.length - PSS_SALT_LEN, PSS_SALT_LEN);
    xor(db, mgf1(h, db.length));
    db[0] &= (byte) (0xff >>> (8 * emLen - emBits));
    byte[] em = new byte[emLen];
    System.arraycopy(db, 0, em, 0, db.length);
    System.arraycopy(h, 0, em, db.length, HASH_LEN);
    em[emLen - 1] = (byte) 0xbc;
    Cipher raw = Jca.rsa("RSA/ECB/NoPadding");
    raw.init(Cipher.DECRYPT_MODE, key);
    return raw.doFinal(em);
  }

  /**
   * Verifies a PSS signature, recovering the salt length from the encoding (RFC 8017 §9.1.2 with
   * the salt length taken from the position of the 0x01 byte), so that signatures made with
   * OpenSSL's default (longest) salt verify as well as ours.
   */
  static boolean verifyPss(RSAPublicKey key, byte[] sha256, byte[] signature) {
    try {
      int modBits = key.getModulus().bitLength();
      int k = (modBits + 7) / 8;
      if (signature.length != k) {
        return false;
      }
      Cipher raw = Jca.rsa("RSA/ECB/NoPadding");
      raw.init(Cipher.ENCRYPT_MODE, key);
      byte[] m = raw.doFinal(signature);
      int emBits = modBits - 1;
      int emLen = (emBits + 7) / 8;
      int off = m.length - emLen;
      for (int i = 0; i < off; i++) {
        if (m[i] != 0) {
          return false;
        }
      }
      if (emLen < HASH_LEN + 2 || m[m.length - 1] != (byte) 0xbc) {
        return false;
      }
      byte[] db = java.util.Arrays.copyOfRange(m, off, off + emLen - HASH_LEN - 1);
      byte[] h = java.util.Arrays.copyOfRange(m, off + db.length, off + db.length + HASH_LEN);
      int topMask = 0xff >>> (8 * emLen - emBits);
      if ((db[0] & ~topMask & 0xff) != 0) {
        return false;
      }
      xor(db, mgf1(h, db.length));
      db[0] &= (byte) topMask;
      int i = 0;
      while (i < db.length && db[i] == 0) {
        i++;
      }
      if (i == db.length || db[i] != 0x01) {
        return false;
      }
      byte[] salt = java.util.Arrays.copyOfRange(db, i + 1, db.length);
      return MessageDigest.isEqual(h, hashPrime(sha256, salt));
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** H = SHA-256(0x00 * 8 || mHash || salt). */
  private static byte[] hashPrime(byte[] mHash, byte[] salt) {
    MessageDigest d = Jca.digest("SHA-256");
    d.update(new byte[8]);
    d.update(mHash);
    d.update(salt);
    return d.digest();
  }

  /** MGF1 with SHA-256. */
  static byte[] mgf1(byte[] seed, int length) {
    MessageDigest d = Jca.digest("SHA-256");
    byte[] out = new byte[length];
    int pos = 0;
    for (int counter = 0; pos < length; counter++) {
      d.update(seed);
      d.update(
          new byte[] {
            (byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter
          });
      byte[] block = d.digest();
      int n = Math.min(block.length, length - pos);
      System.arraycopy(block, 0, out, pos, n);
      pos += n;
    }
    return out;
  }

  private static void xor(byte[] target, byte[] mask) {
    for (int i = 0; i < target.length; i++) {
      target[i] ^= mask[i];
    }
  }
}
