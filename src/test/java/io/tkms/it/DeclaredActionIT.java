package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.http.action.Action;
import io.tkms.adapter.http.action.ActionCatalog;
import io.tkms.adapter.http.action.ApiReference;
import io.tkms.adapter.http.action.Field;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An action is one declaration: one declared here, in test code only, is routed by both protocols
 * it names, counted under its own metrics label, throttled in its limiter group, and listed in the
 * API reference — with no other source file edited.
 */
class DeclaredActionIT {
  static final Field<String> MESSAGE = Field.string("Message").required().doc("any text");
  static final Action ECHO =
      Action.crypto("TestEcho")
          .v2()
          .inputs(MESSAGE)
          .outputs("Echo")
          .note("answers its input")
          .handler(c -> Future.succeededFuture(c.result().put("Echo", c.get(MESSAGE))));
  static final ActionCatalog CATALOG = ActionCatalog.standard().with(ECHO);

  @RegisterExtension static final TestServer server = TestServer.perClass().withActions(CATALOG);

  @Test
  void isRoutedByBothProtocols_inTheirSpelling() {
    JsonObject v3 =
        server.bootstrapV3Client().call("TestEcho", new JsonObject().put("Message", "hello"));
    assertThat(v3.getString("Echo")).as(v3.encode()).isEqualTo("hello");
    JsonObject v2 = server.bootstrapClient().call("TestEcho", "message", "hi");
    assertThat(v2.getInteger("code")).as(v2.encode()).isZero();
    assertThat(v2.getString("echo")).isEqualTo("hi");
    JsonObject missing = server.bootstrapClient().call("TestEcho");
    assertThat(missing.getString("codeDesc")).isEqualTo("MissingParameter");
    assertThat(missing.getString("message")).contains("message");
  }

  @Test
  void isCountedUnderItsOwnLabel_andThrottledInItsGroup() throws Exception {
    double admitted =
        metric("kms_limiter_decisions_total", "decision=\"admitted\",group=\"crypto\"");
    V3Client v3 = server.bootstrapV3Client();
    for (int i = 0; i < 3; i++) {
      v3.call("TestEcho", new JsonObject().put("Message", "m" + i));
    }
    assertThat(
            metric("kms_limiter_decisions_total", "decision=\"admitted\",group=\"crypto\"")
                - admitted)
        .isEqualTo(3.0);
    assertThat(metric("kms_requests_total", "action=\"TestEcho\",protocol=\"v3\",result=\"0\""))
        .isGreaterThanOrEqualTo(3.0);
  }

  @Test
  void isListedInTheApiReference() {
    String doc = ApiReference.render(CATALOG);
    assertThat(doc)
        .contains(
            "| TestEcho | crypto | `Message` (required; string; any text) | `Echo` | answers its input |");
    assertThat(doc)
        .contains(
            "| TestEcho | crypto | `message` (required; string; any text) | `echo` | answers its input |");
    assertThat(ApiReference.render(ActionCatalog.standard())).doesNotContain("TestEcho");
  }

  /**
   * The value of the sample {@code name{labels}} (labels as Prometheus writes them, sorted), or 0.
   */
  static double metric(String name, String labels) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + ",} ") + "(\\S+)$")
            .matcher(r.body());
    Matcher plain =
        Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "} ") + "(\\S+)$")
            .matcher(r.body());
    return m.find()
        ? Double.parseDouble(m.group(1))
        : plain.find() ? Double.parseDouble(plain.group(1)) : 0;
  }
}
