package io.tkms.domain;

import io.tkms.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's EncryptionContext: string pairs bound to a ciphertext as authenticated data.
 *
 * <p>Clients send it as a JSON object whose values are all strings ({@code {}} allowed), at most
 * {@value #MAX_JSON_BYTES} UTF-8 bytes. {@link #canonical()} gives the byte form that is
 * authenticated; it is part of the ciphertext format and must never change: a 4-byte big-endian
 * pair count, then for each pair, sorted by the key's UTF-8 bytes (unsigned lexicographic), the
 * 4-byte big-endian length of the key's UTF-8 bytes, those bytes, then the same for the value.
 * Length prefixes keep {@code {"ab":"c"}} and {@code {"a":"bc"}} apart; sorting makes the JSON
 * spelling (key order, whitespace, escapes) irrelevant.
 *
 * <p>Immutable and thread safe. Errors: {@link #parse(String)} throws {@link
 * ErrorCode#INVALID_ENCRYPTION_CONTEXT} with a client-safe message that never quotes the input.
 */
public final class EncryptionContext {
  /** Longest accepted JSON text, in UTF-8 bytes. */
  public static final int MAX_JSON_BYTES = 1024;

  /** No context; its canonical form is four zero bytes, the same as {@code {}}. */
  public static final EncryptionContext EMPTY = new EncryptionContext(Map.of());

  private final Map<String, String> pairs;
  private final byte[] canonical;

  private EncryptionContext(Map<String, String> unordered) {
    List<Pair> sorted = new ArrayList<>(unordered.size());
    int size = 4;
    for (Map.Entry<String, String> e : unordered.entrySet()) {
      Pair p = new Pair(e.getKey(), e.getValue());
      sorted.add(p);
      size += 8 + p.keyBytes.length + p.valueBytes.length;
    }
    // Byte order, not String.compareTo: UTF-16 order differs from UTF-8 order above U+FFFF, and
    // the canonical form must be reproducible by implementations in any language.
    sorted.sort((a, b) -> Arrays.compareUnsigned(a.keyBytes, b.keyBytes));

    ByteBuffer out = ByteBuffer.allocate(size); // big-endian by default
    out.putInt(sorted.size());
    Map<String, String> ordered = new LinkedHashMap<>();
    for (Pair p : sorted) {
      out.putInt(p.keyBytes.length).put(p.keyBytes);
      out.putInt(p.valueBytes.length).put(p.valueBytes);
      ordered.put(p.key, p.value);
    }
    this.pairs = Collections.unmodifiableMap(ordered);
    this.canonical = out.array();
  }

  /**
   * Parses the client's JSON text. {@code null} and {@code ""} mean "no context" ({@link #EMPTY});
   * so does {@code {}}.
   */
  public static EncryptionContext parse(String json) {
    if (json == null || json.isEmpty()) {
      return EMPTY;
    }
    if (utf8LengthExceeds(json, MAX_JSON_BYTES)) {
      throw ErrorCode.INVALID_ENCRYPTION_CONTEXT.exception(
          "encryptionContext is longer than " + MAX_JSON_BYTES + " bytes");
    }
    Map<String, String> parsed = EncryptionContextParser.parse(json);
    return parsed.isEmpty() ? EMPTY : new EncryptionContext(parsed);
  }

  /** The pairs, unmodifiable, iterating in canonical (UTF-8 byte) key order. */
  public Map<String, String> pairs() {
    return pairs;
  }

  public boolean isEmpty() {
    return pairs.isEmpty();
  }

  /** The canonical bytes that get authenticated (a fresh copy). */
  public byte[] canonical() {
    return canonical.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionContext other && pairs.equals(other.pairs);
  }

  @Override
  public int hashCode() {
    return pairs.hashCode();
  }

  /** Shows only the pair count: contexts are client data and may be sensitive. */
  @Override
  public String toString() {
    return "EncryptionContext[" + pairs.size() + " pairs]";
  }

  /** Counts UTF-8 bytes without encoding, stopping as soon as the limit is passed. */
  private static boolean utf8LengthExceeds(String s, int limit) {
    // Every char costs at least one byte, so a long string is refused without scanning it.
    if (s.length() > limit) {
      return true;
    }
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3; // lone surrogates are rejected by the parser anyway
      }
    }
    return bytes > limit;
  }

  private static final class Pair {
    final String key;
    final String value;
    final byte[] keyBytes;
    final byte[] valueBytes;

    Pair(String key, String value) {
      this.key = key;
      this.value = value;
      this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
      this.valueBytes = value.getBytes(StandardCharsets.UTF_8);
    }
  }
}
