package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections whose framing cannot be trusted are answered once and closed: a request pipelined
 * behind one that carried {@code Transfer-Encoding} never runs (request smuggling), and an
 * oversized body is answered at once and its connection closed instead of drained to its end.
 */
@Timeout(60)
class ConnectionFramingIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V2Client client;

  @BeforeAll
  static void setUp() {
    client = server.bootstrapClient();
  }

  @Test
  void requestPipelinedBehindTransferEncodingAndContentLength_isNeverRun() throws IOException {
    long before = keyCount();
    String create = V2Client.form(client.request("CreateKey").param("alias", "smuggled").signed());
    String first =
        "POST /healthz HTTP/1.1\r\nHost: "
            + host()
            + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    String second =
        "POST /v2/index.php HTTP/1.1\r\nHost: "
            + host()
            + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
            + create.length()
            + "\r\n\r\n"
            + create;

    String answer = exchange(first + second);

    assertThat(count(answer, "HTTP/1.1 ")).as(answer).isEqualTo(1);
    assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
    assertThat(keyCount()).as("the pipelined CreateKey did not run").isEqualTo(before);
  }

  @Test
  void requestWithChunkedBody_isAnsweredAndItsConnectionClosed() throws IOException {
    String body = V2Client.form(client.request("ListKey").param("limit", "1").signed());
    String chunked =
        "POST /v2/index.php HTTP/1.1\r\nHost: "
            + host()
            + "\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked"
            + "\r\n\r\n"
            + Integer.toHexString(body.length())
            + "\r\n"
            + body
            + "\r\n0\r\n\r\n";
    String healthz = "GET /healthz HTTP/1.1\r\nHost: " + host() + "\r\n\r\n";

    String answer = exchange(chunked + healthz);

    assertThat(count(answer, "HTTP/1.1 ")).as(answer).isEqualTo(1);
    assertThat(answer).contains("\"code\":0").doesNotContain("\"status\":\"up\"");
  }

  @Test
  void oversizedBody_isAnsweredBeforeItEnds_andTheConnectionClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ascii(
              "POST /v2/index.php HTTP/1.1\r\nHost: "
                  + host()
                  + "\r\nContent-Type: application/x-www-form-urlencoded"
                  + "\r\nContent-Length: 8388608\r\n\r\n"));
      // Past the 64 KiB limit by 16 KiB, then nothing more: the client is still "sending".
      out.write(new byte[80 * 1024]);
      out.flush();

      String answer = readToEnd(s.getInputStream());

      assertThat(answer).startsWith("HTTP/1.1 200");
      assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
      assertThat(answer).contains("\"code\":4000").contains("(10420)");
    }
    assertThat(client.call("ListKey", "limit", "1").getInteger("code")).isZero();
  }

  @Test
  void oversizedBodyThatKeepsComing_isNotDrainedToItsEnd() throws Exception {
    AtomicLong sent = new AtomicLong();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ascii(
              "POST /v2/index.php HTTP/1.1\r\nHost: "
                  + host()
                  + "\r\nContent-Type: application/x-www-form-urlencoded"
                  + "\r\nContent-Length: 268435456\r\n\r\n"));
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                byte[] chunk = new byte[16 * 1024];
                try {
                  while (sent.get() < 268_435_456L) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                  }
                } catch (IOException closedByTheServer) {
                  // expected: the server stopped reading and closed the connection
                }
              });
      writer.get(30, TimeUnit.SECONDS);
    }
    // Kernel buffers on both sides take a few MB; the server read at most 64 KiB past the limit.
    assertThat(sent.get()).as("bytes the client could send").isLessThan(64L * 1024 * 1024);
    assertThat(client.call("ListKey", "limit", "1").getInteger("code")).isZero();
  }

  // ---------------------------------------------------------------------------------------------

  private static long keyCount() {
    JsonObject r = client.call("ListKey", "limit", "1");
    assertThat(r.getInteger("code")).as(r.encode()).isZero();
    return r.getLong("totalCount");
  }

  /** Writes {@code requests} in one go and reads until the server closes the connection. */
  private static String exchange(String requests) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(ascii(requests));
      s.getOutputStream().flush();
      return readToEnd(s.getInputStream());
    }
  }

  /** Everything until the server closes (a read timeout fails the test: it kept it open). */
  private static String readToEnd(InputStream in) throws IOException {
    return new String(RawHttp.readToEnd(in), StandardCharsets.ISO_8859_1);
  }

  private static int count(String hay, String needle) {
    int n = 0;
    for (int i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static String host() {
    return "127.0.0.1:" + server.port();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
