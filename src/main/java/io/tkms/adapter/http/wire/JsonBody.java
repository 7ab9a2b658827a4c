package io.tkms.adapter.http.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tkms.error.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON request body straight into plain maps and lists (the shape {@link Unflatten} produces),
 * with Jackson's streaming parser: one pass, no {@code JsonObject} tree copied afterwards. Objects
 * keep their field order; a name given twice in one object is refused (a signed body must mean one
 * thing, whichever parser reads it); integers are {@code Integer}, {@code Long} or {@code
 * BigInteger}, other numbers {@code Double}; trailing content is an error. The body may hold at
 * most as many members and array items, counted at every depth, as a form may hold parameters.
 * Values may hold plaintext: never put them in an error message.
 */
public final class JsonBody {
  private static final JsonFactory JSON = new JsonFactory();

  private final JsonParser p;
  private int left;

  private JsonBody(JsonParser p, int maxItems) {
    this.p = p;
    this.left = maxItems;
  }

  /** The body's top-level object, with at most {@link FormDecoder#DEFAULT_MAX_PARAMS} items. */
  public static Map<String, Object> object(byte[] body) {
    return object(body, FormDecoder.DEFAULT_MAX_PARAMS);
  }

  /**
   * The body's top-level object.
   *
   * @param maxItems the most members and array items the body may hold, at every depth together
   * @throws io.tkms.error.KmsException REQUEST_UNPARSABLE when it is not exactly one JSON object or
   *     holds more than {@code maxItems} items; DUPLICATE_PARAMETER when an object names a member
   *     twice
   */
  public static Map<String, Object> object(byte[] body, int maxItems) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body must be a JSON object");
      }
      Map<String, Object> root = new JsonBody(p, maxItems).object();
      if (p.nextToken() != null) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body is not valid JSON");
      }
      return root;
    } catch (IOException e) {
      // Jackson's messages quote the input: only the kind of failure is reported.
      throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body is not valid JSON");
    }
  }

  private Map<String, Object> object() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      count();
      if (m.containsKey(name)) {
        throw ErrorCode.DUPLICATE_PARAMETER.exception(
            "parameter " + Params.forMessage(name) + " is given more than once");
      }
      p.nextToken();
      m.put(name, value());
    }
    return m;
  }

  private void count() {
    if (--left < 0) {
      throw ErrorCode.REQUEST_UNPARSABLE.exception("too many parameters");
    }
  }

  private Object value() throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body is not valid JSON");
    }
    return switch (t) {
      case START_OBJECT -> object();
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          count();
          l.add(value());
        }
        yield l;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body is not valid JSON");
    };
  }
}
