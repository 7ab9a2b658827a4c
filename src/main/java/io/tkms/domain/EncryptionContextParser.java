package io.tkms.domain;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.HashMap;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader for exactly one shape: an object whose values are all strings.
 *
 * <p>Hand-written because the domain package may not use a JSON library, and because a general
 * parser is both more lenient (duplicate keys, lone surrogates) and more expensive than this input
 * deserves. Error messages are fixed texts: the input is client-supplied and never echoed.
 *
 * <p>Threading: one instance per parse, not shared. Errors: {@link
 * ErrorCode#INVALID_ENCRYPTION_CONTEXT}.
 */
final class EncryptionContextParser {
  static final String NOT_OBJECT = "encryptionContext must be a JSON object";
  static final String NOT_STRING = "encryptionContext values must be strings";
  static final String DUPLICATE_KEY = "encryptionContext has a duplicate key";
  static final String MALFORMED = "encryptionContext is not valid JSON";
  static final String BAD_STRING = "encryptionContext has an invalid string";

  private final String text;
  private int pos;

  private EncryptionContextParser(String text) {
    this.text = text;
  }

  /** Parses {@code text} into its pairs (unordered); the caller has already bounded its size. */
  static Map<String, String> parse(String text) {
    return new EncryptionContextParser(text).object();
  }

  private Map<String, String> object() {
    skipWhitespace();
    if (!consume('{')) {
      throw fail(NOT_OBJECT);
    }
    Map<String, String> pairs = new HashMap<>();
    skipWhitespace();
    if (!consume('}')) {
      while (true) {
        if (peek() != '"') {
          throw fail(MALFORMED);
        }
        String key = string();
        skipWhitespace();
        if (!consume(':')) {
          throw fail(MALFORMED);
        }
        skipWhitespace();
        if (peek() != '"') {
          // Anything that starts another JSON value (object, array, number, literal) is a
          // well-formed but unsupported value; anything else is just broken JSON.
          throw fail(
              peek() >= 0 && "{[-0123456789tfn".indexOf(peek()) >= 0 ? NOT_STRING : MALFORMED);
        }
        String value = string();
        if (pairs.putIfAbsent(key, value) != null) {
          // RFC 8259 leaves duplicates to the implementation; two readers picking different
          // values would let one context mean two things, so refuse.
          throw fail(DUPLICATE_KEY);
        }
        skipWhitespace();
        if (consume('}')) {
          break;
        }
        if (!consume(',')) {
          throw fail(MALFORMED);
        }
        skipWhitespace();
      }
    }
    skipWhitespace();
    if (pos != text.length()) {
      throw fail(MALFORMED);
    }
    return pairs;
  }

  /** Reads a string starting at the opening quote. */
  private String string() {
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw fail(MALFORMED);
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        break;
      }
      if (c < 0x20) {
        throw fail(BAD_STRING);
      }
      out.append(c == '\\' ? escape() : c);
    }
    requireWellFormedUtf16(out);
    return out.toString();
  }

  /** Decodes the escape after a backslash. */
  private char escape() {
    if (pos >= text.length()) {
      throw fail(MALFORMED);
    }
    char c = text.charAt(pos++);
    return switch (c) {
      case '"', '\\', '/' -> c;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'u' -> unicodeEscape();
      default -> throw fail(BAD_STRING);
    };
  }

  private char unicodeEscape() {
    if (pos > text.length() - 4) {
      throw fail(BAD_STRING);
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      char c = text.charAt(pos++);
      int d;
      // Not Character.digit: it also accepts non-ASCII digits, which JSON does not.
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        throw fail(BAD_STRING);
      }
      v = (v << 4) | d;
    }
    return (char) v;
  }

  /**
   * Surrogates may arrive raw or as {@code \\uXXXX}; checking the decoded string covers both and
   * guarantees the value has a well-defined UTF-8 encoding for {@code canonical()}.
   */
  private static void requireWellFormedUtf16(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw fail(BAD_STRING);
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw fail(BAD_STRING);
      }
    }
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private int peek() {
    return pos < text.length() ? text.charAt(pos) : -1;
  }

  private boolean consume(char expected) {
    if (peek() == expected) {
      pos++;
      return true;
    }
    return false;
  }

  private static KmsException fail(String message) {
    return ErrorCode.INVALID_ENCRYPTION_CONTEXT.exception(message);
  }
}
