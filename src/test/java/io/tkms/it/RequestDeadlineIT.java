package io.tkms.it;

import static io.tkms.it.RootKeyRotationIT.encrypt;
import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.http.action.Action;
import io.tkms.adapter.http.action.ActionCatalog;
import io.tkms.application.port.AuditSink;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Every API request has a deadline ({@code KMS_REQUEST_TIMEOUT_MS}): an action that never finishes
 * is answered {@code InternalError} at it, in both protocols, and audited as a timeout; a frozen
 * Postgres connection no longer holds a request (or {@code /readyz}) forever.
 */
class RequestDeadlineIT {
  /** Never completes: what a request waiting on a black-holed dependency looks like. */
  static final Action HANG =
      Action.crypto("TestHang")
          .v2()
          .outputs("Never")
          .note("never answers")
          .handler(c -> Promise.<io.tkms.adapter.http.action.Result>promise().future());

  @Test
  void anActionThatNeverFinishes_isAnsweredAtTheDeadline_andAuditedAsATimeout() {
    List<AuditSink.AuditEvent> events = new CopyOnWriteArrayList<>();
    AuditSink sink = events::add;
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_REQUEST_TIMEOUT_MS", "300");
    try (TestServer s = TestServer.start(env, sink, ActionCatalog.standard().with(HANG))) {
      long start = System.nanoTime();
      JsonObject v3 = s.bootstrapV3Client().call("TestHang", new JsonObject());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(V3Client.code(v3)).isEqualTo("InternalError");
      // The deadline the product promises, with a generous margin above it.
      assertThat(millis).isGreaterThanOrEqualTo(300).isLessThan(5_000);
      JsonObject v2 = s.bootstrapClient().call("TestHang");
      assertThat(v2.getInteger("code")).isEqualTo(6000);
      assertThat(v2.getString("codeDesc")).isEqualTo("InternalError");
      eventually(
          Duration.ofSeconds(5),
          () ->
              assertThat(events)
                  .filteredOn(e -> e.action().equals("TestHang"))
                  .hasSize(2)
                  .allSatisfy(e -> assertThat(e.resultCode()).isEqualTo("InternalError.Timeout")));
      // Work that finishes in time is not touched.
      V3Client c = s.bootstrapV3Client();
      assertThat(encrypt(c, Keys.fresh(c, "deadline"), "in time")).isNotEmpty();
    }
  }

  @Test
  void aFrozenPostgres_holdsNeitherARequestNorReadinessBeyondItsDeadline() throws Exception {
    String db = TestPostgres.freshDatabase();
    PgConnectOptions target = PgConnectOptions.fromUri(db);
    try (FreezableProxy proxy = new FreezableProxy(target.getHost(), target.getPort())) {
      String viaProxy =
          "postgresql://"
              + target.getUser()
              + "@127.0.0.1:"
              + proxy.port()
              + "/"
              + target.getDatabase();
      Map<String, String> env = TestServer.env(viaProxy, TestServer.tempDir());
      env.put("KMS_REQUEST_TIMEOUT_MS", "1000");
      try (TestServer s = TestServer.start(env)) {
        V3Client c = s.bootstrapV3Client();
        assertThat(ready(s).status()).isEqualTo(200);
        proxy.freeze();
        try {
          // CreateKey needs the database: answered at its deadline, not never.
          long start = System.nanoTime();
          JsonObject r = c.call("CreateKey", new JsonObject().put("Alias", "frozen"));
          long millis = (System.nanoTime() - start) / 1_000_000;
          assertThat(V3Client.code(r)).isEqualTo("InternalError");
          assertThat(millis).isLessThan(10_000);
          // Readiness answers within its second, and says the database does not answer.
          long readyStart = System.nanoTime();
          RawHttp.Response ready = ready(s);
          assertThat((System.nanoTime() - readyStart) / 1_000_000).isLessThan(5_000);
          assertThat(ready.status()).isEqualTo(503);
          assertThat(new JsonObject(ready.text()).getString("database")).isEqualTo("down");
        } finally {
          proxy.thaw();
        }
        eventually(Duration.ofSeconds(20), () -> assertThat(ready(s).status()).isEqualTo(200));
        eventually(
            Duration.ofSeconds(20),
            () -> assertThat(encrypt(c, Keys.fresh(c, "thawed"), "back")).isNotEmpty());
      }
    }
  }

  static RawHttp.Response ready(TestServer s) {
    return RawHttp.send(s.port(), "GET /readyz HTTP/1.1\r\nHost: localhost", null);
  }
}
