package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain, as Kubernetes drives it: on SIGTERM {@code /readyz} turns 503 at once while
 * {@code /healthz} and the API keep answering, in-flight requests finish (bounded by
 * KMS_SERVER_DRAIN_TIMEOUT_SECONDS), then the listeners stop and the process exits 0.
 */
class DrainIT {
  private static final String HALF_A_BODY = "01234";

  /**
   * The test environment with this drain timeout, on one event loop: that loop reads connections in
   * the order their bytes arrived, which {@link #startSlowRequest} uses to know its request is in.
   */
  private static Map<String, String> env(int drainTimeoutSeconds) {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_SERVER_DRAIN_TIMEOUT_SECONDS", Integer.toString(drainTimeoutSeconds));
    env.put("KMS_SERVER_EVENT_LOOPS", "1");
    return env;
  }

  @Test
  void draining_turnsReadyzTo503_keepsHealthzAndTheApiUp_andCloseReturnsPromptly() {
    TestServer s = TestServer.start(env(5));
    try {
      assertThat(get(s.port(), "/readyz").status()).isEqualTo(200);
      s.startDraining();
      RawHttp.Response ready = get(s.port(), "/readyz");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(new JsonObject(ready.text()).getString("status")).isEqualTo("draining");
      assertThat(get(s.port(), "/healthz").status())
          .as("draining is not dead: no liveness restart")
          .isEqualTo(200);
      assertThat(s.bootstrapClient().call("ListKey").getInteger("code"))
          .as("requests still routed here are served")
          .isZero();
    } finally {
      long started = System.nanoTime();
      s.close();
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("nothing in flight: close does not wait for the timeout")
          .isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void close_letsAnInFlightRequestFinish_beforeStopping() throws Exception {
    TestServer s = TestServer.start(env(20));
    try (Socket slow = startSlowRequest(s.port())) {
      CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
      // Close has begun: it drains first, and /readyz says so.
      eventually(
          Duration.ofSeconds(10),
          () -> assertThat(get(s.port(), "/readyz").status()).isEqualTo(503));
      assertThat(closing).as("close waits for the request in flight").isNotDone();
      assertThat(get(s.port(), "/readyz").status())
          .as("the listener stays open while draining")
          .isEqualTo(503);

      RawHttp.Response finished = finishSlowRequest(slow);
      assertThat(finished.status()).isEqualTo(200);
      assertThat(new JsonObject(finished.text()).getJsonObject("Response").getJsonObject("Error"))
          .as("an API 3.0 answer")
          .isNotNull();
      closing.get(5, TimeUnit.SECONDS);
    } finally {
      s.close();
    }
  }

  @Test
  void close_givesUpOnAStuckRequest_afterTheDrainTimeout() throws Exception {
    TestServer s = TestServer.start(env(2));
    try (Socket stuck = startSlowRequest(s.port())) {
      assertThat(stuck.isConnected()).isTrue();
      long started = System.nanoTime();
      s.close();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took)
          .as("waited for the request, up to the timeout")
          .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
      assertThat(took).as("then stopped anyway").isLessThan(Duration.ofSeconds(10));
    }
  }

  /** The real process: SIGTERM drains (the in-flight request is answered) and exits 0, not 143. */
  @Test
  void sigterm_drainsThenExitsZero() throws Exception {
    Map<String, String> env = env(20);
    int port = Integer.parseInt(env.get("KMS_HTTP_PORT"));
    Path log = Files.createTempFile("kms-drain-it", ".log");
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "io.tkms.boot.Main")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      awaitStatus(port, "/readyz", 200, Duration.ofSeconds(90), p, log);
      try (Socket slow = startSlowRequest(port)) {
        p.destroy(); // SIGTERM
        awaitStatus(port, "/readyz", 503, Duration.ofSeconds(10), p, log);
        assertThat(get(port, "/healthz").status()).isEqualTo(200);
        assertThat(p.isAlive()).as("still draining the request in flight").isTrue();
        assertThat(finishSlowRequest(slow).status()).isEqualTo(200);
      }
      assertThat(p.waitFor(30, TimeUnit.SECONDS))
          .as("exited after draining; log:\n" + Files.readString(log))
          .isTrue();
      assertThat(p.exitValue()).as("exit code; log:\n" + Files.readString(log)).isZero();
      assertThat(Files.readString(log)).contains("drained");
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  private static RawHttp.Response get(int port, String path) {
    return RawHttp.send(port, "GET " + path + " HTTP/1.1\r\nHost: localhost", null);
  }

  /**
   * Sends the head and half the body of a request, so it stays in flight until {@link
   * #finishSlowRequest}, and returns once the server has routed (and counted) it: the server's one
   * event loop reads connections in the order their bytes arrived, so when it has answered a {@code
   * /healthz} sent afterwards on another connection, it has read this request's head.
   */
  private static Socket startSlowRequest(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(20_000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + (2 * HALF_A_BODY.length())
                + "\r\n\r\n"
                + HALF_A_BODY)
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    assertThat(get(port, "/healthz").status())
        .as("the loop got past the slow request's head")
        .isEqualTo(200);
    return s;
  }

  private static RawHttp.Response finishSlowRequest(Socket s) throws IOException {
    s.getOutputStream().write(HALF_A_BODY.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    int status = Integer.parseInt(raw.split(" ", 3)[1]);
    int bodyAt = raw.indexOf("\r\n\r\n");
    return new RawHttp.Response(
        status, Map.of(), raw.substring(bodyAt + 4).getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Waits until {@code path} answers {@code status} (not listening yet counts as not yet); a dead
   * process fails at once.
   */
  private static void awaitStatus(
      int port, String path, int status, Duration timeout, Process p, Path log) throws IOException {
    try {
      eventually(
          timeout,
          () -> {
            if (!p.isAlive()) {
              throw new ProcessExited(p.exitValue());
            }
            assertThat(get(port, path).status()).as(path).isEqualTo(status);
          });
    } catch (ProcessExited e) {
      throw new AssertionError("server exited with " + e.code + "; log:\n" + Files.readString(log));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; log:\n" + Files.readString(log), e);
    }
  }

  /** Stops the waiting at once: a process that exited will not start answering. */
  private static final class ProcessExited extends Error {
    private static final long serialVersionUID = 1L;
    final int code;

    ProcessExited(int code) {
      super("exited with " + code, null, false, false);
      this.code = code;
    }
  }
}
