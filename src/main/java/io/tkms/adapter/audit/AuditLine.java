package io.tkms.adapter.audit;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.tkms.application.port.AuditSink.AuditEvent;
import java.time.Instant;

/**
 * Formats an audit event as its JSON line, field by field into one {@link StringBuilder}: the same
 * text as encoding a {@code JsonObject} of the fields in this order, without the map, the generator
 * and the per-event date formatting on the request path (see docs/performance.md). Thread-safe.
 */
final class AuditLine {
  private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

  /** The formatted second ({@code 2026-11-27T09:24:00}) of the latest event, shared by threads. */
  private static volatile Second second = new Second(Long.MIN_VALUE, "");

  private AuditLine() {}

  private record Second(long epochSecond, String text) {}

  static String format(AuditEvent e) {
    StringBuilder b = new StringBuilder(320);
    b.append("{\"time\":\"");
    time(b, e.time());
    b.append('"');
    field(b, "requestId", e.requestId());
    field(b, "protocol", e.protocol());
    field(b, "appId", e.appId());
    field(b, "uin", e.uin());
    field(b, "secretId", e.secretId());
    field(b, "action", e.action());
    field(b, "keyId", e.keyId());
    field(b, "result", e.resultCode());
    field(b, "source", e.sourceAddress());
    b.append(",\"latencyMicros\":").append(e.latencyMicros()).append('}');
    return b.toString();
  }

  /** {@link Instant#toString()} of the milliseconds: the fraction only when it is not zero. */
  static void time(StringBuilder b, long millis) {
    long sec = Math.floorDiv(millis, 1000L);
    int ms = (int) Math.floorMod(millis, 1000L);
    Second s = second;
    if (s.epochSecond() != sec) {
      String text = Instant.ofEpochSecond(sec).toString();
      // Instant.toString of a whole second ends in 'Z'; keep the date and time part.
      s = new Second(sec, text.substring(0, text.length() - 1));
      second = s;
    }
    b.append(s.text());
    if (ms != 0) {
      b.append('.')
          .append((char) ('0' + ms / 100))
          .append((char) ('0' + ms / 10 % 10))
          .append((char) ('0' + ms % 10));
    }
    b.append('Z');
  }

  private static void field(StringBuilder b, String name, String value) {
    b.append(",\"").append(name).append("\":");
    if (value == null) {
      b.append("null");
      return;
    }
    b.append('"');
    ESCAPER.quoteAsString(value, b); // Jackson's own escaping: the text its generator writes
    b.append('"');
  }
}
