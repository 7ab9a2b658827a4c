package io.tkms.adapter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.port.AuditSink.AuditEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuditLineTest {

  /** The line as the sink wrote it before: a JsonObject of the fields, encoded by Jackson. */
  private static String reference(AuditEvent e) {
    return new JsonObject()
        .put("time", Instant.ofEpochMilli(e.time()).toString())
        .put("requestId", e.requestId())
        .put("protocol", e.protocol())
        .put("appId", e.appId())
        .put("uin", e.uin())
        .put("secretId", e.secretId())
        .put("action", e.action())
        .put("keyId", e.keyId())
        .put("result", e.resultCode())
        .put("source", e.sourceAddress())
        .put("latencyMicros", e.latencyMicros())
        .encode();
  }

  private static AuditEvent event(long time, String secretId, String action) {
    return new AuditEvent(
        time,
        "8f0e4c1a-3b7d-4f2e-9a61-2c5d8e7f0b13",
        "v3",
        "1250000000",
        "100000000001",
        secretId,
        action,
        "c2a6f0d4-1b3e-4a5f-8d7c-9e0f1a2b3c4d",
        "0",
        "127.0.0.1",
        42);
  }

  @Test
  void sameTextAsJsonObjectForOrdinaryEvents() {
    AuditEvent e = event(1_795_000_000_123L, "AKIDexample", "Encrypt");
    assertThat(AuditLine.format(e)).isEqualTo(reference(e));
  }

  @Test
  void wholeSecondsHaveNoFraction() {
    AuditEvent e = event(1_795_000_000_000L, "AKIDexample", "Encrypt");
    assertThat(AuditLine.format(e))
        .contains("\"time\":\"2026-11-18T")
        .doesNotContain(".000Z")
        .isEqualTo(reference(e));
  }

  @Test
  void millisecondsArePaddedAndTheSecondCacheFollowsTime() {
    for (long t :
        new long[] {
          1_795_000_000_001L,
          1_795_000_000_010L,
          1_795_000_001_100L,
          1_795_000_000_999L,
          0L,
          86_399_999L,
          -1L,
          4_102_444_800_500L
        }) {
      AuditEvent e = event(t, "s", "a");
      assertThat(AuditLine.format(e)).isEqualTo(reference(e));
    }
  }

  @Test
  void escapesLikeJacksonForAnyCharacters() {
    Random r = new Random(7);
    for (int n = 0; n < 2_000; n++) {
      StringBuilder s = new StringBuilder();
      int len = r.nextInt(40);
      for (int i = 0; i < len; i++) {
        int kind = r.nextInt(4);
        s.append(
            switch (kind) {
              case 0 -> (char) r.nextInt(0x20);
              case 1 -> "\"\\/\u007f".charAt(r.nextInt(4));
              case 2 -> (char) (0x20 + r.nextInt(0x5f));
              default -> (char) (0xa0 + r.nextInt(0x5000));
            });
      }
      AuditEvent e = event(1_795_000_000_000L + n, s.toString(), s.reverse().toString());
      assertThat(AuditLine.format(e)).isEqualTo(reference(e));
    }
  }

  @Test
  void nullFieldsAreJsonNull() {
    AuditEvent e =
        new AuditEvent(1_795_000_000_000L, "r", "v2", null, "", "", "", "", "4000", "::1", 0);
    assertThat(AuditLine.format(e)).isEqualTo(reference(e)).contains("\"appId\":null");
  }
}
