package io.tkms.adapter.http.wire;

import io.tkms.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns API 3.0 GET/form parameters in the flattened form ({@code KeyIds.0=k1}, {@code
 * TagFilters.0.TagValue.1=prod}) into the nested maps and lists a JSON body would have, so both
 * shapes decode to the same model. Values stay strings. Indexes must run 0..n-1.
 */
public final class Unflatten {
  private Unflatten() {}

  /**
   * Nests {@code flat} by its dotted names.
   *
   * @return a tree of {@code Map<String,Object>}, {@code List<Object>} and {@code String}
   * @throws io.tkms.error.KmsException PARAMETER_INDEX_NOT_CONSEQUENT, PARAMETER_BATCH_TOO_LARGE,
   *     DUPLICATE_PARAMETER (a name used both as a value and as a container)
   */
  public static Map<String, Object> toTree(Map<String, String> flat, int maxItems) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : flat.entrySet()) {
      String[] parts = e.getKey().split("\\.", -1);
      Object node = root;
      for (int i = 0; i < parts.length; i++) {
        boolean last = i == parts.length - 1;
        String part = parts[i];
        Object child =
            last
                ? e.getValue()
                : (isIndex(parts[i + 1]) ? new TreeList() : new LinkedHashMap<String, Object>());
        node = put(node, part, child, last, e.getKey(), maxItems);
      }
    }
    return finish(root, maxItems);
  }

  /** A list under construction, indexed sparsely until {@link #finish}. */
  private static final class TreeList extends LinkedHashMap<Integer, Object> {
    private static final long serialVersionUID = 1L;
  }

  @SuppressWarnings("unchecked")
  private static Object put(
      Object node, String part, Object child, boolean last, String name, int maxItems) {
    Object existing;
    if (node instanceof TreeList list) {
      if (!isIndex(part)) {
        throw ErrorCode.DUPLICATE_PARAMETER.exception(
            "parameter " + safe(name) + " mixes list and object forms");
      }
      int idx = Integer.parseInt(part);
      if (idx >= maxItems) {
        throw ErrorCode.PARAMETER_BATCH_TOO_LARGE.exception(
            "parameter " + safe(name) + " has too many items");
      }
      existing = list.get(idx);
      if (existing == null) {
        list.put(idx, child);
        return child;
      }
    } else {
      Map<String, Object> map = (Map<String, Object>) node;
      if (part.isEmpty() || isIndex(part)) {
        throw ErrorCode.PARAMETER_NOT_REPEATABLE.exception(
            "parameter " + safe(name) + " is not a list");
      }
      existing = map.get(part);
      if (existing == null) {
        map.put(part, child);
        return child;
      }
    }
    if (last || existing instanceof String || existing.getClass() != child.getClass()) {
      throw ErrorCode.DUPLICATE_PARAMETER.exception(
          "parameter " + safe(name) + " is given more than once");
    }
    return existing;
  }

  @SuppressWarnings({
    "unchecked",
    "TypeParameterUnusedInFormals"
  }) // the caller names the node's type
  private static <T> T finish(Object node, int maxItems) {
    if (node instanceof TreeList list) {
      List<Object> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        if (!list.containsKey(i)) {
          throw ErrorCode.PARAMETER_INDEX_NOT_CONSEQUENT.exception();
        }
        out.add(finish(list.get(i), maxItems));
      }
      return (T) out;
    }
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put((String) k, finish(v, maxItems)));
      return (T) out;
    }
    return (T) node;
  }

  private static boolean isIndex(String s) {
    if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String safe(String name) {
    String n = name.length() > 64 ? name.substring(0, 64) : name;
    return n.replaceAll("[^A-Za-z0-9._-]", "?");
  }
}
