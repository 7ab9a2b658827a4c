package io.tkms.adapter.http.v2;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Opens the package-private API 2.0 envelope encoder to the codec benchmark. */
public final class V2Codec {
  private V2Codec() {}

  public static Buffer success(String requestId, JsonObject fields) {
    return V2Response.success(requestId, fields);
  }
}
