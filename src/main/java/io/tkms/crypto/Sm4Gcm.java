package io.tkms.crypto;

import io.tkms.error.ErrorCode;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * SM4-GCM (GB/T 32907 block cipher, NIST SP 800-38D mode) with a 12-byte nonce and a 16-byte tag,
 * output as {@code ciphertext || tag}: the SM profile's counterpart of {@link AesGcm}.
 *
 * <p>BouncyCastle's lightweight engines, a new one per call: they are not thread safe, and about 40
 * times slower than the JDK's AES-GCM, so callers run this on the crypto worker pool, never inline
 * on an event loop. The raw primitive: it picks no nonces and knows no ciphertext format.
 *
 * <p>Threading: thread safe (nothing shared). Errors: {@link #open} throws {@link
 * ErrorCode#INVALID_CIPHERTEXT} for any failure caused by the input; {@link #seal} throws {@link
 * ErrorCode#INTERNAL_ERROR} if the engine fails. A key that is not 16 bytes or a nonce that is not
 * 12 is a programming error ({@link IllegalArgumentException}) when sealing.
 */
public final class Sm4Gcm {
  public static final int KEY_LENGTH = 16;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  private Sm4Gcm() {}

  /**
   * Encrypts {@code plaintext}; returns {@code ciphertext || 16-byte tag}.
   *
   * @param aad additional authenticated data, or {@code null} for none
   */
  public static byte[] seal(byte[] key16, byte[] nonce12, byte[] plaintext, byte[] aad) {
    requireKey(key16);
    if (nonce12 == null || nonce12.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("SM4-GCM nonce must be " + NONCE_LENGTH + " bytes");
    }
    if (plaintext == null) {
      throw new IllegalArgumentException("plaintext is null");
    }
    GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
    gcm.init(true, new AEADParameters(new KeyParameter(key16), TAG_LENGTH * 8, nonce12, aad));
    byte[] out = new byte[gcm.getOutputSize(plaintext.length)];
    try {
      int n = gcm.processBytes(plaintext, 0, plaintext.length, out, 0);
      gcm.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw ErrorCode.INTERNAL_ERROR.exception();
    }
  }

  /**
   * Verifies and decrypts {@code ctAndTag}. No plaintext is released unless the tag verifies
   * (BouncyCastle buffers GCM decryption until {@code doFinal}).
   *
   * @param aad additional authenticated data, or {@code null} for none
   */
  public static byte[] open(byte[] key16, byte[] nonce12, byte[] ctAndTag, byte[] aad) {
    requireKey(key16);
    if (nonce12 == null
        || nonce12.length != NONCE_LENGTH
        || ctAndTag == null
        || ctAndTag.length < TAG_LENGTH) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
    try {
      gcm.init(false, new AEADParameters(new KeyParameter(key16), TAG_LENGTH * 8, nonce12, aad));
      byte[] out = new byte[gcm.getOutputSize(ctAndTag.length)];
      int n = gcm.processBytes(ctAndTag, 0, ctAndTag.length, out, 0);
      gcm.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException | RuntimeException e) {
      // Deliberately one answer for every failure: the client must not learn which check failed.
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
  }

  private static void requireKey(byte[] key16) {
    if (key16 == null || key16.length != KEY_LENGTH) {
      throw new IllegalArgumentException("SM4-GCM key must be " + KEY_LENGTH + " bytes");
    }
  }
}
