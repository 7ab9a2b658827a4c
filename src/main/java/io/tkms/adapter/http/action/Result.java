package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Protocol;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of an answer (or of one object inside it), put with their API 3.0 names and stored in
 * the request's protocol's spelling, in the order put. Event-loop confined.
 */
public final class Result {
  private final Protocol protocol;
  private final List<String> declared;
  private final Map<String, Object> fields = new LinkedHashMap<>(8);

  /**
   * @param declared the action's output fields, or null for an object nested in the answer
   */
  Result(Protocol protocol, List<String> declared) {
    this.protocol = protocol;
    this.declared = declared;
  }

  /**
   * Adds a field; {@code value} is a JSON value ({@code String}, number, {@code Boolean}, {@code
   * JsonObject}, {@code JsonArray}) or a nested {@code Result}.
   */
  public Result put(String v3Name, Object value) {
    assert declared == null || declared.contains(v3Name) : "undeclared output field " + v3Name;
    fields.put(protocol.fieldName(v3Name), value instanceof Result r ? r.json() : value);
    return this;
  }

  /** The fields as a JSON object (a view, not a copy). */
  public JsonObject json() {
    return new JsonObject(fields);
  }
}
