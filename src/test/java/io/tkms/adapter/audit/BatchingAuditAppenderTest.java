package io.tkms.adapter.audit;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchingAuditAppenderTest {
  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream original;

  @BeforeEach
  void captureStdout() {
    original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStdout() {
    System.setOut(original);
  }

  private BatchingAuditAppender appender(String name, int queueSize, int flushMillis) {
    BatchingAuditAppender a = new BatchingAuditAppender();
    a.setContext(context);
    a.setName(name);
    a.setQueueSize(queueSize);
    a.setFlushMillis(flushMillis);
    a.start();
    return a;
  }

  private LoggingEvent event(String message) {
    return new LoggingEvent(
        "test", context.getLogger("kms.audit"), Level.INFO, message, null, null);
  }

  private String out() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void linesAppearOnStdoutWithinTheFlushInterval() throws Exception {
    BatchingAuditAppender a = appender("soon", 100, 5);
    try {
      a.doAppend(event("{\"n\":1}"));
      a.doAppend(event("{\"n\":2,\"s\":\"中\"}"));
      eventually(Duration.ofSeconds(10), "the second line", () -> out().contains("{\"n\":2"));
      String[] lines = out().split("\n", -1);
      assertThat(lines).hasSize(3);
      assertThat(lines[0]).startsWith("{\"n\":1,\"chain\":\"").contains("\"seq\":1,");
      assertThat(lines[1]).startsWith("{\"n\":2,\"s\":\"中\",\"chain\":\"").contains("\"seq\":2,");
      assertThat(lines[2]).isEmpty();
    } finally {
      a.stop();
    }
  }

  @Test
  void aFullQueueDropsAndCountsAndStopWritesWhatIsQueued() throws Exception {
    BatchingAuditAppender a = appender("slow", 2, 600_000);
    awaitParked("kms-audit-writer-slow");
    long before = BatchingAuditAppender.dropped();
    a.doAppend(event("one"));
    a.doAppend(event("two"));
    a.doAppend(event("three"));
    assertThat(BatchingAuditAppender.dropped() - before).isEqualTo(1);
    assertThat(out()).isEmpty(); // the writer sleeps: nothing written per event
    a.stop();
    assertThat(out()).isEqualTo("one\ntwo\n");
    assertThat(a.isStarted()).isFalse();
  }

  @Test
  void theFirstLineAfterDrops_saysHowManyWereDropped() throws Exception {
    BatchingAuditAppender a = appender("drops", 1, 600_000);
    awaitParked("kms-audit-writer-drops");
    a.doAppend(event("{\"n\":1}"));
    a.doAppend(event("{\"n\":2}"));
    a.doAppend(event("{\"n\":3}"));
    a.stop();
    // n=1 was queued; 2 and 3 found the queue full. The writer saw both drops before n=1.
    assertThat(out()).startsWith("{\"n\":1,\"dropped\":2,\"chain\":").doesNotContain("\"n\":2");
  }

  @Test
  void offerSaysWhetherALineWasQueued_withoutCounting_andAnAbandonedOneIsCounted() {
    BatchingAuditAppender a = appender("offer", 1, 600_000);
    awaitParked("kms-audit-writer-offer");
    long before = BatchingAuditAppender.dropped();
    assertThat(a.offer("{\"n\":1}")).isTrue();
    assertThat(a.offer("{\"n\":2}")).isFalse();
    assertThat(BatchingAuditAppender.dropped()).isEqualTo(before);
    a.countDrop();
    assertThat(BatchingAuditAppender.dropped() - before).isEqualTo(1);
    a.stop();
    // The abandoned event shows in the chain like any other drop.
    assertThat(out()).startsWith("{\"n\":1,\"dropped\":1,\"chain\":");
    assertThat(a.offer("{\"n\":3}")).isFalse(); // stopped: nothing is queued
  }

  @Test
  void invalidSettingsDoNotStart() {
    BatchingAuditAppender a = new BatchingAuditAppender();
    a.setContext(context);
    a.setQueueSize(0);
    a.start();
    assertThat(a.isStarted()).isFalse();
  }

  private static void awaitParked(String threadName) {
    eventually(
        Duration.ofSeconds(10),
        threadName + " parked",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .anyMatch(
                    t ->
                        t.getName().equals(threadName)
                            && t.getState() == Thread.State.TIMED_WAITING));
  }
}
