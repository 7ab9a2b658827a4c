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
 * keep their field order and the last of repeated names; integers are {@code Integer}, {@code Long}
 * or {@code BigInteger}, other numbers {@code Double}; trailing content is an error. Values may
 * hold plaintext: never put them in an error message.
 */
public final class JsonBody {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonBody() {}

  /**
   * The body's top-level object.
   *
   * @throws io.tkms.error.KmsException REQUEST_UNPARSABLE when it is not exactly one JSON object
   */
  public static Map<String, Object> object(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body must be a JSON object");
      }
      Map<String, Object> root = object(p);
      if (p.nextToken() != null) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body is not valid JSON");
      }
      return root;
    } catch (IOException e) {
      // Jackson's messages quote the input: only the kind of failure is reported.
      throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body is not valid JSON");
    }
  }

  private static Map<String, Object> object(JsonParser p) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      m.put(name, value(p));
    }
    return m;
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw ErrorCode.REQUEST_UNPARSABLE.exception("the request body is not valid JSON");
    }
    return switch (t) {
      case START_OBJECT -> object(p);
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
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
