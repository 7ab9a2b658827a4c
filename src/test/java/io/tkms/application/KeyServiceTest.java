package io.tkms.application;

import static io.tkms.application.InMemoryKms.ALICE;
import static io.tkms.application.InMemoryKms.ALICE_IN_SHANGHAI;
import static io.tkms.application.InMemoryKms.BOB;
import static io.tkms.application.fakes.Outcomes.failure;
import static io.tkms.application.fakes.Outcomes.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.application.KeyService.NewKey;
import io.tkms.application.port.ChangeBus.Change;
import io.tkms.application.port.ChangeBus.Kind;
import io.tkms.application.port.KeyQuery;
import io.tkms.application.port.KeyRepository;
import io.tkms.application.port.KeyRepository.Page;
import io.tkms.application.port.KeyRepository.TagFilter;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyState.Operation;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CMK management over in-memory fakes: creation rules (alias, quota, tags), ownership, the
 * lifecycle state machine as {@link KeyState}'s table says, rotation settings, listing, and the
 * change announcements that keep every replica's key cache honest.
 */
class KeyServiceTest {
  private final InMemoryKms kms = new InMemoryKms();
  private final KeyService keys = kms.keys;

  private static final byte[] TEXT = {1, 2, 3};

  @Test
  void create_makesAnEnabledVersionOneKey_ownedByTheCallersAccountAndRegion() {
    KeyMetadata md =
        succeeded(
            keys.create(ALICE, NewKey.DEFAULT.withAlias("orders").withDescription("order data")));

    assertThat(md.appId()).isEqualTo(ALICE.appId());
    assertThat(md.region()).isEqualTo(ALICE.region());
    assertThat(md.creatorUin()).isEqualTo(ALICE.uin());
    assertThat(md.alias()).isEqualTo("orders");
    assertThat(md.description()).isEqualTo("order data");
    assertThat(md.state()).isEqualTo(KeyState.ENABLED);
    assertThat(md.currentVersion()).isEqualTo(1);
    assertThat(md.createTime()).isEqualTo(kms.clock.epochSecond());
    assertThat(succeeded(keys.describe(ALICE, md.keyId()))).isEqualTo(md);
  }

  @Test
  void create_withNothingSet_hasNoAliasNoDescriptionAndNoTags() {
    KeyMetadata md = succeeded(keys.create(ALICE, NewKey.DEFAULT));
    assertThat(md.alias()).isEmpty();
    assertThat(md.description()).isEmpty();
    assertThat(kms.keyRepository.tags(md.keyId())).isEmpty();
  }

  @Test
  void create_storesTheTags() {
    KeyMetadata md =
        succeeded(keys.create(ALICE, NewKey.DEFAULT.withTags(Map.of("team", "payments"))));
    assertThat(kms.keyRepository.tags(md.keyId())).containsExactly(Map.entry("team", "payments"));
  }

