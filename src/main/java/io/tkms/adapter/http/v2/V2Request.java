package io.tkms.adapter.http.v2;

import io.tkms.error.ErrorCode;
import java.util.Map;

/**
 * The parsed parameters of one API 2.0 request, with typed accessors that fail with the protocol's
 * own errors. Parameter values may hold plaintext: never log them.
 */
final class V2Request {
  private final Map<String, String> params;

  V2Request(Map<String, String> params) {
    this.params = params;
  }

  Map<String, String> all() {
    return params;
  }

  String optional(String name) {
    return params.get(name);
  }

  /** A present, non-empty value, else MISSING_PARAMETER naming it. */
  String required(String name) {
    String v = params.get(name);
    if (v == null || v.isEmpty()) {
      throw ErrorCode.MISSING_PARAMETER.exception("lacked of required parameters: " + name);
    }
    return v;
  }

  /** An integer in [min, max], or {@code dflt} when absent or empty; numeric strings only. */
  int integer(String name, int dflt, int min, int max) {
    String v = params.get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    long n = parseLong(name, v);
    if (n < min || n > max) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be between " + min + " and " + max);
    }
    return (int) n;
  }

  /** A non-negative decimal that must fit a long (Timestamp, Nonce). */
  long unsigned(String name) {
    long n = parseLong(name, required(name));
    if (n < 0) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be a non-negative integer");
    }
    return n;
  }

  private static long parseLong(String name, String v) {
    if (v.length() > 19) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " is out of range");
    }
    int start = v.startsWith("-") ? 1 : 0;
    if (start == v.length()) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be an integer");
    }
    for (int i = start; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be an integer");
      }
    }
    return Long.parseLong(v);
  }
}
