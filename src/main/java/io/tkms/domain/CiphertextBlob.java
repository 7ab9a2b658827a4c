package io.tkms.domain;

import io.tkms.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A ciphertext in wire format version 1 (AES) or 2 (the SM profile). These layouts are permanent
 * once shipped: every blob ever handed to a client must stay decryptable. Both versions share the
 * layout below; version 2 seals with SM4-GCM under an HKDF-SM3 key instead of AES-256-GCM under an
 * HKDF-SHA256 key. See {@code docs/ciphertext-format.md}.
 *
 * <pre>
 * offset  size  field
 *      0     1  format version (0x01, or 0x02 for the SM profile)
 *      1    16  key id (UUID, big-endian)
 *     17     4  key version (unsigned big-endian, &gt;= 1)
 *     21    16  salt (random; HKDF salt for the per-message key)
 *     37    12  nonce (random; GCM IV)
 *     49   n+16 AES-256-GCM (v1) or SM4-GCM (v2) ciphertext || 16-byte tag
 * </pre>
 *
 * <p>Bytes 0..36 are the header, which is authenticated (HKDF info and GCM AAD). The format allows
 * key versions up to 2^32-1; this implementation issues and accepts 1..2^31-1 so that the version
 * fits a Java {@code int}.
 *
 * <p>Immutable (arrays are copied in and out) and thread safe. Errors: {@link #decode} and {@link
 * #decodeBase64} throw {@link ErrorCode#INVALID_CIPHERTEXT} for any malformed input; the canonical
 * constructor throws {@link IllegalArgumentException} for values the server should never build.
 *
 * @param formatVersion {@link #FORMAT_V1} or {@link #FORMAT_V2_SM}
 * @param keyId the CMK
 * @param keyVersion the CMK's material version, &gt;= 1
 * @param salt 16 random bytes
 * @param nonce 12 random bytes
 * @param sealed GCM ciphertext followed by the 16-byte tag
 */
public record CiphertextBlob(
    int formatVersion, KeyId keyId, int keyVersion, byte[] salt, byte[] nonce, byte[] sealed) {

  public static final int FORMAT_V1 = 0x01;

  /** The SM profile: SM4-GCM under an HKDF-SM3 message key, otherwise as version 1. */
  public static final int FORMAT_V2_SM = 0x02;

  public static final int SALT_LENGTH = 16;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  /** Version byte, key id, key version, salt. */
  public static final int HEADER_LENGTH = 1 + KeyId.BYTES + 4 + SALT_LENGTH;

  /** Header, nonce and tag around an empty plaintext. */
  public static final int MIN_LENGTH = HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH;

  /**
   * Largest blob accepted. Plaintexts are capped at 4096 bytes (4161-byte blob); the margin leaves
   * room without letting a client make the server buffer arbitrary input.
   */
  public static final int MAX_LENGTH = 8192;

  /** Longest base64 text of a {@link #MAX_LENGTH} blob. */
  public static final int MAX_BASE64_LENGTH = (MAX_LENGTH + 2) / 3 * 4;

  public CiphertextBlob {
    if (!isKnownFormat(formatVersion)) {
      throw new IllegalArgumentException("unsupported format version");
    }
    Objects.requireNonNull(keyId, "keyId");
    if (keyVersion < 1) {
      throw new IllegalArgumentException("key version must be >= 1");
    }
    if (salt == null || salt.length != SALT_LENGTH) {
      throw new IllegalArgumentException("salt must be " + SALT_LENGTH + " bytes");
    }
    if (nonce == null || nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("nonce must be " + NONCE_LENGTH + " bytes");
    }
    if (sealed == null
        || sealed.length < TAG_LENGTH
        || sealed.length > MAX_LENGTH - HEADER_LENGTH - NONCE_LENGTH) {
      throw new IllegalArgumentException("sealed length out of range");
    }
    salt = salt.clone();
    nonce = nonce.clone();
    sealed = sealed.clone();
  }

  /** Decodes the raw bytes; every structural check happens before anything is allocated. */
  public static CiphertextBlob decode(byte[] raw) {
    if (raw == null || raw.length < MIN_LENGTH || raw.length > MAX_LENGTH) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    int formatVersion = raw[0] & 0xff;
    if (!isKnownFormat(formatVersion)) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    int at = 1 + KeyId.BYTES;
    int keyVersion =
        (raw[at] & 0xff) << 24
            | (raw[at + 1] & 0xff) << 16
            | (raw[at + 2] & 0xff) << 8
            | (raw[at + 3] & 0xff);
    // 0 is never issued; >= 2^31 (negative as int) is never issued by this implementation.
    if (keyVersion < 1) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    KeyId keyId = KeyId.fromBytes(raw, 1);
    byte[] salt = Arrays.copyOfRange(raw, 1 + KeyId.BYTES + 4, HEADER_LENGTH);
    byte[] nonce = Arrays.copyOfRange(raw, HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH);
    byte[] sealed = Arrays.copyOfRange(raw, HEADER_LENGTH + NONCE_LENGTH, raw.length);
    return new CiphertextBlob(formatVersion, keyId, keyVersion, salt, nonce, sealed);
  }

  private static boolean isKnownFormat(int formatVersion) {
    return formatVersion == FORMAT_V1 || formatVersion == FORMAT_V2_SM;
  }

  /**
   * Decodes the base64 text clients send. Strict: standard alphabet, padding required, no
   * whitespace, no non-zero padding bits, so each blob has exactly one spelling.
   */
  public static CiphertextBlob decodeBase64(String base64) {
    if (base64 == null
        || base64.isEmpty()
        || base64.length() > MAX_BASE64_LENGTH
        || base64.length() % 4 != 0) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    // java.util.Base64 ignores non-zero bits in the last character ("QR==" decodes like "QQ==");
    // re-encoding catches that and any other alternative spelling.
    if (!Base64.getEncoder().encodeToString(raw).equals(base64)) {
      throw ErrorCode.INVALID_CIPHERTEXT.exception();
    }
    return decode(raw);
  }

  /** The 37-byte format-1 header for these values: the bytes that {@link #header()} returns. */
  public static byte[] headerFor(KeyId keyId, int keyVersion, byte[] salt) {
    return headerFor(FORMAT_V1, keyId, keyVersion, salt);
  }

  /** The 37-byte header of format {@code formatVersion} for these values. */
  public static byte[] headerFor(int formatVersion, KeyId keyId, int keyVersion, byte[] salt) {
    if (!isKnownFormat(formatVersion)) {
      throw new IllegalArgumentException("unsupported format version");
    }
    if (keyVersion < 1) {
      throw new IllegalArgumentException("key version must be >= 1");
    }
    if (salt == null || salt.length != SALT_LENGTH) {
      throw new IllegalArgumentException("salt must be " + SALT_LENGTH + " bytes");
    }
    return ByteBuffer.allocate(HEADER_LENGTH)
        .put((byte) formatVersion)
        .put(keyId.toBytes())
        .putInt(keyVersion)
        .put(salt)
        .array();
  }

  /** The 37-byte header (version, key id, key version, salt). */
  public byte[] header() {
    return headerFor(formatVersion, keyId, keyVersion, salt);
  }

  /** The complete wire form. */
  public byte[] encode() {
    return ByteBuffer.allocate(HEADER_LENGTH + NONCE_LENGTH + sealed.length)
        .put(header())
        .put(nonce)
        .put(sealed)
        .array();
  }

  /** The wire form in standard base64 with padding. */
  public String encodeBase64() {
    return Base64.getEncoder().encodeToString(encode());
  }

  /** Total encoded length in bytes. */
  public int length() {
    return HEADER_LENGTH + NONCE_LENGTH + sealed.length;
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public byte[] sealed() {
    return sealed.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CiphertextBlob b
        && formatVersion == b.formatVersion
        && keyVersion == b.keyVersion
        && keyId.equals(b.keyId)
        && Arrays.equals(salt, b.salt)
        && Arrays.equals(nonce, b.nonce)
        && Arrays.equals(sealed, b.sealed);
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(formatVersion, keyId, keyVersion);
    h = 31 * h + Arrays.hashCode(salt);
    h = 31 * h + Arrays.hashCode(nonce);
    return 31 * h + Arrays.hashCode(sealed);
  }

  @Override
  public String toString() {
    return "CiphertextBlob[keyId="
        + keyId
        + ", keyVersion="
        + keyVersion
        + ", length="
        + length()
        + "]";
  }
}
