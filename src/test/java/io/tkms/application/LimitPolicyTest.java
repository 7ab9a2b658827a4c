package io.tkms.application;

import static io.tkms.application.fakes.Outcomes.failure;
import static io.tkms.application.fakes.Outcomes.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.application.fakes.CountingRateLimiter;
import io.tkms.application.fakes.CountingRateLimiter.Call;
import io.tkms.application.fakes.InMemoryAccountRepository;
import io.tkms.application.fakes.ManualClock;
import io.tkms.application.fakes.RecordingChangeBus;
import io.tkms.application.port.ChangeBus.Change;
import io.tkms.application.port.ChangeBus.Kind;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.domain.LimitOverrides;
import io.tkms.domain.Limits;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An account's effective limits (defaults, then its overrides), their cache and its invalidation,
 * and the buckets a request must pass: its group's, and its action's when that has a limit.
 */
class LimitPolicyTest {
  private static final String APP = "1250000001";
  private static final Limits DEFAULTS = new Limits(100, 10, Map.of("GenerateRandom", 5));

  private final InMemoryAccountRepository accounts =
      new InMemoryAccountRepository(new ManualClock(Instant.EPOCH));
  private final CountingRateLimiter limiter = new CountingRateLimiter();
  private final RecordingChangeBus bus = new RecordingChangeBus();
  private final LimitPolicy policy =
      new LimitPolicy(DEFAULTS, accounts, limiter, bus, Duration.ofHours(1));

  private static LimitOverrides crypto(int qps) {
    return new LimitOverrides(OptionalInt.of(qps), OptionalInt.empty(), Map.of());
  }

  private static LimitOverrides actions(Map<String, Integer> actions) {
    return new LimitOverrides(OptionalInt.empty(), OptionalInt.empty(), actions);
  }

  @BeforeEach
  void account() {
    succeeded(accounts.createAccount(APP, APP));
  }

  @Test
  void withoutOverrides_theDefaultsApply() {
    assertThat(succeeded(policy.effective(APP))).isEqualTo(DEFAULTS);
  }

  @Test
  void overrides_replaceTheFieldsTheySet_andMergeActions() {
    succeeded(
        policy.set(
            APP,
            new LimitOverrides(OptionalInt.of(500), OptionalInt.empty(), Map.of("Encrypt", 50))));
    assertThat(succeeded(policy.effective(APP)))
        .isEqualTo(new Limits(500, 10, Map.of("GenerateRandom", 5, "Encrypt", 50)));
  }

  @Test
  void anOverriddenActionLimit_winsOverTheDefaultOne() {
    assertThat(succeeded(policy.set(APP, actions(Map.of("GenerateRandom", 1)))).actions())
        .containsEntry("GenerateRandom", 1);
  }

  @Test
  void set_keepsTheOverridesAChangeLeavesOut_andReturnsTheEffectiveLimits() {
    succeeded(policy.set(APP, crypto(500)));
    Limits after =
        succeeded(
            policy.set(APP, new LimitOverrides(OptionalInt.empty(), OptionalInt.of(20), Map.of())));
    assertThat(after).isEqualTo(new Limits(500, 20, Map.of("GenerateRandom", 5)));
    assertThat(succeeded(accounts.findLimits(APP)))
        .contains(new LimitOverrides(OptionalInt.of(500), OptionalInt.of(20), Map.of()));
  }

  @Test
  void set_announcesTheChangeToEveryReplica() {
    succeeded(policy.set(APP, crypto(500)));
    assertThat(bus.published()).containsExactly(new Change(Kind.LIMITS, APP));
  }

