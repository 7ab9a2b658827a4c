package io.tkms.adapter.audit;

import io.tkms.crypto.Hmacs;
import io.tkms.crypto.RandomSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Links audit lines into a hash chain as they are written: each line gets {@code "chain"} (a random
 * id of this writer, new at every start), {@code "seq"} (1, 2, 3, …) and {@code "prev"} (the
 * SHA-256, in hex, of the previous line of the chain exactly as written, without its newline; the
 * first line's {@code prev} is the chain id itself), and {@code "dropped"} when events were dropped
 * since the line before (a chain cannot show events that were never written: this field does).
 * {@link AuditVerifier} checks a file of such lines. CloudTrail's log file integrity validation is
 * the model; docs/security.md says what this proves and what it does not.
 *
 * <p>Threading: not thread safe; the appender's one writer thread owns it.
 */
final class AuditChain {
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHAIN = ",\"chain\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEQ = "\",\"seq\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREV = ",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DROPPED = ",\"dropped\":".getBytes(StandardCharsets.US_ASCII);

  /** The chain id in hex, as written. */
  private final byte[] chain;

  private long seq;

  /** The previous line's SHA-256 in hex (the chain id before the first line), as written. */
  private final byte[] prev = new byte[64];

  private int prevLength;

  /** The fields appended to one line (reused: the writer thread owns this object). */
  private final byte[] tail = new byte[256];

  private final byte[] digest = new byte[32];

  AuditChain() {
    byte[] id = new byte[16];
    RandomSource.secure().nextBytes(id);
    this.chain = hex(id, new byte[32]);
    System.arraycopy(chain, 0, prev, 0, chain.length);
    this.prevLength = chain.length;
  }

  /**
   * Writes {@code line} (one JSON object, as formatted) to {@code out} with the chain's fields
   * added, without a newline; {@code line} as it is when it is not a JSON object.
   *
   * @param dropped events dropped since the previous line
   */
  void link(String line, long dropped, ByteArrayOutputStream out) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    if (n < 2 || bytes[0] != '{' || bytes[n - 1] != '}') {
      out.write(bytes, 0, n);
      return;
    }
    // {...} becomes {..., "dropped":d, "chain":"…", "seq":s, "prev":"…"}; with no member before,
    // the first comma is left out.
    int t = 0;
    if (dropped > 0) {
      t = put(DROPPED, t);
      t = putLong(dropped, t);
    }
    t = put(CHAIN, t);
    t = put(chain, t);
    t = put(SEQ, t);
    t = putLong(++seq, t);
    t = put(PREV, t);
    System.arraycopy(prev, 0, tail, t, prevLength);
    t += prevLength;
    tail[t++] = '"';
    tail[t++] = '}';
    int skip = n > 2 ? 0 : 1;
    out.write(bytes, 0, n - 1);
    out.write(tail, skip, t - skip);
    Hmacs.sha256(bytes, 0, n - 1, tail, skip, t - skip, digest);
    hex(digest, prev);
    prevLength = 64;
  }

  private int put(byte[] b, int at) {
    System.arraycopy(b, 0, tail, at, b.length);
    return at + b.length;
  }

  private int putLong(long v, int at) {
    String s = Long.toString(v);
    for (int i = 0; i < s.length(); i++) {
      tail[at++] = (byte) s.charAt(i);
    }
    return at;
  }

  /** {@code in} as lower-case hex into {@code out} (twice its length); returns {@code out}. */
  private static byte[] hex(byte[] in, byte[] out) {
    for (int i = 0; i < in.length; i++) {
      out[2 * i] = HEX_DIGITS[(in[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX_DIGITS[in[i] & 0xF];
    }
    return out;
  }
}
