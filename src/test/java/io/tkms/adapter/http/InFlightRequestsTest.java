package io.tkms.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drain's in-flight count over a real Vert.x listener: up on arrival, down on end or hang-up.
 */
class InFlightRequestsTest {
  private final InFlightRequests inFlight = new InFlightRequests();
  private final BlockingQueue<HttpServerRequest> held = new LinkedBlockingQueue<>();
  private Vertx vertx;
  private int port;

  @BeforeEach
  void listen() {
    vertx = Vertx.vertx();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  inFlight.track(req);
                  held.add(req); // answered by the test
                });
    port = server.listen(0, "127.0.0.1").await().actualPort();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aRequest_isInFlightUntilItsResponseEnds() throws Exception {
    try (Socket client = send()) {
      HttpServerRequest req = held.poll(5, TimeUnit.SECONDS);
      assertThat(req).isNotNull();
      assertThat(inFlight.count()).isEqualTo(1);
      vertx.runOnContext(v -> req.response().end("done"));
      assertThat(inFlight.awaitIdle(Duration.ofSeconds(5))).isZero();
      assertThat(inFlight.count()).isZero();
      assertThat(new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aClientThatHangsUp_isNoLongerInFlight_andCountsOnce() throws Exception {
    Socket client = send();
    HttpServerRequest req = held.poll(5, TimeUnit.SECONDS);
    assertThat(req).isNotNull();
    assertThat(inFlight.count()).isEqualTo(1);
    client.close();
    assertThat(inFlight.awaitIdle(Duration.ofSeconds(5))).isZero();
    // Vert.x may call both the end and the close handler: the count must not go negative. It calls
    // the end handler (if at all) inside end() itself, so once end() has returned it is decided.
    CountDownLatch ended = new CountDownLatch(1);
    vertx.runOnContext(
        v -> {
          try {
            req.response().end();
          } finally {
            ended.countDown();
          }
        });
    assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(inFlight.count()).isZero();
  }

  @Test
  void awaitIdle_givesUpAfterTheTimeout_andReportsWhatIsLeft() throws Exception {
    try (Socket client = send()) {
      assertThat(held.poll(5, TimeUnit.SECONDS)).isNotNull();
      long started = System.nanoTime();
      assertThat(inFlight.awaitIdle(Duration.ofMillis(200))).isEqualTo(1);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(Duration.ofMillis(200));
      assertThat(client.isConnected()).isTrue();
    }
  }

  private Socket send() throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(5000);
    OutputStream out = s.getOutputStream();
    out.write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }
}
