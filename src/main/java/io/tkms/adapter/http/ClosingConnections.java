package io.tkms.adapter.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Connections whose framing can no longer be trusted: they get one answer, with {@code Connection:
 * close}, and are then closed; a request that arrives on one afterwards (pipelined behind it) is
 * never served.
 *
 * <ul>
 *   <li>A request that carried {@code Transfer-Encoding}: RFC 9112 §6.1 requires closing after one
 *       that also carried {@code Content-Length}, and Netty drops {@code Content-Length} before the
 *       application can see both, so every such request is treated alike.
 *   <li>A request whose body is over the limit: answered at once, then the connection is closed
 *       when the request ends, after at most {@value #LINGER_BYTES} more bytes or {@value
 *       #LINGER_MS} ms (closing while the client still sends would make the kernel reset the
 *       connection, and a reset can destroy the answer before the client reads it).
 * </ul>
 *
 * <p>Threading: one instance per API event loop; call on it.
 */
public final class ClosingConnections {
  /** At most this many bytes of an oversized body are read after it has been answered. */
  static final int LINGER_BYTES = 64 * 1024;

  /** At most this long after the answer of an oversized body the connection stays open. */
  static final long LINGER_MS = 200;

  private static final CharSequence CLOSE = HttpHeaders.createOptimized("close");

  /** Marked connections, and whether their last answer has been written. */
  private final Map<HttpConnection, boolean[]> closing = new WeakHashMap<>();

  /**
   * Whether {@code req} must not be served: it arrived on a connection that is being closed (which
   * this then closes). Marks the connection of a request that carries {@code Transfer-Encoding}.
   */
  boolean refuse(HttpServerRequest req) {
    if (!closing.isEmpty() && closing.containsKey(req.connection())) {
      req.connection().close();
      return true;
    }
    if (req.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      mark(req);
    }
    return false;
  }

  /** From now on {@code req}'s connection gets this one answer and is then closed. */
  void mark(HttpServerRequest req) {
    closing.putIfAbsent(req.connection(), new boolean[1]);
  }

  /**
   * Ends {@code req}'s response with {@code body}; on a marked connection with {@code Connection:
   * close}, and the connection is closed once the answer is written and the request has ended (an
   * oversized body still arriving is closed by {@link #linger} or {@link #closeLater}).
   */
  void end(HttpServerRequest req, Buffer body) {
    HttpServerResponse resp = req.response();
    boolean[] written = closing.isEmpty() ? null : closing.get(req.connection());
    if (written == null) {
      resp.end(body);
      return;
    }
    resp.putHeader(HttpHeaders.CONNECTION, CLOSE);
    resp.end(body)
        .onComplete(
            v -> {
              written[0] = true;
              if (req.isEnded()) {
                req.connection().close();
              }
            });
  }

  /**
   * More of an oversized body that has been answered, {@code extra} bytes in all since the answer
   * (or its end): the connection is closed once the request has ended and the answer is written, or
   * at once past {@value #LINGER_BYTES} bytes.
   */
  void linger(HttpServerRequest req, long extra) {
    boolean[] written = closing.get(req.connection());
    if (extra > LINGER_BYTES || (req.isEnded() && (written == null || written[0]))) {
      req.connection().close();
    }
  }

  /** Closes {@code req}'s connection {@value #LINGER_MS} ms from now, whatever still arrives. */
  void closeLater(HttpServerRequest req) {
    HttpConnection c = req.connection();
    Vertx.currentContext().owner().setTimer(LINGER_MS, t -> c.close());
  }
}
