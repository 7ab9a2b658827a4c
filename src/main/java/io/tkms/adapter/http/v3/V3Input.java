package io.tkms.adapter.http.v3;

import io.tkms.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The action parameters of one API 3.0 request, from a JSON body or from unflattened GET/form
 * parameters (both shapes give the same tree). Numbers sent as strings are accepted, as the
 * official CLI sends them so; unknown fields are ignored, as Tencent does. Values may hold
 * plaintext: never log them.
 */
final class V3Input {
  private final Map<String, Object> fields;

  V3Input(Map<String, Object> fields) {
    this.fields = fields;
  }

  boolean has(String name) {
    Object v = fields.get(name);
    return v != null && !(v instanceof String s && s.isEmpty());
  }

  /** A string field or null; a non-string value is an InvalidParameterValue. */
  String string(String name) {
    Object v = fields.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be a string");
  }

  String required(String name) {
    String v = string(name);
    if (v == null || v.isEmpty()) {
      throw ErrorCode.MISSING_PARAMETER.exception("the parameter " + name + " is required");
    }
    return v;
  }

  /** An integer in [min, max], or {@code dflt} when absent; JSON numbers or numeric strings. */
  long integer(String name, long dflt, long min, long max) {
    Object v = fields.get(name);
    if (v == null || (v instanceof String s && s.isEmpty())) {
      return dflt;
    }
    long n;
    if (v instanceof Number num) {
      double d = num.doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be an integer");
      }
      n = num.longValue();
    } else if (v instanceof String s && s.matches("-?[0-9]{1,18}")) {
      n = Long.parseLong(s);
    } else {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be an integer");
    }
    if (n < min || n > max) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be between " + min + " and " + max);
    }
    return n;
  }

  /** A list of strings (JSON array or flattened {@code Name.0..}), or an empty list when absent. */
  List<String> strings(String name, int max) {
    Object v = fields.get(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be a list of strings");
    }
    if (list.size() > max) {
      throw ErrorCode.PARAMETER_BATCH_TOO_LARGE.exception("parameter " + name + " holds more than " + max + " items");
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be a list of strings");
      }
      out.add(s);
    }
    return out;
  }

  /** A list of objects (JSON array of objects or flattened {@code Name.0.Field}), empty when absent. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> objects(String name, int max) {
    Object v = fields.get(name);
    if (v == null || (v instanceof String s && s.isEmpty())) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be a list of objects");
    }
    if (list.size() > max) {
      throw ErrorCode.PARAMETER_BATCH_TOO_LARGE.exception("parameter " + name + " holds more than " + max + " items");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m)) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be a list of objects");
      }
      out.add((Map<String, Object>) m);
    }
    return out;
  }
}
