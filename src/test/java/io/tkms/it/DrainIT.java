package io.tkms.it;

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

  @Test
  void draining_turnsReadyzTo503_keepsHealthzAndTheApiUp_andCloseReturnsPromptly() {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_SERVER_DRAIN_TIMEOUT_SECONDS", "5");
    TestServer s = TestServer.start(env);
    try {
      assertThat(get(s.port(), "/readyz").status()).isEqualTo(200);
      s.startDraining();
      RawHttp.Response ready = get(s.port(), "/readyz");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(new JsonObject(ready.text()).getString("status")).isEqualTo("draining");
      assertThat(get(s.port(), "/healthz").status()).as("draining is not dead: no liveness restart").isEqualTo(200);
      assertThat(s.bootstrapClient().call("ListKey").getInteger("code")).as("requests still routed here are served").isZero();
    } finally {
      long started = System.nanoTime();
      s.close();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("nothing in flight: close does not wait for the timeout")
          .isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void close_letsAnInFlightRequestFinish_beforeStopping() throws Exception {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_SERVER_DRAIN_TIMEOUT_SECONDS", "20");
    TestServer s = TestServer.start(env);
    try (Socket slow = startSlowRequest(s.port())) {
      CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
      Thread.sleep(700);
      assertThat(closing).as("close waits for the request in flight").isNotDone();
      assertThat(get(s.port(), "/readyz").status()).as("the listener stays open while draining").isEqualTo(503);

      RawHttp.Response finished = finishSlowRequest(slow);
      assertThat(finished.status()).isEqualTo(200);
      assertThat(new JsonObject(finished.text()).getJsonObject("Response").getJsonObject("Error")).as("an API 3.0 answer").isNotNull();
      closing.get(5, TimeUnit.SECONDS);
    } finally {
      s.close();
    }
  }

  @Test
  void close_givesUpOnAStuckRequest_afterTheDrainTimeout() throws Exception {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_SERVER_DRAIN_TIMEOUT_SECONDS", "2");
    TestServer s = TestServer.start(env);
    try (Socket stuck = startSlowRequest(s.port())) {
      assertThat(stuck.isConnected()).isTrue();
      long started = System.nanoTime();
      s.close();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took).as("waited for the request, up to the timeout").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
      assertThat(took).as("then stopped anyway").isLessThan(Duration.ofSeconds(10));
    }
  }

  /** The real process: SIGTERM drains (the in-flight request is answered) and exits 0, not 143. */
  @Test
  void sigterm_drainsThenExitsZero() throws Exception {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_SERVER_DRAIN_TIMEOUT_SECONDS", "20");
    int port = Integer.parseInt(env.get("KMS_HTTP_PORT"));
    Path log = Files.createTempFile("kms-drain-it", ".log");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, "io.tkms.boot.Main").redirectErrorStream(true).redirectOutput(log.toFile());
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
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited after draining; log:\n" + Files.readString(log)).isTrue();
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
   * #finishSlowRequest}; waits a moment for the server to have routed it.
   */
  private static Socket startSlowRequest(int port) throws IOException, InterruptedException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(20_000);
    OutputStream out = s.getOutputStream();
    out.write(("POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + (2 * HALF_A_BODY.length()) + "\r\n\r\n" + HALF_A_BODY).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    Thread.sleep(300);
    return s;
  }

  private static RawHttp.Response finishSlowRequest(Socket s) throws IOException {
    s.getOutputStream().write(HALF_A_BODY.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    int status = Integer.parseInt(raw.split(" ", 3)[1]);
    int bodyAt = raw.indexOf("\r\n\r\n");
    return new RawHttp.Response(status, Map.of(), raw.substring(bodyAt + 4).getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void awaitStatus(int port, String path, int status, Duration timeout, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("server exited with " + p.exitValue() + "; log:\n" + Files.readString(log));
      }
      try {
        last = get(port, path).status();
        if (last == status) {
          return;
        }
      } catch (IllegalStateException notListeningYet) {
        // keep polling
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " answered " + last + ", not " + status + ", within " + timeout + "; log:\n" + Files.readString(log));
  }
}
