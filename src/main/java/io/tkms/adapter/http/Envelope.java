package io.tkms.adapter.http;

import io.tkms.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.function.BiFunction;

/**
 * A protocol's envelope: how its answers are written, always with HTTP 200. Implementations are
 * stateless and thread safe.
 */
public interface Envelope {
  /** A success carrying {@code fields}. */
  Buffer success(String requestId, JsonObject fields);

  /** A failure with {@code code} and a client-safe {@code message}. */
  Buffer error(String requestId, ErrorCode code, String message);

  /** Writes an error in a protocol's envelope. */
  @FunctionalInterface
  interface ErrorEncoder {
    Buffer encode(String requestId, ErrorCode code, String message);
  }

  /** An envelope from its two encoders. */
  static Envelope of(BiFunction<String, JsonObject, Buffer> success, ErrorEncoder error) {
    return new Envelope() {
      @Override
      public Buffer success(String requestId, JsonObject fields) {
        return success.apply(requestId, fields);
      }

      @Override
      public Buffer error(String requestId, ErrorCode code, String message) {
        return error.encode(requestId, code, message);
      }
    };
  }
}
