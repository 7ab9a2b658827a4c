package io.tkms.domain;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An account's own QPS limits, where they differ from the configured defaults: a group limit that
 * is empty is not overridden; {@code actions} holds per-action limits. Also the shape of a change
 * to them (a field left empty keeps the current override).
 */
public record LimitOverrides(
    OptionalInt crypto, OptionalInt management, Map<String, Integer> actions) {
  public LimitOverrides {
    Objects.requireNonNull(crypto, "crypto");
    Objects.requireNonNull(management, "management");
    actions = Map.copyOf(actions);
  }

  /** Nothing overridden. */
  public static final LimitOverrides NONE =
      new LimitOverrides(OptionalInt.empty(), OptionalInt.empty(), Map.of());

  /** {@code this} with what {@code change} sets; actions merged, the change winning. */
  public LimitOverrides overriddenBy(LimitOverrides change) {
    Map<String, Integer> merged = new HashMap<>(actions);
    merged.putAll(change.actions());
    return new LimitOverrides(
        change.crypto().isPresent() ? change.crypto() : crypto,
        change.management().isPresent() ? change.management() : management,
        merged);
  }
}
