package io.tkms.adapter.http.wire;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.List;

/**
 * Parser for header values of the form {@code type; key=value; key="quoted \"value\""} as used by
 * {@code Content-Type} and {@code Content-Disposition}. Quoted strings honour backslash escapes
 * (RFC 9110 quoted-pair). Stateless and thread safe; throws {@link ErrorCode#REQUEST_UNPARSABLE} on
 * malformed input.
 */
final class HeaderValues {
  private HeaderValues() {}

  /**
   * Returns the trimmed leading token (media type or disposition type) and appends every parameter
   * to {@code params} as {@code {key, value}} with the key trimmed and unquoted value.
   */
  static String parse(String header, List<String[]> params) {
    int len = header.length();
    int semi = header.indexOf(';');
    int typeEnd = semi < 0 ? len : semi;
    String type = header.substring(0, typeEnd).trim();
    if (type.isEmpty()) {
      throw malformed();
    }
    int i = typeEnd;
    while (i < len) {
      i++; // skip ';'
      i = skipSpace(header, i);
      if (i == len) {
        break; // tolerate a trailing ';'
      }
      if (header.charAt(i) == ';') {
        continue; // tolerate ';;'
      }
      int eq = header.indexOf('=', i);
      int nextSemi = header.indexOf(';', i);
      if (eq < 0 || (nextSemi >= 0 && nextSemi < eq)) {
        throw malformed(); // a parameter without '='
      }
      String key = header.substring(i, eq).trim();
      if (key.isEmpty()) {
        throw malformed();
      }
      i = skipSpace(header, eq + 1);
      String value;
      if (i < len && header.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= len) {
            throw malformed(); // unterminated quoted string
          }
          char c = header.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            if (i >= len) {
              throw malformed();
            }
            c = header.charAt(i++);
          }
          sb.append(c);
        }
        value = sb.toString();
        i = skipSpace(header, i);
        if (i < len && header.charAt(i) != ';') {
          throw malformed(); // junk after the closing quote
        }
      } else {
        int end = header.indexOf(';', i);
        end = end < 0 ? len : end;
        value = header.substring(i, end).trim();
        i = end;
      }
      params.add(new String[] {key, value});
    }
    return type;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static KmsException malformed() {
    return ErrorCode.REQUEST_UNPARSABLE.exception("malformed header parameters");
  }
}
