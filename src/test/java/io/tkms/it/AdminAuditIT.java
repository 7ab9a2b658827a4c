package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tkms.adapter.audit.LogAuditSink;
import io.tkms.it.TestServer.AdminResult;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every management request is an audit event: the route, the ids it touched, the HTTP status, the
 * source address; wrong tokens included; never the token or an issued SecretKey.
 */
class AdminAuditIT {

  @Test
  void everyManagementRequest_isAudited_withoutTokensOrSecrets() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger audit = ctx.getLogger(LogAuditSink.LOGGER);
    Level level = audit.getLevel();
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.setContext(ctx);
    lines.start();
    audit.addAppender(lines);
    audit.setLevel(Level.INFO);
    String secretKey;
    try (TestServer s = TestServer.startFresh()) {
      assertThat(s.admin("POST", "/admin/v1/accounts", account()).getString("appId"))
          .isEqualTo("1300000777");
      s.admin(
          "POST",
          "/admin/v1/accounts/1300000777/principals",
          new JsonObject().put("uin", "100000000778").put("type", "sub"));
      JsonObject issued = s.admin("POST", "/admin/v1/principals/100000000778/credentials", null);
      secretKey = issued.getString("secretKey");
      String secretId = issued.getString("secretId");
      s.admin("DELETE", "/admin/v1/credentials/" + secretId, null);
      AdminResult wrong =
          s.adminResponse("GET", "/admin/v1/accounts", null, "a-wrong-token-of-some-length");
      assertThat(wrong.status()).isEqualTo(401);

      eventually(
          Duration.ofSeconds(10),
          () -> {
            List<JsonObject> events = adminEvents(lines);
            assertThat(events)
                .anySatisfy(
                    e -> {
                      assertThat(e.getString("action")).isEqualTo("POST /admin/v1/accounts");
                      assertThat(e.getString("appId")).isEqualTo("1300000777");
                      assertThat(e.getString("result")).isEqualTo("201");
                      assertThat(e.getString("source")).isEqualTo("127.0.0.1");
                    })
                .anySatisfy(
                    e -> {
                      assertThat(e.getString("action"))
                          .isEqualTo("POST /admin/v1/accounts/:appId/principals");
                      assertThat(e.getString("appId")).isEqualTo("1300000777");
                      assertThat(e.getString("uin")).isEqualTo("100000000778");
                    })
                .anySatisfy(
                    e -> {
                      assertThat(e.getString("action"))
                          .isEqualTo("POST /admin/v1/principals/:uin/credentials");
                      assertThat(e.getString("uin")).isEqualTo("100000000778");
                      assertThat(e.getString("secretId")).isEqualTo(secretId);
                      assertThat(e.getString("result")).isEqualTo("201");
                    })
                .anySatisfy(
                    e -> {
                      assertThat(e.getString("action"))
                          .isEqualTo("DELETE /admin/v1/credentials/:secretId");
                      assertThat(e.getString("secretId")).isEqualTo(secretId);
                      assertThat(e.getString("result")).isEqualTo("200");
                    })
                .anySatisfy(
                    e -> {
                      assertThat(e.getString("action")).isEqualTo("GET /admin/v1/accounts");
                      assertThat(e.getString("result")).isEqualTo("401");
                    });
          });
    } finally {
      audit.detachAppender(lines);
      audit.setLevel(level);
      lines.stop();
    }
    for (ILoggingEvent e : snapshot(lines)) {
      assertThat(e.getFormattedMessage())
          .doesNotContain(secretKey)
          .doesNotContain(TestServer.ADMIN_TOKEN)
          .doesNotContain("a-wrong-token-of-some-length");
    }
  }

  static JsonObject account() {
    return new JsonObject().put("appId", "1300000777").put("uin", "100000000777");
  }

  static List<JsonObject> adminEvents(ListAppender<ILoggingEvent> lines) {
    List<JsonObject> out = new ArrayList<>();
    for (ILoggingEvent e : snapshot(lines)) {
      JsonObject j = new JsonObject(e.getFormattedMessage());
      if ("admin".equals(j.getString("protocol"))) {
        out.add(j);
      }
    }
    return out;
  }

  static List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> a) {
    synchronized (a) {
      return new ArrayList<>(a.list);
    }
  }
}
