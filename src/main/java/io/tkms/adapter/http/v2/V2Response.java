package io.tkms.adapter.http.v2;

import io.tkms.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The API 2.0 envelope: {@code {"code", "message", "codeDesc", "requestId", ...fields}}, always
 * with HTTP 200. {@code message} starts with the module code in parentheses on errors.
 */
final class V2Response {
  private V2Response() {}

  static Buffer success(String requestId, JsonObject fields) {
    JsonObject j = new JsonObject().put("code", 0).put("message", "").put("codeDesc", "Success").put("requestId", requestId);
    if (fields != null) {
      j.mergeIn(fields);
    }
    return j.toBuffer();
  }

  static Buffer error(String requestId, ErrorCode code, String message) {
    return new JsonObject()
        .put("code", code.v2Code())
        .put("message", "(" + code.v2Module() + ") " + message)
        .put("codeDesc", code.v3Code())
        .put("requestId", requestId)
        .toBuffer();
  }
}
