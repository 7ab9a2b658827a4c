package io.tkms.adapter.http.wire;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes the v2 array convention {@code name.0=a&name.1=b} into lists.
 *
 * <p>A name ending in {@code .<ASCII digits>} is an array item of its base name (everything before
 * the last dot); every other name is a scalar. Only the last level is split: {@code A.0.B.1} is
 * item 1 of base {@code A.0.B}, so callers list nested bases literally in {@code repeatable}. A
 * repeatable base given without index stays a scalar (the caller decides whether that is allowed).
 *
 * <p>Stateless and thread safe. Throws {@link ErrorCode#PARAMETER_NOT_REPEATABLE} (indexed name
 * whose base is not repeatable), {@link ErrorCode#PARAMETER_INDEX_NOT_CONSEQUENT} (indexes are not
 * exactly {@code 0..n-1}; a leading zero or an index too large to be real counts as a gap), {@link
 * ErrorCode#PARAMETER_BATCH_TOO_LARGE} (more than {@code maxItems} items) and {@link
 * ErrorCode#DUPLICATE_PARAMETER} (a base given both as a scalar and as a list).
 */
public final class ArrayParams {
  /** More digits than this cannot be a valid index for any sane {@code maxItems}. */
  private static final int MAX_INDEX_DIGITS = 9;

  private ArrayParams() {}

  /**
   * Scalars and lists of one request; both maps and all lists are immutable.
   *
   * @param scalars parameters without an index
   * @param lists items by base name, in index order
   */
  public record Decoded(Map<String, String> scalars, Map<String, List<String>> lists) {
    public Decoded {
      scalars = Map.copyOf(scalars);
      lists = Map.copyOf(lists);
    }
  }

  public static Decoded decode(Map<String, String> flat, Set<String> repeatable, int maxItems) {
    Objects.requireNonNull(repeatable, "repeatable");
    if (maxItems < 1) {
      throw new IllegalArgumentException("maxItems must be at least 1");
    }
    Map<String, String> scalars = new HashMap<>();
    // Per base: items by index; an invalid index (leading zero, too long) is recorded as -1.
    Map<String, Map<Integer, String>> indexed = new HashMap<>();
    for (Map.Entry<String, String> e : flat.entrySet()) {
      String name = e.getKey();
      int dot = itemDot(name);
      if (dot < 0) {
        scalars.put(name, e.getValue());
        continue;
      }
      String base = name.substring(0, dot);
      if (!repeatable.contains(base)) {
        throw ErrorCode.PARAMETER_NOT_REPEATABLE.exception(
            "parameter " + Params.forMessage(base) + " is NOT a repeatable parameter");
      }
      int index = parseIndex(name, dot + 1);
      if (index < 0) {
        throw notConsequent(base);
      }
      indexed.computeIfAbsent(base, k -> new HashMap<>()).put(index, e.getValue());
    }
    Map<String, List<String>> lists = new HashMap<>();
    for (Map.Entry<String, Map<Integer, String>> e : indexed.entrySet()) {
      String base = e.getKey();
      if (scalars.containsKey(base)) {
        throw ErrorCode.DUPLICATE_PARAMETER.exception(
            "parameter " + Params.forMessage(base) + " is given more than once");
      }
      Map<Integer, String> items = e.getValue();
      int n = items.size();
      // n distinct non-negative indexes are exactly 0..n-1 iff every one is below n.
      String[] values = new String[n];
      for (Map.Entry<Integer, String> item : items.entrySet()) {
        if (item.getKey() >= n) {
          throw notConsequent(base);
        }
        values[item.getKey()] = item.getValue();
      }
      if (n > maxItems) {
        throw ErrorCode.PARAMETER_BATCH_TOO_LARGE.exception(
            "batch size of parameter "
                + Params.forMessage(base)
                + " is too large, at most "
                + maxItems
                + " items");
      }
      lists.put(base, List.copyOf(Arrays.asList(values)));
    }
    return new Decoded(scalars, lists);
  }

  /** Offset of the dot before a trailing run of ASCII digits, or -1 if the name is no item. */
  private static int itemDot(String name) {
    int i = name.length() - 1;
    // ASCII only: Character.isDigit would also accept e.g. Arabic-Indic digits.
    while (i >= 0 && name.charAt(i) >= '0' && name.charAt(i) <= '9') {
      i--;
    }
    boolean hasDigits = i < name.length() - 1;
    boolean hasBase = i > 0;
    return hasDigits && hasBase && name.charAt(i) == '.' ? i : -1;
  }

  /** The index starting at {@code from}, or -1 when it has a leading zero or too many digits. */
  private static int parseIndex(String name, int from) {
    int digits = name.length() - from;
    if (digits > MAX_INDEX_DIGITS || (digits > 1 && name.charAt(from) == '0')) {
      return -1;
    }
    return Integer.parseInt(name, from, name.length(), 10);
  }

  private static KmsException notConsequent(String base) {
    return ErrorCode.PARAMETER_INDEX_NOT_CONSEQUENT.exception(
        "index of parameter " + Params.forMessage(base) + " is not consequent");
  }
}
