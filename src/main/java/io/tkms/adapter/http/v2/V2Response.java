package io.tkms.adapter.http.v2;

import io.tkms.adapter.http.wire.FlatJsonWriter;
import io.tkms.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * The API 2.0 envelope: {@code {"code", "message", "codeDesc", "requestId", ...fields}}, always
 * with HTTP 200. {@code message} starts with the module code in parentheses on errors. Results with
 * scalar values only (every crypto answer) are written directly by {@link FlatJsonWriter}; others
 * through Jackson; the bytes are the same either way.
 */
final class V2Response {
  /** The envelope's own names: a result using one goes through {@code mergeIn}'s rules. */
  private static final Set<String> ENVELOPE_NAMES =
      Set.of("code", "message", "codeDesc", "requestId");

  private V2Response() {}

  static Buffer success(String requestId, JsonObject fields) {
    Map<String, Object> m = fields == null ? Map.of() : fields.getMap();
    if (FlatJsonWriter.isFlat(m) && !clashes(m)) {
      FlatJsonWriter w = new FlatJsonWriter(FlatJsonWriter.sizeHint(m) + requestId.length() + 64);
      w.raw("{\"code\":0,\"message\":\"\",\"codeDesc\":\"Success\",").field("requestId", requestId);
      for (Map.Entry<String, Object> e : m.entrySet()) {
        w.raw(",").field(e.getKey(), e.getValue());
      }
      return w.raw("}").toBuffer();
    }
    JsonObject j =
        new JsonObject()
            .put("code", 0)
            .put("message", "")
            .put("codeDesc", "Success")
            .put("requestId", requestId);
    return j.mergeIn(fields).toBuffer();
  }

  private static boolean clashes(Map<String, Object> fields) {
    for (String name : fields.keySet()) {
      if (ENVELOPE_NAMES.contains(name)) {
        return true;
      }
    }
    return false;
  }

  static Buffer error(String requestId, ErrorCode code, String message) {
    String full = "(" + code.v2Module() + ") " + message;
    return new FlatJsonWriter(full.length() + requestId.length() + 96)
        .raw("{")
        .field("code", code.v2Code())
        .raw(",")
        .field("message", full)
        .raw(",")
        .field("codeDesc", code.v3Code())
        .raw(",")
        .field("requestId", requestId)
        .raw("}")
        .toBuffer();
  }
}
