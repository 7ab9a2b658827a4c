package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.port.AuditSink;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code KMS_AUDIT_FAILURE_MODE=block}: an answer waits, without blocking its event loop, until its
 * audit event is queued, and after {@code KMS_AUDIT_BLOCK_TIMEOUT_MS} becomes {@code InternalError}
 * with the event counted as dropped. The default never waits. The sink here is a gate standing in
 * for a full audit queue (the real queue's offer: BatchingAuditAppenderTest).
 */
class AuditBlockIT {

  /** An audit queue that is full while the gate is closed. */
  static final class GateSink implements AuditSink {
    final AtomicBoolean open = new AtomicBoolean(true);
    final List<AuditEvent> queued = new CopyOnWriteArrayList<>();
    final AtomicInteger abandoned = new AtomicInteger();

    @Override
    public void record(AuditEvent event) {
      queued.add(event);
    }

    @Override
    public boolean offer(AuditEvent event) {
      if (!open.get()) {
        return false;
      }
      queued.add(event);
      return true;
    }

    @Override
    public void abandon(AuditEvent event) {
      abandoned.incrementAndGet();
    }

    @Override
    public long dropped() {
      return abandoned.get();
    }

    boolean has(String action, String result) {
      return queued.stream()
          .anyMatch(e -> e.action().equals(action) && e.resultCode().equals(result));
    }
  }

  private static Map<String, String> env(String mode, String timeoutMillis) {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_SERVER_EVENT_LOOPS", "1");
    env.put("KMS_AUDIT_FAILURE_MODE", mode);
    env.put("KMS_AUDIT_BLOCK_TIMEOUT_MS", timeoutMillis);
    return env;
  }

  @Test
  void blockMode_holdsTheAnswerUntilTheEventIsQueued_withoutBlockingTheEventLoop()
      throws Exception {
    GateSink sink = new GateSink();
    try (TestServer s = TestServer.start(env("block", "60000"), sink)) {
      V3Client client = s.bootstrapV3Client();
      sink.open.set(false);
      CompletableFuture<JsonObject> held =
          CompletableFuture.supplyAsync(() -> client.call("ListKeys", new JsonObject()));

      // The one event loop still serves: /healthz is not audited and answers while ListKeys waits.
      for (int i = 0; i < 5; i++) {
        assertThat(
                RawHttp.send(s.port(), "GET /healthz HTTP/1.1\r\nHost: localhost", null).status())
            .isEqualTo(200);
      }
      assertThat(held).isNotDone();
      assertThat(sink.has("ListKeys", "0")).isFalse();

      sink.open.set(true);
      JsonObject answer = held.get(30, TimeUnit.SECONDS);
      assertThat(answer.containsKey("Error")).isFalse();
      assertThat(sink.has("ListKeys", "0")).isTrue();
      assertThat(sink.abandoned).hasValue(0);
    }
  }

  @Test
  void blockMode_afterTheTimeout_answersInternalError_andCountsTheEventAsDropped() {
    GateSink sink = new GateSink();
    try (TestServer s = TestServer.start(env("block", "200"), sink)) {
      sink.open.set(false);
      JsonObject answer = s.bootstrapV3Client().call("ListKeys", new JsonObject());
      assertThat(answer.getJsonObject("Error").getString("Code")).isEqualTo("InternalError");
      assertThat(sink.abandoned).hasValue(1);
      assertThat(sink.has("ListKeys", "0")).isFalse();

      // API 2.0 alike, in its own envelope.
      JsonObject v2 = s.bootstrapClient().call("ListKey");
      assertThat(v2.getString("codeDesc")).isEqualTo("InternalError");
      assertThat(sink.abandoned).hasValue(2);
    }
  }

  @Test
  void blockMode_managementRequestsToo_areHeldAndThenRefusedWith500() {
    GateSink sink = new GateSink();
    try (TestServer s = TestServer.start(env("block", "200"), sink)) {
      sink.open.set(false);
      TestServer.AdminResult held =
          s.adminResponse("GET", "/admin/v1/accounts", null, TestServer.ADMIN_TOKEN);
      assertThat(held.status()).isEqualTo(500);
      assertThat(held.body().getString("error")).contains("audit");
      assertThat(sink.abandoned).hasValue(1);

      sink.open.set(true);
      TestServer.AdminResult ok =
          s.adminResponse("GET", "/admin/v1/accounts", null, TestServer.ADMIN_TOKEN);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(sink.has("GET /admin/v1/accounts", "200")).isTrue();
    }
  }

  @Test
  void dropMode_theDefault_neverWaits() {
    GateSink sink = new GateSink();
    Map<String, String> env = env("drop", "1000");
    env.remove("KMS_AUDIT_FAILURE_MODE");
    try (TestServer s = TestServer.start(env, sink)) {
      sink.open.set(false);
      JsonObject answer = s.bootstrapV3Client().call("ListKeys", new JsonObject());
      assertThat(answer.containsKey("Error")).isFalse();
      // Recorded just after the answer is written.
      eventually(Duration.ofSeconds(10), "the event", () -> sink.has("ListKeys", "0"));
    }
  }
}