  @Test
  void set_forAnUnknownAccount_failsWithNotFound_andAnnouncesNothing() {
    assertThat(failure(policy.set("999", crypto(5)))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(bus.published()).isEmpty();
  }

  @Test
  void effectiveLimits_areCached_untilAChangeIsAnnounced() {
    succeeded(policy.effective(APP));
    succeeded(policy.effective(APP));
    assertThat(accounts.findLimitsCalls()).isEqualTo(1);

    // Another replica stored new overrides and announced them.
    succeeded(accounts.saveLimits(APP, crypto(7)));
    assertThat(succeeded(policy.effective(APP)).crypto())
        .as("cached until announced")
        .isEqualTo(100);
    bus.deliver(new Change(Kind.LIMITS, APP));
    assertThat(succeeded(policy.effective(APP)).crypto()).isEqualTo(7);
  }

  @Test
  void anAnnouncementOfEverything_dropsEveryAccountsCachedLimits() {
    succeeded(policy.effective(APP));
    succeeded(accounts.saveLimits(APP, crypto(7)));
    bus.deliver(new Change(Kind.ALL, ""));
    assertThat(succeeded(policy.effective(APP)).crypto()).isEqualTo(7);
  }

  @Test
  void otherAnnouncements_leaveTheLimitsCached() {
    succeeded(policy.effective(APP));
    bus.deliver(new Change(Kind.KEY, "x"));
    bus.deliver(new Change(Kind.ACCOUNT, APP));
    succeeded(policy.effective(APP));
    assertThat(accounts.findLimitsCalls()).isEqualTo(1);
  }

  @Test
  void admit_takesATokenFromTheGroupsBucket_atTheGroupsLimit() {
    assertThat(succeeded(policy.admit(APP, Group.CRYPTO, "Encrypt"))).isTrue();
    assertThat(succeeded(policy.admit(APP, Group.MANAGEMENT, "ListKey"))).isTrue();
    assertThat(limiter.calls())
        .containsExactly(new Call(APP, "CRYPTO", 100, true), new Call(APP, "MANAGEMENT", 10, true));
  }

  @Test
  void admit_ofAnActionWithItsOwnLimit_mustAlsoPassThatActionsBucket() {
    for (int i = 0; i < 5; i++) {
      assertThat(succeeded(policy.admit(APP, Group.CRYPTO, "GenerateRandom"))).isTrue();
    }
    assertThat(succeeded(policy.admit(APP, Group.CRYPTO, "GenerateRandom")))
        .as("the action's 5 are spent")
        .isFalse();
    assertThat(succeeded(policy.admit(APP, Group.CRYPTO, "Encrypt")))
        .as("the group has tokens left")
        .isTrue();
    assertThat(limiter.calls())
        .filteredOn(c -> c.scope().equals("action:GenerateRandom"))
        .hasSize(6)
        .allSatisfy(c -> assertThat(c.qps()).isEqualTo(5));
  }

  @Test
  void admit_rejectedByTheGroup_doesNotSpendTheActionsToken() {
    succeeded(
        policy.set(APP, new LimitOverrides(OptionalInt.of(1), OptionalInt.empty(), Map.of())));
    assertThat(succeeded(policy.admit(APP, Group.CRYPTO, "GenerateRandom"))).isTrue();
    assertThat(succeeded(policy.admit(APP, Group.CRYPTO, "GenerateRandom"))).isFalse();
    assertThat(limiter.calls())
        .filteredOn(c -> c.scope().equals("action:GenerateRandom"))
        .hasSize(1);
  }

  @Test
  void admit_usesTheAccountsOverrides() {
    succeeded(policy.set(APP, crypto(3)));
    succeeded(policy.admit(APP, Group.CRYPTO, "Encrypt"));
    assertThat(limiter.calls()).containsExactly(new Call(APP, "CRYPTO", 3, true));
  }

  private static final Limits WITH_GROUPS =
      new Limits(100, 10, Map.of(), Map.of("SIGN", 40, "VERIFY", 41, "PUBLIC_KEY", 43));

  private static LimitOverrides groups(Map<String, Integer> groups) {
    return new LimitOverrides(OptionalInt.empty(), OptionalInt.empty(), Map.of(), groups);
  }

  @Test
  void aGroupOverride_replacesThatGroupsDefault_only() {
    LimitPolicy withGroups =
        new LimitPolicy(WITH_GROUPS, accounts, limiter, bus, Duration.ofHours(1));
    Limits after = succeeded(withGroups.set(APP, groups(Map.of("SIGN", 3))));
    assertThat(after)
        .isEqualTo(
            new Limits(100, 10, Map.of(), Map.of("SIGN", 3, "VERIFY", 41, "PUBLIC_KEY", 43)));
    assertThat(succeeded(withGroups.effective(APP))).isEqualTo(after);
  }

  @Test
  void set_keepsTheGroupOverridesAChangeLeavesOut_andMergesGroups() {
    succeeded(policy.set(APP, groups(Map.of("SIGN", 3, "VERIFY", 4))));
    succeeded(policy.set(APP, crypto(500)));
    succeeded(policy.set(APP, groups(Map.of("VERIFY", 5, "ASYMMETRIC_DECRYPT", 6))));
    assertThat(succeeded(accounts.findLimits(APP)))
        .contains(
            new LimitOverrides(
                OptionalInt.of(500),
                OptionalInt.empty(),
                Map.of(),
                Map.of("SIGN", 3, "VERIFY", 5, "ASYMMETRIC_DECRYPT", 6)));
    assertThat(succeeded(policy.effective(APP)).groups())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("SIGN", 3, "VERIFY", 5, "ASYMMETRIC_DECRYPT", 6));
  }