  @Test
  void create_wrapsFreshMaterialForTheKeysFirstVersion_thatEncryptsAtOnce() {
    KeyId key = kms.newKey(ALICE, "k");
    assertThat(
            succeeded(kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY))
                .keyId())
        .isEqualTo(key);
  }

  @Test
  void create_withAnAliasTakenInTheAccountAndRegion_failsWithAliasExists() {
    kms.newKey(ALICE, "orders");
    assertThat(failure(keys.create(ALICE, NewKey.DEFAULT.withAlias("orders"))))
        .isEqualTo(ErrorCode.ALIAS_EXISTS);
  }

  @Test
  void create_withAnAliasTakenElsewhere_orOnlyInAnotherCase_succeeds() {
    kms.newKey(ALICE, "orders");
    kms.newKey(BOB, "orders");
    kms.newKey(ALICE_IN_SHANGHAI, "orders");
    kms.newKey(ALICE, "Orders");
    assertThat(succeeded(keys.count(ALICE))).isEqualTo(2);
  }

  @Test
  void create_beyondTheQuota_failsWithCmkLimitExceeded_perAccountAndRegion() {
    for (int i = 0; i < InMemoryKms.QUOTA; i++) {
      kms.newKey(ALICE, "k" + i);
    }
    assertThat(failure(keys.create(ALICE, NewKey.DEFAULT))).isEqualTo(ErrorCode.CMK_LIMIT_EXCEEDED);
    assertThat(keys.quota()).isEqualTo(InMemoryKms.QUOTA);
    kms.newKey(ALICE_IN_SHANGHAI, "another region");
    kms.newKey(BOB, "another account");
  }

  @Test
  void purgedKeys_freeTheirAliasAndTheirPlaceInTheQuota() {
    KeyId gone = kms.newKey(ALICE, "reused");
    for (int i = 1; i < InMemoryKms.QUOTA; i++) {
      kms.newKey(ALICE, "k" + i);
    }
    kms.putInState(gone, KeyState.PURGED);
    assertThat(succeeded(keys.create(ALICE, NewKey.DEFAULT.withAlias("reused"))).alias())
        .isEqualTo("reused");
  }

  @Test
  void newKey_refusesAbsentValues() {
    assertThatThrownBy(() -> NewKey.DEFAULT.withAlias(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void describe_ofAnotherAccountsKey_orAnotherRegions_orAnUnknownOne_failsWithKeyNotFound() {
    KeyId key = kms.newKey(ALICE, "k");
    assertThat(failure(keys.describe(BOB, key))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThat(failure(keys.describe(ALICE_IN_SHANGHAI, key))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThat(failure(keys.describe(ALICE, new KeyId(UUID.randomUUID()))))
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void describe_ofAPurgedKey_failsWithKeyNotFound() {
    KeyId key = kms.newKey(ALICE, "k");
    kms.putInState(key, KeyState.PURGED);
    assertThat(failure(keys.describe(ALICE, key))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  // ---- the state machine ----------------------------------------------------------------------

  /** Each state-changing use case, with the operation of the state table it performs. */
  private enum KeyChange {
    ENABLE(Operation.ENABLE, (s, k) -> s.enable(ALICE, k)),
    DISABLE(Operation.DISABLE, (s, k) -> s.disable(ALICE, k)),
    ARCHIVE(Operation.ARCHIVE, (s, k) -> s.archive(ALICE, k)),
    CANCEL_ARCHIVE(Operation.CANCEL_ARCHIVE, (s, k) -> s.cancelArchive(ALICE, k)),
    SCHEDULE_DELETION(
        Operation.SCHEDULE_DELETION, (s, k) -> s.scheduleDeletion(ALICE, k, 7).mapEmpty()),
    CANCEL_DELETION(Operation.CANCEL_DELETION, (s, k) -> s.cancelDeletion(ALICE, k)),
    SET_ALIAS(Operation.UPDATE, (s, k) -> s.setAlias(ALICE, k, "renamed")),
    SET_DESCRIPTION(Operation.UPDATE, (s, k) -> s.setDescription(ALICE, k, "described")),
    ENABLE_ROTATION(Operation.ENABLE_ROTATION, (s, k) -> s.enableRotation(ALICE, k, 30)),
    DISABLE_ROTATION(Operation.DESCRIBE, (s, k) -> s.disableRotation(ALICE, k)),
    ROTATE(Operation.ENABLE_ROTATION, (s, k) -> s.rotate(ALICE, k).mapEmpty());

    final Operation op;
    final BiFunction<KeyService, KeyId, Future<Void>> call;

    KeyChange(Operation op, BiFunction<KeyService, KeyId, Future<Void>> call) {
      this.op = op;
      this.call = call;
    }
  }

  static Stream<Arguments> everyStateAndChange() {
    return EnumSet.allOf(KeyState.class).stream()
        .flatMap(s -> Stream.of(KeyChange.values()).map(c -> Arguments.of(s, c)));
  }

  /**
   * Every (state, change) cell: the use case ends in the state the table names, or fails with the
   * table's refusal and leaves the key as it was; a change that happened is announced.
   */
  @ParameterizedTest(name = "{1} on a key in state {0}")
  @MethodSource("everyStateAndChange")
  void everyChange_followsTheStateTable(KeyState from, KeyChange change) {
    KeyId key = kms.newKey(ALICE, "k");
    kms.putInState(key, from);
    int announced = kms.bus.published().size();

    Future<Void> result = change.call.apply(keys, key);

    KeyState expected;
    try {
      expected = from.apply(change.op);
    } catch (KmsException refusal) {
      assertThat(failure(result)).isEqualTo(refusal.code());
      assertThat(kms.keyRepository.metadata(key).state()).isEqualTo(from);
      assertThat(kms.bus.published()).hasSize(announced);
      return;
    }
    succeeded(result);
    assertThat(kms.keyRepository.metadata(key).state()).isEqualTo(expected);
    assertThat(kms.bus.published()).last().isEqualTo(new Change(Kind.KEY, key.toString()));
  }

  @Test
  void aChange_dropsTheKeyFromThisReplicasCache_atOnce() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY)); // now cached
    succeeded(keys.disable(ALICE, key));
    assertThat(failure(kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY)))
        .isEqualTo(ErrorCode.KEY_DISABLED);
  }

  @Test
  void aChangeAnnouncedByAnotherReplica_dropsTheKeyFromTheCache() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY));
    kms.keyRepository.forceState(key, KeyState.DISABLED); // what another replica wrote
    succeeded(
        kms.crypto.encrypt(
            ALICE, key, TEXT.clone(), EncryptionContext.EMPTY)); // still the cached copy
    kms.bus.deliver(new Change(Kind.KEY, key.toString()));
    assertThat(failure(kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY)))
        .isEqualTo(ErrorCode.KEY_DISABLED);
  }

  @Test
  void aChangeToAKeyOfAnotherAccount_failsWithKeyNotFound_andChangesNothing() {
    KeyId key = kms.newKey(BOB, "bobs");
    assertThat(failure(keys.disable(ALICE, key))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThat(kms.keyRepository.metadata(key).state()).isEqualTo(KeyState.ENABLED);
    assertThat(kms.bus.published()).isEmpty();
  }

  @Test
  void aTransition_racedByAnotherRequest_failsAsTheTableSaysForTheNewState() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(keys.disable(ALICE, key));
    kms.keyRepository.beforeNextWrite(() -> kms.keyRepository.forceState(key, KeyState.ENABLED));
    assertThat(failure(keys.scheduleDeletion(ALICE, key, 7)))
        .isEqualTo(ErrorCode.KEY_SHOULD_BE_DISABLED);
  }

  @Test
  void aStateChange_racedIntoAStateThatRefusesIt_failsAsTheTableSaysForTheNewState() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(keys.disable(ALICE, key));
    kms.keyRepository.beforeNextWrite(
        () -> kms.keyRepository.forceState(key, KeyState.PENDING_DELETE));
    assertThat(failure(keys.enable(ALICE, key))).isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    assertThat(kms.keyRepository.metadata(key).state()).isEqualTo(KeyState.PENDING_DELETE);
    kms.keyRepository.beforeNextWrite(() -> kms.keyRepository.forceState(key, KeyState.ARCHIVED));
    kms.keyRepository.forceState(key, KeyState.ENABLED);
    assertThat(failure(keys.disable(ALICE, key))).isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    assertThat(kms.keyRepository.metadata(key).state()).isEqualTo(KeyState.ARCHIVED);
  }

  @Test
  void aStateChange_racedByTheSameChange_succeedsAsItWouldAfterIt() {
    KeyId key = kms.newKey(ALICE, "k");
    // Another DisableKey commits between this one's read and its write.
    kms.keyRepository.beforeNextWrite(() -> kms.keyRepository.forceState(key, KeyState.DISABLED));
    succeeded(keys.disable(ALICE, key));
    assertThat(kms.keyRepository.metadata(key).state()).isEqualTo(KeyState.DISABLED);
    kms.keyRepository.beforeNextWrite(() -> kms.keyRepository.forceState(key, KeyState.ENABLED));
    succeeded(keys.enable(ALICE, key));
    assertThat(kms.keyRepository.metadata(key).state()).isEqualTo(KeyState.ENABLED);
    assertThat(kms.bus.published()).hasSize(2);
  }

  // ---- deletion -------------------------------------------------------------------------------

  @Test
  void scheduleDeletion_returnsTheDateThatManyDaysFromNow() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(keys.disable(ALICE, key));
    long date = succeeded(keys.scheduleDeletion(ALICE, key, 10));
    assertThat(date).isEqualTo(kms.clock.epochSecond() + 10 * 86_400);
    assertThat(kms.keyRepository.metadata(key).deletionDate()).isEqualTo(date);
  }

  @Test
  void scheduleDeletion_outsideSevenToThirtyDays_failsWithInvalidPendingWindow() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(keys.disable(ALICE, key));
    assertThat(failure(keys.scheduleDeletion(ALICE, key, 6)))
        .isEqualTo(ErrorCode.INVALID_PENDING_WINDOW);
    assertThat(failure(keys.scheduleDeletion(ALICE, key, 31)))
        .isEqualTo(ErrorCode.INVALID_PENDING_WINDOW);
    succeeded(keys.scheduleDeletion(ALICE, key, 30));
  }

  @Test
  void cancelDeletion_bringsTheKeyBackDisabled_withoutADeletionDate() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(keys.disable(ALICE, key));
    succeeded(keys.scheduleDeletion(ALICE, key, 7));
    succeeded(keys.cancelDeletion(ALICE, key));
    KeyMetadata md = succeeded(keys.describe(ALICE, key));
    assertThat(md.state()).isEqualTo(KeyState.DISABLED);
    assertThat(md.deletionDate()).isZero();
  }

  @Test
  void theDeletionJob_purgesDueKeys_only_andAnnouncesThem() {
    KeyId due = kms.newKey(ALICE, "due");
    KeyId later = kms.newKey(ALICE, "later");
    succeeded(keys.disable(ALICE, due));
    succeeded(keys.disable(ALICE, later));
    succeeded(keys.scheduleDeletion(ALICE, due, 7));
    succeeded(keys.scheduleDeletion(ALICE, later, 8));
    kms.clock.advance(Duration.ofDays(7));

    assertThat(succeeded(kms.jobs.runOnce()).purged()).containsExactly(due);
    assertThat(failure(keys.describe(ALICE, due))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThat(succeeded(keys.describe(ALICE, later)).state()).isEqualTo(KeyState.PENDING_DELETE);
    assertThat(kms.bus.published()).last().isEqualTo(new Change(Kind.KEY, due.toString()));
  }

  // ---- rotation -------------------------------------------------------------------------------

  @Test
  void enableRotation_setsThePeriod_andTheNextRotationThatFarAhead() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(keys.enableRotation(ALICE, key, 90));
    KeyMetadata md = succeeded(keys.describe(ALICE, key));
    assertThat(md.rotationEnabled()).isTrue();
    assertThat(md.rotateDays()).isEqualTo(90);
    assertThat(md.nextRotateTime()).isEqualTo(kms.clock.epochSecond() + 90 * 86_400);
  }

  @Test
  void disableRotation_stopsRotating() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(keys.enableRotation(ALICE, key, 7));
    succeeded(keys.disableRotation(ALICE, key));
    assertThat(succeeded(keys.describe(ALICE, key)).rotationEnabled()).isFalse();
    kms.clock.advance(Duration.ofDays(8));
    assertThat(succeeded(kms.jobs.runOnce()).rotated()).isEmpty();
  }

  @Test
  void theRotationJob_addsAVersion_thatNewCiphertextsUseAtOnce() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(
        kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY)); // version 1 cached
    succeeded(keys.enableRotation(ALICE, key, 7));
    kms.clock.advance(Duration.ofDays(6));
    assertThat(succeeded(kms.jobs.runOnce()).rotated()).as("not due yet").isEmpty();
    kms.clock.advance(Duration.ofDays(1));
    assertThat(succeeded(kms.jobs.runOnce()).rotated()).containsExactly(key);

    KeyMetadata md = succeeded(keys.describe(ALICE, key));
    assertThat(md.currentVersion()).isEqualTo(2);
    assertThat(md.lastRotateTime()).isEqualTo(kms.clock.epochSecond());
    assertThat(md.nextRotateTime()).isEqualTo(kms.clock.epochSecond() + 7 * 86_400);
    byte[] blob =
        succeeded(kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY)).blob();
    assertThat(CiphertextBlob.decode(blob).keyVersion()).isEqualTo(2);
  }

  @Test
  void rotate_addsAVersion_thatNewCiphertextsUseAtOnce_andLeavesTheScheduleAlone() {
    KeyId key = kms.newKey(ALICE, "k");
    byte[] old =
        succeeded(kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY)).blob();
    succeeded(keys.enableRotation(ALICE, key, 30));
    long nextRotation = succeeded(keys.describe(ALICE, key)).nextRotateTime();
    kms.clock.advance(Duration.ofHours(1));

    assertThat(succeeded(keys.rotate(ALICE, key))).isEqualTo(2);

    KeyMetadata md = succeeded(keys.describe(ALICE, key));
    assertThat(md.currentVersion()).isEqualTo(2);
    assertThat(md.lastRotateTime()).isEqualTo(kms.clock.epochSecond());
    assertThat(md.nextRotateTime()).isEqualTo(nextRotation);
    assertThat(kms.bus.published()).last().isEqualTo(new Change(Kind.KEY, key.toString()));
    byte[] blob =
        succeeded(kms.crypto.encrypt(ALICE, key, TEXT.clone(), EncryptionContext.EMPTY)).blob();
    assertThat(CiphertextBlob.decode(blob).keyVersion()).isEqualTo(2);
    try (SecretBytes opened =
        succeeded(kms.crypto.decrypt(ALICE, CiphertextBlob.decode(old), EncryptionContext.EMPTY))
            .plaintext()) {
      assertThat(opened.bytes()).isEqualTo(TEXT);
    }
  }

  @Test
  void rotate_aSecondTimeWithin24Hours_failsWithRotateRateLimited_andChangesNothing() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(keys.rotate(ALICE, key));
    int announced = kms.bus.published().size();
    kms.clock.advance(Duration.ofHours(24).minusSeconds(1));

    assertThat(failure(keys.rotate(ALICE, key))).isEqualTo(ErrorCode.ROTATE_RATE_LIMITED);
    assertThat(succeeded(keys.describe(ALICE, key)).currentVersion()).isEqualTo(2);
    assertThat(kms.bus.published()).hasSize(announced);

    kms.clock.advance(Duration.ofSeconds(1));
    assertThat(succeeded(keys.rotate(ALICE, key))).isEqualTo(3);
  }

  @Test
  void rotate_isNotLimitedByAutomaticRotations_norByOtherKeys() {
    KeyId key = kms.newKey(ALICE, "k");
    KeyId other = kms.newKey(ALICE, "other");
    succeeded(keys.enableRotation(ALICE, key, 7));
    kms.clock.advance(Duration.ofDays(7));
    assertThat(succeeded(kms.jobs.runOnce()).rotated()).containsExactly(key);
    succeeded(keys.rotate(ALICE, other));

    assertThat(succeeded(keys.rotate(ALICE, key))).isEqualTo(3);
  }

  @Test
  void rotate_ofAnotherAccountsKey_failsWithKeyNotFound() {
    KeyId key = kms.newKey(BOB, "bobs");
    assertThat(failure(keys.rotate(ALICE, key))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThat(kms.keyRepository.metadata(key).currentVersion()).isEqualTo(1);
  }

  @Test
  void rotate_racedByADisable_failsWithStateNotSupported_andMakesNoVersion() {
    KeyId key = kms.newKey(ALICE, "k");
    kms.keyRepository.beforeNextWrite(() -> kms.keyRepository.forceState(key, KeyState.DISABLED));
    assertThat(failure(keys.rotate(ALICE, key))).isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    assertThat(kms.keyRepository.metadata(key).currentVersion()).isEqualTo(1);
  }

  @Test
  void rotations_listAutomaticAndManualRotations_oldestFirst_inEveryStateButPurged() {
    KeyId key = kms.newKey(ALICE, "k");
    assertThat(succeeded(keys.rotations(ALICE, key))).isEmpty();
    long first = kms.clock.epochSecond();
    succeeded(keys.rotate(ALICE, key));
    succeeded(keys.enableRotation(ALICE, key, 7));
    kms.clock.advance(Duration.ofDays(7));
    succeeded(kms.jobs.runOnce());
    long second = kms.clock.epochSecond();
    succeeded(keys.disable(ALICE, key));

    assertThat(succeeded(keys.rotations(ALICE, key)))
        .containsExactly(
            new KeyRepository.Rotation(2, first, true),
            new KeyRepository.Rotation(3, second, false));
    assertThat(failure(keys.rotations(BOB, key))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
    kms.putInState(key, KeyState.PURGED);
    assertThat(failure(keys.rotations(ALICE, key))).isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  // ---- listing --------------------------------------------------------------------------------

  @Test
  void list_pagesTheCallersKeysOfItsRegion_oldestFirst_withTheTotal() {
    KeyId first = kms.newKey(ALICE, "a");
    kms.clock.advance(Duration.ofSeconds(1));
    KeyId second = kms.newKey(ALICE, "b");
    kms.clock.advance(Duration.ofSeconds(1));
    KeyId third = kms.newKey(ALICE, "c");
    kms.newKey(BOB, "bobs");
    kms.newKey(ALICE_IN_SHANGHAI, "elsewhere");

    Page page = succeeded(keys.list(ALICE, 1, 1));
    assertThat(page.keys()).extracting(KeyMetadata::keyId).containsExactly(second);
    assertThat(page.totalCount()).isEqualTo(3);
    assertThat(succeeded(keys.list(ALICE, 0, 10)).keys())
        .extracting(KeyMetadata::keyId)
        .containsExactly(first, second, third);
  }

  @Test
  void query_namesOnlyTheFiltersItSets() {
    KeyId enabled = kms.newKey(ALICE, "orders-eu");
    kms.clock.advance(Duration.ofSeconds(1));
    KeyId disabled = kms.newKey(ALICE, "orders-us");
    kms.clock.advance(Duration.ofSeconds(1));
    KeyId other =
        succeeded(
                keys.create(
                    ALICE, NewKey.DEFAULT.withAlias("billing").withTags(Map.of("team", "pay"))))
            .keyId();
    succeeded(keys.disable(ALICE, disabled));

    assertThat(ids(KeyQuery.page(0, 10))).containsExactly(enabled, disabled, other);
    assertThat(ids(KeyQuery.page(0, 10).withAscending(false)))
        .containsExactly(other, disabled, enabled);
    assertThat(ids(KeyQuery.page(0, 10).withState(KeyState.DISABLED))).containsExactly(disabled);
    assertThat(ids(KeyQuery.page(0, 10).withSearch("ORDERS"))).containsExactly(enabled, disabled);
    assertThat(ids(KeyQuery.page(0, 10).withSearch("")))
        .as("an empty search matches all")
        .hasSize(3);
    assertThat(ids(KeyQuery.page(0, 10).withTagFilters(List.of(new TagFilter("team", List.of())))))
        .containsExactly(other);
    assertThat(
            ids(
                KeyQuery.page(0, 10)
                    .withTagFilters(List.of(new TagFilter("team", List.of("ops"))))))
        .isEmpty();
    assertThat(ids(KeyQuery.page(0, 10).withSearch("orders").withState(KeyState.ENABLED)))
        .containsExactly(enabled);
  }

  private List<KeyId> ids(KeyQuery query) {
    return succeeded(keys.query(ALICE, query)).keys().stream().map(KeyMetadata::keyId).toList();
  }

  @Test
  void setAlias_toOneTakenByAnotherKey_failsWithAliasExists() {
    kms.newKey(ALICE, "taken");
    KeyId key = kms.newKey(ALICE, "mine");
    assertThat(failure(keys.setAlias(ALICE, key, "taken"))).isEqualTo(ErrorCode.ALIAS_EXISTS);
    assertThat(succeeded(keys.describe(ALICE, key)).alias()).isEqualTo("mine");
  }

  @Test
  void setAliasAndDescription_areWhatDescribeShows() {
    KeyId key = kms.newKey(ALICE, "old");
    succeeded(keys.setAlias(ALICE, key, "new"));
    succeeded(keys.setDescription(ALICE, key, "what it is for"));
    KeyMetadata md = succeeded(keys.describe(ALICE, key));
    assertThat(md.alias()).isEqualTo("new");
    assertThat(md.description()).isEqualTo("what it is for");
  }
}
