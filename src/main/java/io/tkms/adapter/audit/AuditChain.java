package io.tkms.adapter.audit;

import io.tkms.crypto.Hmacs;
import io.tkms.crypto.RandomSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

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
  private static final HexFormat HEX = HexFormat.of();
  private final String chain;
  private long seq;
  private String prev;

  AuditChain() {
    byte[] id = new byte[16];
    RandomSource.secure().nextBytes(id);
    this.chain = HEX.formatHex(id);
    this.prev = chain;
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
    StringBuilder b = new StringBuilder(160);
    if (n > 2) {
      b.append(',');
    }
    if (dropped > 0) {
      b.append("\"dropped\":").append(dropped).append(',');
    }
    b.append("\"chain\":\"").append(chain).append("\",\"seq\":").append(++seq);
    b.append(",\"prev\":\"").append(prev).append("\"}");
    byte[] tail = b.toString().getBytes(StandardCharsets.US_ASCII);
    out.write(bytes, 0, n - 1);
    out.write(tail, 0, tail.length);
    prev = Hmacs.sha256Hex(bytes, 0, n - 1, tail);
  }
}
