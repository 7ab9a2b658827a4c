package io.tkms.crypto;

import io.tkms.error.ErrorCode;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a 12-byte nonce and a 16-byte tag, output as {@code ciphertext || tag}.
 *
 * <p>This is the raw primitive: it does not pick nonces and does not know about the ciphertext
 * format. Nonce uniqueness per key is the caller's responsibility (see {@link MessageCipher}, which
 * uses a fresh key per message).
 *
 * <p>Threading: thread safe; every call uses this thread's own JCA engine. Errors: {@link #open}
 * throws {@link ErrorCode#INVALID_CIPHERTEXT} for any failure caused by the input (wrong tag, too
 * short, bad nonce length, out-of-range slice); {@link #seal} throws {@link
 * ErrorCode#INTERNAL_ERROR} if the JCA fails. A key that is not 32 bytes is a programming error and
 * throws {@link IllegalArgumentException} in both directions.
 */
public final class AesGcm {
  /** AES-256 only: a shorter key would silently weaken every ciphertext. */
  public static final int KEY_LENGTH = 32;

  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  private AesGcm() {}

  /**
   * Encrypts {@code plaintext}; returns {@code ciphertext || 16-byte tag}.
   *
   * @param aad additional authenticated data, or {@code null} for none
   */
  public static byte[] seal(byte[] key32, byte[] nonce12, byte[] plaintext, byte[] aad) {
    return seal(Jca.aesGcm(), key32, nonce12, plaintext, aad);
  }

  /**
   * {@link #seal} on an engine of its own, dropped afterwards, for long-lived keys (the root key,
   * the unseal key): no thread's cached engine keeps their key schedule after the call.
   */
  public static byte[] sealIsolated(byte[] key32, byte[] nonce12, byte[] plaintext, byte[] aad) {
    return seal(Jca.newAesGcm(), key32, nonce12, plaintext, aad);
  }

  /**
   * {@link #open(byte[], byte[], byte[], int, int, byte[])} on an engine of its own (see {@link
   * #sealIsolated}).
   */
  public static byte[] openIsolated(
      byte[] key32, byte[] nonce12, byte[] ctAndTag, int off, int len, byte[] aad) {
    return open(Jca.newAesGcm(), key32, nonce12, ctAndTag, off, len, aad);
  }

  /**
   * Encrypts on {@code cipher}. SunJCE refuses to encrypt twice with the same key and IV on one
   * engine: in the server that can only be a bug (a repeated nonce under one key breaks GCM), so it
   * fails as an internal error, never retried on another engine. Tests that repeat an encryption on
   * purpose use {@link Jca#freshAesGcm} first.
   */
  private static byte[] seal(
      Cipher cipher, byte[] key32, byte[] nonce12, byte[] plaintext, byte[] aad) {
    requireKey(key32);
    if (nonce12 == null || nonce12.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("AES-GCM nonce must be " + NONCE_LENGTH + " bytes");
    }
    if (plaintext == null) {
      throw new IllegalArgumentException("plaintext is null");
    }
    SecretKeySpec key = new SecretKeySpec(key32, "AES");
    GCMParameterSpec spec = new GCMParameterSpec(TAG_LENGTH * 8, nonce12);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, spec);
      if (aad != null) {
        cipher.updateAAD(aad);
      }
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw ErrorCode.INTERNAL_ERROR.exception();
    }
  }

  /** {@link #open(byte[], byte[], byte[], int, int, byte[])} over the whole array. */
  public static byte[] open(byte[] key32, byte[] nonce12, byte[] ctAndTag, byte[] aad) {
    if (ctAndTag == null) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    return open(key32, nonce12, ctAndTag, 0, ctAndTag.length, aad);
  }

  /**
   * Verifies and decrypts {@code ctAndTag[off, off+len)}. No plaintext is released unless the tag
   * verifies (SunJCE buffers GCM decryption until {@code doFinal}).
   *
   * @param aad additional authenticated data, or {@code null} for none
   */
  public static byte[] open(
      byte[] key32, byte[] nonce12, byte[] ctAndTag, int off, int len, byte[] aad) {
    return open(Jca.aesGcm(), key32, nonce12, ctAndTag, off, len, aad);
  }

  private static byte[] open(
      Cipher cipher, byte[] key32, byte[] nonce12, byte[] ctAndTag, int off, int len, byte[] aad) {
    requireKey(key32);
    if (nonce12 == null
        || nonce12.length != NONCE_LENGTH
        || ctAndTag == null
        || off < 0
        || len < TAG_LENGTH
        || off > ctAndTag.length - len) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    try {
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key32, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, nonce12));
      if (aad != null) {
        cipher.updateAAD(aad);
      }
      return cipher.doFinal(ctAndTag, off, len);
    } catch (GeneralSecurityException | IllegalStateException e) {
      // Deliberately one answer for every failure: the client must not learn which check failed.
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
  }

  private static void requireKey(byte[] key32) {
    if (key32 == null || key32.length != KEY_LENGTH) {
      throw new IllegalArgumentException("AES-GCM key must be " + KEY_LENGTH + " bytes");
    }
  }
}
