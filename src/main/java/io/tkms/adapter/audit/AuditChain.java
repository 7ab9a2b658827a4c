package io.tkms.adapter.audit;

import io.tkms.crypto.Hmacs;
import io.tkms.crypto.RandomSource;
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
   * {@code line} (one JSON object, as formatted) with the chain's fields added; {@code line} as it
   * is when it is not a JSON object.
   *
   * @param dropped events dropped since the previous line
   * @return the UTF-8 bytes to write, without a newline
   */
  byte[] link(String line, long dropped) {
    if (line.length() < 2 || line.charAt(0) != '{' || line.charAt(line.length() - 1) != '}') {
      return line.getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder b = new StringBuilder(line.length() + 160);
    b.append(line, 0, line.length() - 1);
    if (line.length() > 2) {
      b.append(',');
    }
    if (dropped > 0) {
      b.append("\"dropped\":").append(dropped).append(',');
    }
    b.append("\"chain\":\"").append(chain).append("\",\"seq\":").append(++seq);
    b.append(",\"prev\":\"").append(prev).append("\"}");
    byte[] out = b.toString().getBytes(StandardCharsets.UTF_8);
    prev = Hmacs.sha256Hex(out);
    return out;
  }
}
