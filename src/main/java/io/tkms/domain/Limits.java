package io.tkms.domain;

import java.util.Map;

/**
 * The QPS limits an account is held to: per action group ({@code crypto}, {@code management}, and
 * the asymmetric groups in {@code groups} by name), plus per-action limits for the actions named in
 * {@code actions}. Built from the configured defaults {@linkplain #overriddenBy overridden by} the
 * account's {@link LimitOverrides}, which may override any of them.
 */
public record Limits(
    int crypto, int management, Map<String, Integer> actions, Map<String, Integer> groups) {
  public Limits {
    actions = Map.copyOf(actions);
    groups = Map.copyOf(groups);
  }

  /** Limits without groups of their own beyond crypto and management. */
  public Limits(int crypto, int management, Map<String, Integer> actions) {
    this(crypto, management, actions, Map.of());
  }

  /**
   * {@code this} with the limits {@code overrides} sets; actions and groups merged, the override
   * winning.
   */
  public Limits overriddenBy(LimitOverrides overrides) {
    return new Limits(
        overrides.crypto().orElse(crypto),
        overrides.management().orElse(management),
        LimitOverrides.merge(actions, overrides.actions()),
        LimitOverrides.merge(groups, overrides.groups()));
  }
}
