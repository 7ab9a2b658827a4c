package io.tkms.domain;

import java.util.HashMap;
import java.util.Map;

/**
 * The QPS limits an account is held to: per action group, plus per-action limits for the actions
 * named in {@code actions}. Built from the configured defaults {@linkplain #overriddenBy overridden
 * by} the account's {@link LimitOverrides}.
 */
public record Limits(int crypto, int management, Map<String, Integer> actions) {
  public Limits {
    actions = Map.copyOf(actions);
  }

  /** {@code this} with the limits {@code overrides} sets; actions merged, the override winning. */
  public Limits overriddenBy(LimitOverrides overrides) {
    Map<String, Integer> merged = new HashMap<>(actions);
    merged.putAll(overrides.actions());
    return new Limits(
        overrides.crypto().orElse(crypto), overrides.management().orElse(management), merged);
  }
}
