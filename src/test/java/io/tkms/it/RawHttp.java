package io.tkms.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a socket, so tests control every byte (Host header,
 * broken encodings, odd methods) that a real client library would clean up. One request per
 * connection ({@code Connection: close}).
 */
public final class RawHttp {
  /** A response: status, headers (lower-case names) and body. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Bodies larger than this are sent while the answer is read. */
  private static final int LARGE = 64 * 1024;

  private RawHttp() {}

  /** Sends {@code head} (request line and headers, without the blank line) and {@code body}. */
  public static Response send(int port, String head, byte[] body) {
    return send(port, head, body, null);
  }

  /** As {@link #send(int, String, byte[])}, over TLS when {@code tls} is given. */
  public static Response send(
      int port, String head, byte[] body, javax.net.ssl.SSLSocketFactory tls) {
    try (Socket s =
        tls == null ? new Socket("127.0.0.1", port) : tls.createSocket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      StringBuilder h = new StringBuilder(head);
      if (!head.toLowerCase(Locale.ROOT).contains("\r\nconnection:")) {
        h.append("\r\nConnection: close");
      }
      if (body != null && !head.toLowerCase(Locale.ROOT).contains("\r\ncontent-length:")) {
        h.append("\r\nContent-Length: ").append(body.length);
      }
      h.append("\r\n\r\n");
      out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null && body.length > LARGE) {
        // As a real client does: read the answer while still sending. The server answers an
        // oversized body early and closes the connection, which fails the rest of this write.
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                out.write(body);
                out.flush();
              } catch (IOException closedByTheServer) {
                // expected for an oversized body
              }
            });
      } else {
        if (body != null) {
          out.write(body);
        }
        out.flush();
      }
      return read(s.getInputStream());
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    }
  }

  /**
   * Everything until the server closes the connection; a reset after some bytes arrived (the server
   * closed while this client still sent) ends it like a close.
   */
  public static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    try {
      while ((n = in.read(buf)) > 0) {
        all.write(buf, 0, n);
      }
    } catch (java.net.SocketException reset) {
      if (all.size() == 0) {
        throw reset;
      }
    }
    return all.toByteArray();
  }

  private static Response read(InputStream in) throws IOException {
    byte[] raw = readToEnd(in);
    int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    if (headEnd < 0) {
      throw new IOException("no complete response head");
    }
    String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(c + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(status, headers, body);
  }

  private static byte[] dechunk(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < b.length) {
      int eol = indexOf(java.util.Arrays.copyOfRange(b, i, b.length), new byte[] {'\r', '\n'});
      int size = Integer.parseInt(new String(b, i, eol, StandardCharsets.ISO_8859_1).trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(b, i + eol + 2, size);
      i = i + eol + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
