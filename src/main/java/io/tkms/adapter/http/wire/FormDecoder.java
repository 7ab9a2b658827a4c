package io.tkms.adapter.http.wire;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict {@code application/x-www-form-urlencoded} decoder for query strings and form bodies.
 *
 * <p>{@code +} becomes a space, {@code %XX} (either hex case) a byte, and the resulting bytes must
 * be well-formed UTF-8 (no overlong forms, no surrogates). Empty pairs ({@code &&}, a trailing
 * {@code &}) are skipped; a pair without {@code =} has the value {@code ""}; only the first {@code
 * =} of a pair separates name from value. Order and repeated names are preserved: {@link Params}
 * decides about duplicates.
 *
 * <p>Immutable and thread safe; each call allocates its own scratch state.
 *
 * <p>Throws {@link ErrorCode#REQUEST_UNPARSABLE} for a broken percent-escape, invalid UTF-8, an
 * empty name or more than {@code maxParams} parameters. Messages never echo request content.
 */
public final class FormDecoder {
  /** Enough for every KMS action; a hard cap keeps hostile bodies from building huge lists. */
  public static final int DEFAULT_MAX_PARAMS = 256;

  private final int maxParams;

  public FormDecoder() {
    this(DEFAULT_MAX_PARAMS);
  }

  /**
   * @param maxParams the most parameters one request may carry, at least 1
   */
  public FormDecoder(int maxParams) {
    if (maxParams < 1) {
      throw new IllegalArgumentException("maxParams must be at least 1");
    }
    this.maxParams = maxParams;
  }

  public int maxParams() {
    return maxParams;
  }

  /**
   * Decodes a raw (still percent-encoded) query string, without the leading {@code ?}.
   *
   * <p>Each char is taken as one byte (ISO-8859-1), which is how Netty hands over the raw request
   * line: unencoded UTF-8 bytes therefore get the same strict validation as in a body. A char above
   * U+00FF cannot come from a raw request line and is refused rather than guessed at.
   */
  public List<Param> decode(CharSequence rawQuery) {
    int len = rawQuery.length();
    byte[] bytes = new byte[len];
    for (int i = 0; i < len; i++) {
      char c = rawQuery.charAt(i);
      if (c > 0xFF) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("query string contains a non-byte character");
      }
      bytes[i] = (byte) c;
    }
    return decode(bytes, 0, len);
  }

  /** Decodes a whole form body. */
  public List<Param> decode(byte[] body) {
    return decode(body, 0, body.length);
  }

  /** Decodes {@code length} bytes of {@code data} starting at {@code offset}. */
  public List<Param> decode(byte[] data, int offset, int length) {
    if (offset < 0 || length < 0 || offset > data.length - length) {
      throw new IndexOutOfBoundsException("bad offset/length");
    }
    // One pass: bytes are unescaped into scratch as they are read; a pair is flushed at '&' or end.
    // Decoded text is never longer than its encoding, so scratch cannot overflow.
    Text text = new Text(new byte[length]);
    List<Param> out = new ArrayList<>(Math.min(16, maxParams));
    String name = null;
    boolean pairEmpty = true;
    int end = offset + length;
    for (int i = offset; ; i++) {
      if (i == end || data[i] == '&') {
        if (!pairEmpty) {
          if (out.size() == maxParams) {
            throw ErrorCode.REQUEST_UNPARSABLE.exception("too many parameters");
          }
          out.add(name == null ? new Param(text.nonEmptyName(), "") : new Param(name, text.take()));
        }
        if (i == end) {
          return out;
        }
        name = null;
        pairEmpty = true;
        continue;
      }
      pairEmpty = false;
      byte b = data[i];
      if (b == '=' && name == null) {
        name = text.nonEmptyName();
      } else if (b == '+') {
        text.add((byte) ' ');
      } else if (b == '%') {
        if (i + 2 >= end) {
          throw brokenEscape();
        }
        int hi = hexValue(data[i + 1]);
        int lo = hexValue(data[i + 2]);
        if (hi < 0 || lo < 0) {
          throw brokenEscape();
        }
        text.add((byte) (hi << 4 | lo));
        i += 2;
      } else {
        text.add(b);
      }
    }
  }

  private static KmsException brokenEscape() {
    return ErrorCode.REQUEST_UNPARSABLE.exception("malformed percent-escape in form data");
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  /** Scratch buffer for the component being decoded; not thread safe, one per decode call. */
  private static final class Text {
    private final byte[] buf;
    private int size;
    private boolean nonAscii;
    private CharsetDecoder utf8;

    Text(byte[] buf) {
      this.buf = buf;
    }

    void add(byte b) {
      buf[size++] = b;
      nonAscii |= b < 0;
    }

    String nonEmptyName() {
      if (size == 0) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("empty parameter name in form data");
      }
      return take();
    }

    /** Returns the buffered text and resets the buffer for the next component. */
    String take() {
      String s;
      if (!nonAscii) {
        // Pure ASCII is valid UTF-8 by definition; Latin-1 decoding is the JDK's fastest path.
        s = new String(buf, 0, size, StandardCharsets.ISO_8859_1);
      } else {
        s = strictUtf8(buf, 0, size);
      }
      size = 0;
      nonAscii = false;
      return s;
    }

    private String strictUtf8(byte[] bytes, int off, int len) {
      if (utf8 == null) {
        utf8 = Utf8.newStrictDecoder();
      }
      return Utf8.decode(utf8, bytes, off, len);
    }
  }

  /** Strict UTF-8 helpers shared with {@link MultipartDecoder}. */
  static final class Utf8 {
    private Utf8() {}

    static CharsetDecoder newStrictDecoder() {
      // REPORT (not the default REPLACE) so malformed, overlong or surrogate sequences fail
      // instead of silently turning into U+FFFD and changing what gets signed.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    static String decode(CharsetDecoder decoder, byte[] bytes, int off, int len) {
      try {
        return decoder.decode(ByteBuffer.wrap(bytes, off, len)).toString();
      } catch (CharacterCodingException e) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("request parameters are not valid UTF-8");
      }
    }
  }
}
