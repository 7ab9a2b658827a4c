package io.tkms.domain;

import io.tkms.error.ErrorCode;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The id of a customer master key: a UUID, written in the canonical 36-character form.
 *
 * <p>{@link #parse(String)} is strict (exactly {@code 8-4-4-4-12} hex digits, case-insensitive)
 * because {@link UUID#fromString(String)} accepts shortened groups such as {@code 1-1-1-1-1}, which
 * would let one key answer to many spellings. Immutable and thread safe. Errors: {@link #parse}
 * throws {@link ErrorCode#INVALID_KEY_ID}.
 *
 * @param uuid the id (any version: ids created here are version 4, but imported ids may not be)
 */
public record KeyId(UUID uuid) {
  /** Length of {@link #toBytes()}. */
  public static final int BYTES = 16;

  private static final int TEXT_LENGTH = 36;

  public KeyId {
    Objects.requireNonNull(uuid, "uuid");
  }

  /** Parses the canonical form; anything else is {@link ErrorCode#INVALID_KEY_ID}. */
  public static KeyId parse(String text) {
    if (text == null || text.length() != TEXT_LENGTH) {
      throw ErrorCode.INVALID_KEY_ID.exception();
    }
    long msb = 0;
    long lsb = 0;
    int digits = 0;
    for (int i = 0; i < TEXT_LENGTH; i++) {
      char c = text.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          throw ErrorCode.INVALID_KEY_ID.exception();
        }
        continue;
      }
      int v = hexValue(c);
      if (v < 0) {
        throw ErrorCode.INVALID_KEY_ID.exception();
      }
      if (digits < 16) {
        msb = (msb << 4) | v;
      } else {
        lsb = (lsb << 4) | v;
      }
      digits++;
    }
    return new KeyId(new UUID(msb, lsb));
  }

  /**
   * A fresh random (version 4, IETF variant) id.
   *
   * @param random fills an array with random bytes; pass an {@code io.tkms.crypto.RandomSource} (it
   *     is a {@code Consumer<byte[]>}), typed this way because the domain package may not depend on
   *     the crypto package
   */
  public static KeyId random(Consumer<byte[]> random) {
    byte[] b = new byte[BYTES];
    random.accept(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (byte) ((b[8] & 0x3f) | 0x80); // variant 10xx (RFC 4122)
    return fromBytes(b, 0);
  }

  /**
   * Reads 16 big-endian bytes at {@code off}.
   *
   * @throws IndexOutOfBoundsException if fewer than 16 bytes are available (callers that read
   *     untrusted input check bounds first)
   */
  public static KeyId fromBytes(byte[] bytes, int off) {
    Objects.checkFromIndexSize(off, BYTES, bytes.length);
    return new KeyId(new UUID(readLong(bytes, off), readLong(bytes, off + 8)));
  }

  /** The 16 big-endian bytes (most significant half first). */
  public byte[] toBytes() {
    byte[] out = new byte[BYTES];
    writeLong(out, 0, uuid.getMostSignificantBits());
    writeLong(out, 8, uuid.getLeastSignificantBits());
    return out;
  }

  /** The canonical lower-case form, as clients see it. */
  @Override
  public String toString() {
    return uuid.toString();
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static void writeLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }
}
