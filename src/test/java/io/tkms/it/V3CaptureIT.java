package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every captured request of the official SDKs, replayed byte for byte against a server whose clock
 * is set to the capture's timestamp and which knows the captures' credential: each passes
 * authentication; with one signed byte changed, each fails with AuthFailure.SignatureFailure.
 */
class V3CaptureIT {
  static final MutableClock clock = new MutableClock(Instant.now());

  @RegisterExtension
  static final TestServer server =
      TestServer.perClass()
          .withClock(clock)
          .withEnv(
              env -> {
                env.put("KMS_BOOTSTRAP_APPID", "1250000777");
                env.put("KMS_BOOTSTRAP_SECRET_ID", "AKIDEXAMPLEID");
                env.put("KMS_BOOTSTRAP_SECRET_KEY", "EXAMPLESECRETKEY");
              });

  static Stream<String> captures() {
    return IntStream.rangeClosed(1, 16).mapToObj(i -> String.format("%02d", i));
  }

  record Capture(String method, String path, JsonArray headers, String body) {
    long timestamp() {
      for (Object h : headers) {
        JsonArray kv = (JsonArray) h;
        if (kv.getString(0).equalsIgnoreCase("X-TC-Timestamp")) {
          return Long.parseLong(kv.getString(1));
        }
      }
      String source = method.equals("GET") ? path : body;
      int i = source.indexOf("Timestamp=");
      return Long.parseLong(source.substring(i + 10).split("&")[0]);
    }

    RawHttp.Response send(int port, String newPath, String newBody) {
      StringBuilder head = new StringBuilder(method + " " + newPath + " HTTP/1.1");
      for (Object h : headers) {
        JsonArray kv = (JsonArray) h;
        String name = kv.getString(0);
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Connection")) {
          continue;
        }
        head.append("\r\n").append(name).append(": ").append(kv.getString(1));
      }
      byte[] b = newBody.getBytes(StandardCharsets.UTF_8);
      return RawHttp.send(port, head.toString(), method.equals("GET") && b.length == 0 ? null : b);
    }
  }

  static Capture load(String n) throws Exception {
    try (InputStream in = V3CaptureIT.class.getResourceAsStream("/sdk-captures/" + n + ".json")) {
      JsonObject j = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return new Capture(
          j.getString("method"),
          j.getString("path"),
          j.getJsonArray("headers"),
          j.getString("body"));
    }
  }

  /** Changes the first digit inside a parameter value (or anywhere in a JSON body). */
  static String changeFirstDigit(String s, int from) {
    boolean json = s.startsWith("{");
    boolean inValue = false;
    for (int i = Math.max(0, from); i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '=') {
        inValue = true;
      } else if (ch == '&') {
        inValue = false;
      }
      if ((json || inValue) && ch >= '0' && ch <= '9') {
        return s.substring(0, i) + (ch == '9' ? '8' : (char) (ch + 1)) + s.substring(i + 1);
      }
    }
    throw new AssertionError("no digit to change");
  }

  static String errorCode(RawHttp.Response r) {
    assertThat(r.status()).isEqualTo(200);
    JsonObject error = new JsonObject(r.text()).getJsonObject("Response").getJsonObject("Error");
    return error == null ? null : error.getString("Code");
  }

  @ParameterizedTest
  @MethodSource("captures")
  void capture_passesAuthentication_andFailsWithOneByteChanged(String n) throws Exception {
    Capture c = load(n);
    clock.set(Instant.ofEpochSecond(c.timestamp()));
    // Changed first: a failed signature records no nonce, so the original can still be sent after.
    // One signed byte changed, keeping the request well-formed: the first digit of a parameter
    // value in the query (GET) or body (POST) becomes another digit.
    String changedPath =
        c.method().equals("GET") ? changeFirstDigit(c.path(), c.path().indexOf('?')) : c.path();
    String changedBody = c.method().equals("GET") ? c.body() : changeFirstDigit(c.body(), 0);
    RawHttp.Response changed = c.send(server.port(), changedPath, changedBody);
    assertThat(errorCode(changed))
        .as("capture %s changed: %s", n, changed.text())
        .isIn("AuthFailure.SignatureFailure", "AuthFailure.TokenFailure");

    String code = errorCode(c.send(server.port(), c.path(), c.body()));
    // The captures name keys that do not exist here (or tokens, which are refused): any answer
    // but an authentication failure shows the signature verified at the capture's own time.
    assertThat(code)
        .as("capture %s", n)
        .satisfiesAnyOf(
            x -> assertThat(x).isNull(),
            x -> assertThat(x).doesNotStartWith("AuthFailure"),
            x -> assertThat(x).isEqualTo("AuthFailure.TokenFailure"));
  }
}
