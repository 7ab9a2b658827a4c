package io.tkms.crypto;

import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Seals and opens client data under a CMK version, producing {@link CiphertextBlob} format v1, or
 * format v2 for an SM4 CMK of the SM profile.
 *
 * <p>Per message: {@code key = HKDF-SHA256(ikm = CMK material, salt = blob salt, info = header, L =
 * 32)}, then AES-256-GCM with the blob's random 12-byte nonce and {@code AAD = header ||
 * u32be(len(appId)) || appId (UTF-8) || context.canonical()}. A fresh key per message keeps each
 * GCM key far below the 2^32 random-nonce limit no matter how much one CMK encrypts; binding the
 * header, the owning AppId and the context means a blob cannot be replayed under another key
 * version, account or context. Format v2 is the same with {@code HKDF-SM3} (L = 16) and SM4-GCM
 * over 16-byte material; it runs on BouncyCastle's engines, so only ever on the crypto worker pool.
 * See {@code docs/ciphertext-format.md}.
 *
 * <p>Threading: thread safe; stateless apart from the thread-local JCA engines. Errors: {@link
 * #open} throws {@link ErrorCode#INVALID_CIPHERTEXT} for every reason a blob does not open (wrong
 * material, AppId or context, or any tampering), one answer for all so nothing leaks about which
 * check failed, a blob of one format under material of the other's length included). {@link #seal}
 * throws {@link ErrorCode#INTERNAL_ERROR} if the engine fails. Sealing under material of the wrong
 * length for the format (32 bytes for v1, 16 for v2), or a plaintext beyond the format's ceiling,
 * is a programming error ({@link IllegalArgumentException}); destroyed material throws {@link
 * IllegalStateException}.
 */
public final class MessageCipher {
  /** CMK material length: AES-256. */
  public static final int MATERIAL_LENGTH = 32;

  /** CMK material length of the SM profile: SM4. */
  public static final int SM_MATERIAL_LENGTH = 16;

  private final RandomSource random;

  public MessageCipher(RandomSource random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Encrypts {@code plaintext}. Draws 28 bytes from the random source in one call: the salt (16
   * bytes), then the nonce (12), in that order (known-answer tests depend on it). Plaintext size
   * limits are the caller's business; this accepts anything that fits {@link
   * CiphertextBlob#MAX_LENGTH}.
   */
  public CiphertextBlob seal(
      SecretBytes material,
      KeyId keyId,
      int keyVersion,
      String appId,
      EncryptionContext ctx,
      byte[] plaintext) {
    return seal(CiphertextBlob.FORMAT_V1, material, keyId, keyVersion, appId, ctx, plaintext);
  }

  /**
   * As {@link #seal(SecretBytes, KeyId, int, String, EncryptionContext, byte[])}, in format {@code
   * formatVersion}: {@link CiphertextBlob#FORMAT_V1} under 32-byte material, {@link
   * CiphertextBlob#FORMAT_V2_SM} under 16-byte material.
   */
  public CiphertextBlob seal(
      int formatVersion,
      SecretBytes material,
      KeyId keyId,
      int keyVersion,
      String appId,
      EncryptionContext ctx,
      byte[] plaintext) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(plaintext, "plaintext");
    if (plaintext.length > CiphertextBlob.MAX_LENGTH - CiphertextBlob.MIN_LENGTH) {
      // Callers enforce the API limit (4096); this only guards the format's hard ceiling.
      throw new IllegalArgumentException("plaintext does not fit a ciphertext blob");
    }
    byte[] ikm = requireMaterial(material, formatVersion);
    // One draw for both (each DRBG call costs a generate-and-update round of its own).
    byte[] drawn = new byte[CiphertextBlob.SALT_LENGTH + CiphertextBlob.NONCE_LENGTH];
    random.nextBytes(drawn);
    byte[] salt = Arrays.copyOfRange(drawn, 0, CiphertextBlob.SALT_LENGTH);
    byte[] nonce = Arrays.copyOfRange(drawn, CiphertextBlob.SALT_LENGTH, drawn.length);

    byte[] header = CiphertextBlob.headerFor(formatVersion, keyId, keyVersion, salt);
    byte[] key = messageKey(formatVersion, ikm, salt, header);
    try {
      byte[] aad = aad(header, appId, ctx);
      byte[] sealed =
          formatVersion == CiphertextBlob.FORMAT_V2_SM
              ? Sm4Gcm.seal(key, nonce, plaintext, aad)
              : AesGcm.seal(key, nonce, plaintext, aad);
      return new CiphertextBlob(formatVersion, keyId, keyVersion, salt, nonce, sealed);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Verifies and decrypts {@code blob}. The caller has already picked {@code material} by the
   * blob's key id and version; a mismatch simply fails authentication.
   */
  public byte[] open(
      SecretBytes material, CiphertextBlob blob, String appId, EncryptionContext ctx) {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(material, "material");
    int format = blob.formatVersion();
    if (material.length() != materialLength(format)) {
      // A blob of the other profile naming this key: not a ciphertext this material opens.
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    byte[] ikm = material.bytes();
    // header() re-encodes the decoded fields; decode is a bijection, so these are the exact
    // bytes that were authenticated at seal time.
    byte[] header = blob.header();
    byte[] key = messageKey(format, ikm, blob.salt(), header);
    try {
      byte[] aad = aad(header, appId, ctx);
      return format == CiphertextBlob.FORMAT_V2_SM
          ? Sm4Gcm.open(key, blob.nonce(), blob.sealed(), aad)
          : AesGcm.open(key, blob.nonce(), blob.sealed(), aad);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** header || u32be(len(appId UTF-8)) || appId UTF-8 || canonical context. */
  static byte[] aad(byte[] header, String appId, EncryptionContext ctx) {
    byte[] app = appId.getBytes(StandardCharsets.UTF_8);
    byte[] context = ctx.canonical();
    return ByteBuffer.allocate(header.length + 4 + app.length + context.length)
        .put(header)
        .putInt(app.length)
        .put(app)
        .put(context)
        .array();
  }

  private static byte[] messageKey(int format, byte[] ikm, byte[] salt, byte[] header) {
    return format == CiphertextBlob.FORMAT_V2_SM
        ? Hkdf.deriveSm3(ikm, salt, header, Sm4Gcm.KEY_LENGTH)
        : Hkdf.deriveSha256(ikm, salt, header, AesGcm.KEY_LENGTH);
  }

  /** The CMK material length a format seals under. */
  public static int materialLength(int formatVersion) {
    return formatVersion == CiphertextBlob.FORMAT_V2_SM ? SM_MATERIAL_LENGTH : MATERIAL_LENGTH;
  }

  private static byte[] requireMaterial(SecretBytes material, int formatVersion) {
    Objects.requireNonNull(material, "material");
    int expected = materialLength(formatVersion);
    if (material.length() != expected) {
      throw new IllegalArgumentException("CMK material must be " + expected + " bytes");
    }
    return material.bytes();
  }
}
