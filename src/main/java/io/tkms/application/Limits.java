package io.tkms.application;

import java.util.Map;

/**
 * QPS limits of one account: per action group, plus optional per-action limits. A field of an
 * override may be null (not overridden); effective limits have every group set.
 */
public record Limits(Integer crypto, Integer management, Map<String, Integer> actions) {
  public Limits {
    actions = actions == null ? Map.of() : Map.copyOf(actions);
  }

  /** No overrides. */
  public static final Limits NONE = new Limits(null, null, Map.of());

  /** {@code this} with the fields of {@code override} that are set; actions merged, override winning. */
  public Limits overriddenBy(Limits override) {
    Map<String, Integer> merged = new java.util.HashMap<>(actions);
    merged.putAll(override.actions());
    return new Limits(override.crypto() != null ? override.crypto() : crypto,
        override.management() != null ? override.management() : management, merged);
  }
}
