package io.tkms.adapter.http.admin;

import io.tkms.application.LimitPolicy;
import io.tkms.domain.LimitOverrides;
import io.tkms.domain.Limits;
import io.tkms.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The JSON of {@code /admin/v1/accounts/{appId}/limits}: one member per limiter group, named by the
 * group in lower camel case ({@code crypto}, {@code management}, {@code sign}, {@code verify},
 * {@code asymmetricDecrypt}, {@code publicKey}), and {@code actions}, an object of action name to
 * limit. A PUT body may leave out any member; a member not in that list is refused, so a misspelt
 * group is not silently ignored. Runs on the event loop; fails only with INVALID_PARAMETER_VALUE.
 */
final class LimitsJson {
  private LimitsJson() {}

  /** JSON member name of each group {@link LimitOverrides#groups} may hold, in the enum's order. */
  private static final Map<String, String> GROUP_FIELDS = groupFields();

  private static Map<String, String> groupFields() {
    Map<String, String> out = new LinkedHashMap<>();
    LimitPolicy.OVERRIDABLE_GROUPS.forEach(g -> out.put(camel(g), g));
    return out;
  }

  /** {@code ASYMMETRIC_DECRYPT} → {@code asymmetricDecrypt}. */
  static String camel(String groupName) {
    StringBuilder sb = new StringBuilder();
    for (String part : groupName.toLowerCase(Locale.ROOT).split("_", -1)) {
      sb.append(
          sb.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return sb.toString();
  }

  /** A PUT body as the change it asks for (values not yet range-checked). */
  static LimitOverrides change(JsonObject b) {
    for (String field : b.fieldNames()) {
      if (!field.equals("crypto")
          && !field.equals("management")
          && !field.equals("actions")
          && !GROUP_FIELDS.containsKey(field)) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
            "unknown limit "
                + field
                + "; known: crypto, management, "
                + String.join(", ", GROUP_FIELDS.keySet())
                + ", actions");
      }
    }
    Map<String, Integer> actions = new HashMap<>();
    Object a = b.getValue("actions");
    if (a != null) {
      if (!(a instanceof JsonObject o)) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
            "actions must be an object of action name to limit");
      }
      o.forEach(e -> actions.put(e.getKey(), integer(e.getValue(), "actions." + e.getKey())));
    }
    Map<String, Integer> groups = new HashMap<>();
    GROUP_FIELDS.forEach(
        (field, group) -> {
          Integer qps = integer(b.getValue(field), field);
          if (qps != null) {
            groups.put(group, qps);
          }
        });
    return new LimitOverrides(
        optionalInt(b.getValue("crypto"), "crypto"),
        optionalInt(b.getValue("management"), "management"),
        actions,
        groups);
  }

  /** Effective limits: every group's member (the configured default where not overridden). */
  static JsonObject of(Limits l) {
    JsonObject json = new JsonObject().put("crypto", l.crypto()).put("management", l.management());
    GROUP_FIELDS.forEach(
        (field, group) -> {
          Integer qps = l.groups().get(group);
          if (qps != null) {
            json.put(field, qps);
          }
        });
    JsonObject actions = new JsonObject();
    new TreeMap<>(l.actions()).forEach(actions::put);
    return json.put("actions", actions);
  }

  private static OptionalInt optionalInt(Object v, String field) {
    Integer i = integer(v, field);
    return i == null ? OptionalInt.empty() : OptionalInt.of(i);
  }

  private static Integer integer(Object v, String field) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer || v instanceof Long)
        || ((Number) v).longValue() > Integer.MAX_VALUE) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          field + " must be a whole number of requests per second");
    }
    return ((Number) v).intValue();
  }
}
