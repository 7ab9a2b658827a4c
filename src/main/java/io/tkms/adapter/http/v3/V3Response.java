package io.tkms.adapter.http.v3;

import io.tkms.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The API 3.0 envelope, always with HTTP 200: {@code {"Response": {...fields, "RequestId"}}} or
 * {@code {"Response": {"Error": {"Code", "Message"}, "RequestId"}}}. Messages are English.
 */
final class V3Response {
  private V3Response() {}

  static Buffer success(String requestId, JsonObject fields) {
    // A shallow copy: handlers may return shared objects, but nested values are never changed here.
    JsonObject r = fields == null ? new JsonObject() : new JsonObject(new java.util.LinkedHashMap<>(fields.getMap()));
    r.put("RequestId", requestId);
    return new JsonObject().put("Response", r).toBuffer();
  }

  static Buffer error(String requestId, ErrorCode code, String message) {
    return new JsonObject()
        .put("Response", new JsonObject()
            .put("Error", new JsonObject().put("Code", code.v3Code()).put("Message", message))
            .put("RequestId", requestId))
        .toBuffer();
  }
}
