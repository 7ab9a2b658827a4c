package io.tkms.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Merging a change into stored overrides, and overrides into the configured defaults. */
class LimitOverridesTest {
  private static final Limits DEFAULTS =
      new Limits(
          100,
          10,
          Map.of("GenerateRandom", 5),
          Map.of("SIGN", 40, "VERIFY", 41, "ASYMMETRIC_DECRYPT", 42, "PUBLIC_KEY", 43));

  private static LimitOverrides groups(Map<String, Integer> groups) {
    return new LimitOverrides(OptionalInt.empty(), OptionalInt.empty(), Map.of(), groups);
  }

  @Test
  void none_leavesTheDefaultsAsTheyAre() {
    assertThat(DEFAULTS.overriddenBy(LimitOverrides.NONE)).isEqualTo(DEFAULTS);
  }

  @Test
  void groupOverrides_replaceOnlyTheGroupsTheyName() {
    assertThat(DEFAULTS.overriddenBy(groups(Map.of("SIGN", 3, "PUBLIC_KEY", 4))))
        .isEqualTo(
            new Limits(
                100,
                10,
                Map.of("GenerateRandom", 5),
                Map.of("SIGN", 3, "VERIFY", 41, "ASYMMETRIC_DECRYPT", 42, "PUBLIC_KEY", 4)));
  }

  @Test
  void everyKindOfOverride_appliesTogether() {
    LimitOverrides all =
        new LimitOverrides(
            OptionalInt.of(500),
            OptionalInt.of(50),
            Map.of("GenerateRandom", 1, "Encrypt", 7),
            Map.of("VERIFY", 9));
    assertThat(DEFAULTS.overriddenBy(all))
        .isEqualTo(
            new Limits(
                500,
                50,
                Map.of("GenerateRandom", 1, "Encrypt", 7),
                Map.of("SIGN", 40, "VERIFY", 9, "ASYMMETRIC_DECRYPT", 42, "PUBLIC_KEY", 43)));
  }

  @Test
  void aChange_keepsWhatItLeavesOut_andWinsWhereItSetsSomething() {
    LimitOverrides stored =
        new LimitOverrides(
            OptionalInt.of(500), OptionalInt.empty(), Map.of("Encrypt", 7), Map.of("SIGN", 3));
    LimitOverrides change =
        new LimitOverrides(
            OptionalInt.empty(),
            OptionalInt.of(20),
            Map.of("Decrypt", 8),
            Map.of("SIGN", 4, "VERIFY", 5));
    assertThat(stored.overriddenBy(change))
        .isEqualTo(
            new LimitOverrides(
                OptionalInt.of(500),
                OptionalInt.of(20),
                Map.of("Encrypt", 7, "Decrypt", 8),
                Map.of("SIGN", 4, "VERIFY", 5)));
  }

  @Test
  void theThreeArgumentForm_overridesNoGroup() {
    assertThat(new LimitOverrides(OptionalInt.of(1), OptionalInt.empty(), Map.of()).groups())
        .isEmpty();
  }
}
