package io.tkms.adapter.http.action;

import io.tkms.error.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire-type checks of {@link Field#decode}, the same for both protocols: API 2.0 values are
 * always strings, API 3.0 values are JSON values (numbers may also come as strings, as the official
 * CLI sends them). Messages name the parameter as the client spelled it and never echo its value.
 */
final class WireValues {
  private WireValues() {}

  /**
   * {@code raw} (not null, not "") as {@code type}: a String, a Long, a list of strings or a list
   * of objects; null when an integer 0 counts as absent.
   */
  static Object of(Field.Type type, Object raw, String name, Field.Spec spec) {
    return switch (type) {
      case STRING -> string(raw, name);
      case INTEGER -> integer(raw, name, spec);
      case STRINGS -> strings(raw, name, spec.max());
      case OBJECTS -> objects(raw, name, spec.max());
      case ANY -> raw;
    };
  }

  private static String string(Object v, String name) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be a string");
  }

  private static Long integer(Object v, String name, Field.Spec spec) {
    long n = toLong(v, name);
    if (n == 0 && spec.zeroIsAbsent()) {
      return null;
    }
    if (n < spec.min() || n > spec.max()) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          "parameter " + name + " must be between " + spec.min() + " and " + spec.max());
    }
    return n;
  }

  private static long toLong(Object v, String name) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      if (b.bitLength() > 63) {
        throw outOfRange(name);
      }
      return b.longValue();
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      double d = ((Number) v).doubleValue();
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        throw notAnInteger(name);
      }
      if (Math.abs(d) >= 0x1p63) {
        throw outOfRange(name);
      }
      return (long) d;
    }
    if (v instanceof String s) {
      return parse(s, name);
    }
    throw notAnInteger(name);
  }

  /** An optional minus and 1 to 19 ASCII digits (a regex here would cost a Pattern per call). */
  private static long parse(String s, String name) {
    int start = s.startsWith("-") ? 1 : 0;
    int digits = s.length() - start;
    if (digits < 1) {
      throw notAnInteger(name);
    }
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw notAnInteger(name);
      }
    }
    if (digits > 19) {
      throw outOfRange(name);
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw outOfRange(name);
    }
  }

  private static List<String> strings(Object v, String name, long max) {
    List<?> list = list(v, name, max, "strings");
    List<String> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
            "parameter " + name + " must be a list of strings");
      }
      out.add(s);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> objects(Object v, String name, long max) {
    List<?> list = list(v, name, max, "objects");
    List<Map<String, Object>> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m)) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
            "parameter " + name + " must be a list of objects");
      }
      out.add((Map<String, Object>) m);
    }
    return out;
  }

  private static List<?> list(Object v, String name, long max, String of) {
    if (!(v instanceof List<?> list)) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          "parameter " + name + " must be a list of " + of);
    }
    if (list.size() > max) {
      throw ErrorCode.PARAMETER_BATCH_TOO_LARGE.exception(
          "parameter " + name + " holds more than " + max + " items");
    }
    return list;
  }

  private static RuntimeException notAnInteger(String name) {
    return ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be an integer");
  }

  private static RuntimeException outOfRange(String name) {
    return ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " is out of range");
  }
}
