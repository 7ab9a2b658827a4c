package io.tkms.adapter.http.wire;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes a JSON object whose values are all scalars straight into bytes, exactly as Jackson would
 * write it (the response envelopes' tests compare the two). The hot answers (Encrypt, Decrypt,
 * GenerateDataKey) are such objects with one long Base64 value; Jackson's generator checks every
 * character of it for escaping one at a time, this writer checks a string once and copies it in
 * bulk when it is printable ASCII without {@code "} or {@code \} (Base64, key ids, request ids),
 * and hands anything else to Jackson's own escaping ({@link JsonStringEncoder}).
 *
 * <p>Values it writes: {@code null}, {@link String}, {@link Integer}, {@link Long}, {@link
 * Boolean}. {@link #isFlat} tells whether a map holds only those; callers fall back to Jackson
 * otherwise. Not thread safe: one writer per answer.
 */
public final class FlatJsonWriter {
  private byte[] buf;
  private int pos;

  /** A writer with room for about {@code capacity} bytes (it grows when needed). */
  public FlatJsonWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  /** Whether every value of {@code fields} is one this writer writes. */
  public static boolean isFlat(Map<String, Object> fields) {
    for (Object v : fields.values()) {
      if (v != null
          && !(v instanceof String)
          && !(v instanceof Integer)
          && !(v instanceof Long)
          && !(v instanceof Boolean)) {
        return false;
      }
    }
    return true;
  }

  /** A size that fits {@code fields} written flat when all its strings are plain ASCII. */
  public static int sizeHint(Map<String, Object> fields) {
    int n = 2;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      n += e.getKey().length() + 4;
      Object v = e.getValue();
      n += v instanceof String s ? s.length() + 2 : 20;
    }
    return n;
  }

  /** Appends ASCII text as is (structure: braces, commas, pre-written names). */
  @SuppressWarnings(
      "deprecation") // String.getBytes(int, int, byte[], int): ASCII in, no encoder, no copy
  public FlatJsonWriter raw(String ascii) {
    int n = ascii.length();
    ensure(n);
    ascii.getBytes(0, n, buf, pos);
    pos += n;
    return this;
  }

  /** Replaces the last byte written (a trailing comma) with {@code ascii}. */
  public FlatJsonWriter replaceLast(String ascii) {
    if (pos == 0) {
      throw new IllegalStateException("nothing written");
    }
    pos--;
    return raw(ascii);
  }

  /** Appends {@code "name":value}. */
  public FlatJsonWriter field(String name, Object value) {
    string(name);
    ensure(1);
    buf[pos++] = ':';
    return value(value);
  }

  /** Appends one value: null, a string, an integer or a boolean. */
  public FlatJsonWriter value(Object v) {
    if (v == null) {
      return raw("null");
    } else if (v instanceof String s) {
      return string(s);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Boolean) {
      return raw(v.toString());
    }
    throw new IllegalArgumentException("not a flat JSON value: " + v.getClass().getName());
  }

  /** Appends {@code s} as a quoted JSON string. */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int), as in raw()
  public FlatJsonWriter string(String s) {
    int n = s.length();
    if (plain(s, n)) {
      ensure(n + 2);
      buf[pos++] = '"';
      // Every char is ASCII (checked above), so the low byte is the whole char.
      s.getBytes(0, n, buf, pos);
      pos += n;
      buf[pos++] = '"';
      return this;
    }
    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    ensure(quoted.length + 2);
    buf[pos++] = '"';
    System.arraycopy(quoted, 0, buf, pos, quoted.length);
    pos += quoted.length;
    buf[pos++] = '"';
    return this;
  }

  /** The bytes written, as a buffer (one copy into Vert.x's heap buffer). */
  public Buffer toBuffer() {
    return Buffer.buffer(pos).appendBytes(buf, 0, pos);
  }

  @Override
  public String toString() {
    return new String(buf, 0, pos, StandardCharsets.UTF_8);
  }

  /** Printable ASCII other than the two characters JSON escapes there. */
  private static boolean plain(String s, int n) {
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }
}
