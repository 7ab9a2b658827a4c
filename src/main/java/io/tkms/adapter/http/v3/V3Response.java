package io.tkms.adapter.http.v3;

import io.tkms.adapter.http.wire.FlatJsonWriter;
import io.tkms.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The API 3.0 envelope, always with HTTP 200: {@code {"Response": {...fields, "RequestId"}}} or
 * {@code {"Response": {"Error": {"Code", "Message"}, "RequestId"}}}. Messages are English. Results
 * with scalar values only (every crypto answer) are written directly by {@link FlatJsonWriter};
 * others through Jackson; the bytes are the same either way.
 */
final class V3Response {
  private V3Response() {}

  static Buffer success(String requestId, JsonObject fields) {
    Map<String, Object> m = fields == null ? Map.of() : fields.getMap();
    if (FlatJsonWriter.isFlat(m)) {
      return flat(requestId, m);
    }
    // A shallow copy: handlers may return shared objects, but nested values are never changed here.
    JsonObject r = new JsonObject(new LinkedHashMap<>(m));
    r.put("RequestId", requestId);
    return new JsonObject().put("Response", r).toBuffer();
  }

  private static Buffer flat(String requestId, Map<String, Object> fields) {
    FlatJsonWriter w =
        new FlatJsonWriter(FlatJsonWriter.sizeHint(fields) + requestId.length() + 32);
    w.raw("{\"Response\":{");
    boolean idWritten = false;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      // A result naming RequestId keeps its place and takes the real id (as put() would).
      boolean id = e.getKey().equals("RequestId");
      w.field(e.getKey(), id ? requestId : e.getValue()).raw(",");
      idWritten |= id;
    }
    if (!idWritten) {
      w.field("RequestId", requestId).raw(",");
    }
    return w.replaceLast("}}").toBuffer();
  }

  static Buffer error(String requestId, ErrorCode code, String message) {
    return new FlatJsonWriter(message.length() + requestId.length() + 96)
        .raw("{\"Response\":{\"Error\":{")
        .field("Code", code.v3Code())
        .raw(",")
        .field("Message", message)
        .raw("},")
        .field("RequestId", requestId)
        .raw("}}")
        .toBuffer();
  }
}
