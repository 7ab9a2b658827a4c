package io.tkms.adapter.http.wire;

import io.tkms.error.ErrorCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a decoded parameter list into a name → value map, refusing repeated names.
 *
 * <p>A repeated name is refused rather than resolved (first or last wins) because the signature
 * covers one value per name: letting a later copy win would let a proxy or client library that
 * keeps a different copy than we do disagree about what was signed.
 *
 * <p>Stateless and thread safe. Throws {@link ErrorCode#DUPLICATE_PARAMETER}.
 */
public final class Params {
  /** Names are echoed in error messages; longer ones are cut so a hostile name stays small. */
  static final int MAX_NAME_IN_MESSAGE = 64;

  private Params() {}

  /** An immutable map of {@code params}; iteration order is unspecified. */
  public static Map<String, String> toMap(List<Param> params) {
    Map<String, String> map = new HashMap<>(Math.max(4, params.size() * 2));
    for (Param p : params) {
      if (map.putIfAbsent(p.name(), p.value()) != null) {
        throw ErrorCode.DUPLICATE_PARAMETER.exception(
            "parameter " + forMessage(p.name()) + " is given more than once");
      }
    }
    return Map.copyOf(map);
  }

  /**
   * The parameters of a legacy-signed (HmacSHA1/HmacSHA256) request as they are executed: each
   * {@code _} in a name reads as {@code .}, as the string-to-sign writes it, so that what runs is
   * what was signed ({@code KeyIds_1} is {@code KeyIds.1}). The signature itself is checked over
   * {@code params} as sent (the string-to-sign sorts the names as sent). Two names that read the
   * same ({@code KeyIds_1} and {@code KeyIds.1}) are refused as a repeated name.
   *
   * @return {@code params} itself when no name holds {@code _}
   */
  public static Map<String, String> legacyNames(Map<String, String> params) {
    boolean any = false;
    for (String name : params.keySet()) {
      if (name.indexOf('_') >= 0) {
        any = true;
        break;
      }
    }
    if (!any) {
      return params;
    }
    Map<String, String> map = new HashMap<>(params.size() * 2);
    for (Map.Entry<String, String> e : params.entrySet()) {
      String name = e.getKey().replace('_', '.');
      if (map.putIfAbsent(name, e.getValue()) != null) {
        throw ErrorCode.DUPLICATE_PARAMETER.exception(
            "parameter " + forMessage(name) + " is given more than once");
      }
    }
    return Map.copyOf(map);
  }

  /**
   * A parameter name made safe to put in a client-visible message and in logs: control and format
   * characters (which could forge log lines or reorder text with bidi overrides) are dropped, and
   * anything past {@value #MAX_NAME_IN_MESSAGE} characters is cut and marked.
   */
  public static String forMessage(String name) {
    StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX_NAME_IN_MESSAGE + 3));
    int kept = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE) {
        continue;
      }
      if (kept == MAX_NAME_IN_MESSAGE) {
        return sb.append("...").toString();
      }
      sb.appendCodePoint(cp);
      kept++;
    }
    return sb.toString();
  }
}
