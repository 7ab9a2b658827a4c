package io.tkms.domain;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An account's own QPS limits, where they differ from the configured defaults: a group limit that
 * is empty is not overridden; {@code actions} holds per-action limits; {@code groups} holds limits
 * of the other groups by the limiter group's name ({@code SIGN}, {@code VERIFY}, {@code
 * ASYMMETRIC_DECRYPT}, {@code PUBLIC_KEY}), as {@link Limits#groups} does. Also the shape of a
 * change to them (a field left empty keeps the current override).
 */
public record LimitOverrides(
    OptionalInt crypto,
    OptionalInt management,
    Map<String, Integer> actions,
    Map<String, Integer> groups) {
  public LimitOverrides {
    Objects.requireNonNull(crypto, "crypto");
    Objects.requireNonNull(management, "management");
    actions = Map.copyOf(actions);
    groups = Map.copyOf(groups);
  }

  /** Overrides of no group beyond crypto and management. */
  public LimitOverrides(OptionalInt crypto, OptionalInt management, Map<String, Integer> actions) {
    this(crypto, management, actions, Map.of());
  }

  /** Nothing overridden. */
  public static final LimitOverrides NONE =
      new LimitOverrides(OptionalInt.empty(), OptionalInt.empty(), Map.of(), Map.of());

  /** {@code this} with what {@code change} sets; actions and groups merged, the change winning. */
  public LimitOverrides overriddenBy(LimitOverrides change) {
    return new LimitOverrides(
        change.crypto().isPresent() ? change.crypto() : crypto,
        change.management().isPresent() ? change.management() : management,
        merge(actions, change.actions()),
        merge(groups, change.groups()));
  }

  /** {@code base} with {@code winner}'s entries added or replacing. */
  static Map<String, Integer> merge(Map<String, Integer> base, Map<String, Integer> winner) {
    Map<String, Integer> merged = new HashMap<>(base);
    merged.putAll(winner);
    return merged;
  }
}