  @Test
  void admit_inAnAsymmetricGroup_usesTheAccountsGroupOverride() {
    LimitPolicy withGroups =
        new LimitPolicy(WITH_GROUPS, accounts, limiter, bus, Duration.ofHours(1));
    succeeded(withGroups.admit(APP, Group.SIGN, "SignByAsymmetricKey"));
    succeeded(withGroups.set(APP, groups(Map.of("SIGN", 2))));
    succeeded(withGroups.admit(APP, Group.SIGN, "SignByAsymmetricKey"));
    succeeded(withGroups.admit(APP, Group.VERIFY, "VerifyByAsymmetricKey"));
    assertThat(limiter.calls())
        .containsExactly(
            new Call(APP, "SIGN", 40, true),
            new Call(APP, "SIGN", 2, true),
            new Call(APP, "VERIFY", 41, true));
  }

  @Test
  void admit_inAGroupWithoutADefault_fallsBackToManagement_untilOverridden() {
    succeeded(policy.admit(APP, Group.ASYMMETRIC_DECRYPT, "AsymmetricSm2Decrypt"));
    succeeded(policy.set(APP, groups(Map.of("ASYMMETRIC_DECRYPT", 7))));
    succeeded(policy.admit(APP, Group.ASYMMETRIC_DECRYPT, "AsymmetricSm2Decrypt"));
    assertThat(limiter.calls())
        .containsExactly(
            new Call(APP, "ASYMMETRIC_DECRYPT", 10, true),
            new Call(APP, "ASYMMETRIC_DECRYPT", 7, true));
  }

  @Test
  void aGroupOverrideAnnouncedByAnotherReplica_appliesOnceAnnounced() {
    succeeded(policy.effective(APP));
    succeeded(accounts.saveLimits(APP, groups(Map.of("PUBLIC_KEY", 9))));
    assertThat(succeeded(policy.effective(APP)).groups()).as("cached until announced").isEmpty();
    bus.deliver(new Change(Kind.LIMITS, APP));
    assertThat(succeeded(policy.effective(APP)).groups())
        .containsExactly(Map.entry("PUBLIC_KEY", 9));
  }

  @Test
  void overridableGroups_areEveryGroupButCryptoAndManagement() {
    assertThat(LimitPolicy.OVERRIDABLE_GROUPS)
        .containsExactly("SIGN", "VERIFY", "ASYMMETRIC_DECRYPT", "PUBLIC_KEY");
  }

  @Test
  void validate_acceptsOneToAHundredMillion() {
    LimitPolicy.validate(
        new LimitOverrides(OptionalInt.of(1), OptionalInt.of(100_000_000), Map.of("Encrypt", 42)));
    LimitPolicy.validate(LimitOverrides.NONE);
    LimitPolicy.validate(
        groups(Map.of("SIGN", 1, "VERIFY", 100_000_000, "ASYMMETRIC_DECRYPT", 5, "PUBLIC_KEY", 6)));
  }

  @Test
  void validate_refusesLimitsOutOfRange_actionNamesNotLettersAndDigits_andUnknownGroups() {
    for (LimitOverrides bad :
        new LimitOverrides[] {
          crypto(0),
          new LimitOverrides(OptionalInt.empty(), OptionalInt.of(100_000_001), Map.of()),
          actions(Map.of("Encrypt", 0)),
          actions(Map.of("Bad-Name", 5)),
          actions(Map.of("", 5)),
          actions(Map.of("A".repeat(65), 5)),
          groups(Map.of("SIGN", 0)),
          groups(Map.of("PUBLIC_KEY", -1)),
          groups(Map.of("VERIFY", 100_000_001)),
          groups(Map.of("CRYPTO", 5)),
          groups(Map.of("MANAGEMENT", 5)),
          groups(Map.of("sign", 5)),
          groups(Map.of("SIGNING", 5))
        }) {
      assertThatThrownBy(() -> LimitPolicy.validate(bad))
          .as(bad.toString())
          .isInstanceOfSatisfying(
              KmsException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }
  }
}
