package io.tkms.application.fakes;

import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyQuery;
import io.tkms.application.port.KeyRepository;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeyState;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * {@link KeyRepository} in memory, with the rules the Postgres one enforces: the quota counts an
 * account's live keys per region, aliases are unique per account and region among live keys
 * (case-sensitive, "" never conflicts), state changes are compare-and-set, and "now" for deletion
 * and rotation dates is {@code clock} (the database's clock). Answers complete at once. Test hooks
 * record {@link #findAll} calls, fail the next one, and let "another request" change a key just
 * before the next write. Rotations are recorded with the clock's time, as the database records its
 * own.
 */
public final class InMemoryKeyRepository implements KeyRepository {
  private static final long DAY = 86_400;

  private final Clock clock;
  private final Map<KeyId, KeyMetadata> keys = new LinkedHashMap<>();
  private final Map<KeyId, List<StoredVersion>> versions = new HashMap<>();
  private final Map<KeyId, Map<String, String>> tags = new HashMap<>();
  private final Map<KeyId, List<Rotation>> rotations = new HashMap<>();
  private final List<List<KeyId>> findAllCalls = new ArrayList<>();
  private RuntimeException failNextFindAll;
  private RuntimeException failNextPurge;
  private Runnable beforeNextWrite;

  public InMemoryKeyRepository(Clock clock) {
    this.clock = clock;
  }

  // ---- test hooks ---------------------------------------------------------------------------

  /** Stores a key as is (no quota or alias check). */
  public void put(StoredKey key) {
    keys.put(key.metadata().keyId(), key.metadata());
    versions.put(key.metadata().keyId(), new ArrayList<>(key.versions()));
    tags.put(key.metadata().keyId(), Map.of());
  }

  /** The stored metadata of {@code keyId}. */
  public KeyMetadata metadata(KeyId keyId) {
    return Optional.ofNullable(keys.get(keyId))
        .orElseThrow(() -> new AssertionError("no key " + keyId));
  }

  /** The stored (wrapped) material of {@code keyId}'s {@code version}. */
  public Hsa.Wrapped material(KeyId keyId, int version) {
    return versions.getOrDefault(keyId, List.of()).stream()
        .filter(v -> v.version() == version)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no version " + version + " of " + keyId))
        .material();
  }

  /** Makes the next {@link #purgeDue} fail with {@code e}. */
  public void failNextPurge(RuntimeException e) {
    failNextPurge = e;
  }

  /** Moves {@code keyId} to {@code state} directly (test setup), as if a past request had. */
  public void forceState(KeyId keyId, KeyState state) {
    keys.put(keyId, with(metadata(keyId), state));
    if (state == KeyState.PURGED) {
      versions.get(keyId).clear();
    }
  }

  public Map<String, String> tags(KeyId keyId) {
    return tags.get(keyId);
  }

  /** The key ids each {@link #findAll} call asked for, in order. */
  public List<List<KeyId>> findAllCalls() {
    return List.copyOf(findAllCalls);
  }

  /** The next {@link #findAll} fails with {@code failure} (a database outage). */
  public void failNextFindAll(RuntimeException failure) {
    failNextFindAll = failure;
  }

  /** Runs {@code change} just before the next write is applied: a request that was quicker. */
  public void beforeNextWrite(Runnable change) {
    beforeNextWrite = change;
  }

  // ---- the port -----------------------------------------------------------------------------

  @Override
  public Future<Void> create(
      KeyMetadata md, StoredVersion first, int quota, Map<String, String> keyTags) {
    if (live(md.appId(), md.region()).count() >= quota) {
      return Future.failedFuture(ErrorCode.CMK_LIMIT_EXCEEDED.exception());
    }
    if (aliasTaken(md.appId(), md.region(), md.alias(), md.keyId())) {
      return Future.failedFuture(ErrorCode.ALIAS_EXISTS.exception());
    }
    keys.put(md.keyId(), md);
    versions.put(md.keyId(), first == null ? new ArrayList<>() : new ArrayList<>(List.of(first)));
    tags.put(md.keyId(), Map.copyOf(keyTags));
    return Future.succeededFuture();
  }

  @Override
  public Future<Map<KeyId, StoredKey>> findAll(List<KeyId> keyIds) {
    findAllCalls.add(List.copyOf(keyIds));
    if (failNextFindAll != null) {
      RuntimeException failure = failNextFindAll;
      failNextFindAll = null;
      return Future.failedFuture(failure);
    }
    Map<KeyId, StoredKey> found = new HashMap<>();
    for (KeyId id : keyIds) {
      if (keys.containsKey(id)) {
        found.put(id, new StoredKey(keys.get(id), List.copyOf(versions.get(id))));
      }
    }
    return Future.succeededFuture(found);
  }

  @Override
  public Future<Page> query(String appId, String region, KeyQuery q) {
    Predicate<KeyMetadata> match =
        md ->
            q.state().map(s -> md.state() == s).orElse(true)
                && q.usage().map(u -> md.usage() == u).orElse(true)
                && q.origin().map(o -> md.origin() == o).orElse(true)
                && q.search()
                    .map(s -> contains(md.keyId().toString(), s) || contains(md.alias(), s))
                    .orElse(true)
                && q.tagFilters().stream()
                    .allMatch(
                        f -> {
                          String value = tags.get(md.keyId()).get(f.key());
                          return value != null
                              && (f.values().isEmpty() || f.values().contains(value));
                        });
    // Postgres orders uuids bytewise, which is the order of their hex text.
    Comparator<KeyMetadata> order =
        Comparator.comparingLong(KeyMetadata::createTime)
            .thenComparing(md -> md.keyId().toString());
    List<KeyMetadata> all =
        live(appId, region).filter(match).sorted(q.ascending() ? order : order.reversed()).toList();
    List<KeyMetadata> page = all.stream().skip(q.offset()).limit(q.limit()).toList();
    return Future.succeededFuture(new Page(page, all.size()));
  }

  @Override
  public Future<Long> count(String appId, String region) {
    return Future.succeededFuture(live(appId, region).count());
  }

  @Override
  public Future<Boolean> setDescription(
      String appId, String region, KeyId keyId, String description) {
    return update(appId, region, keyId, md -> true, md -> md.withDescription(description));
  }

  @Override
  public Future<Boolean> setAlias(String appId, String region, KeyId keyId, String alias) {
    runBeforeWrite();
    if (aliasTaken(appId, region, alias, keyId)) {
      return Future.failedFuture(ErrorCode.ALIAS_EXISTS.exception());
    }
    return update(appId, region, keyId, md -> true, md -> md.withAlias(alias));
  }

  @Override
  public Future<Boolean> transition(
      String appId, String region, KeyId keyId, KeyState expected, KeyState target) {
    return update(appId, region, keyId, md -> md.state() == expected, md -> with(md, target));
  }

  @Override
  public Future<OptionalLong> scheduleDeletion(String appId, String region, KeyId keyId, int days) {
    long date = now() + days * DAY;
    return update(
            appId,
            region,
            keyId,
            md -> md.state() == KeyState.DISABLED || md.state() == KeyState.PENDING_IMPORT,
            md -> md.withState(KeyState.PENDING_DELETE, date))
        .map(done -> done ? OptionalLong.of(date) : OptionalLong.empty());
  }

  @Override
  public Future<Boolean> cancelDeletion(String appId, String region, KeyId keyId) {
    return update(
        appId,
        region,
        keyId,
        md -> md.state() == KeyState.PENDING_DELETE,
        md ->
            md.withState(
                md.origin() == KeyOrigin.EXTERNAL && versions.get(keyId).isEmpty()
                    ? KeyState.PENDING_IMPORT
                    : KeyState.DISABLED,
                0));
  }

  @Override
  public Future<Boolean> setRotation(
      String appId, String region, KeyId keyId, boolean enabled, int days) {
    return update(
        appId,
        region,
        keyId,
        md -> true,
        md ->
            md.withRotation(
                enabled,
                enabled ? days : md.rotateDays(),
                md.lastRotateTime(),
                enabled ? now() + days * DAY : 0));
  }

  @Override
  public Future<List<KeyId>> purgeDue(int limit) {
    if (failNextPurge != null) {
      RuntimeException e = failNextPurge;
      failNextPurge = null;
      return Future.failedFuture(e);
    }
    List<KeyId> due =
        keys.values().stream()
            .filter(md -> md.state() == KeyState.PENDING_DELETE && md.deletionDate() <= now())
            .sorted(Comparator.comparingLong(KeyMetadata::deletionDate))
            .limit(limit)
            .map(KeyMetadata::keyId)
            .toList();
    due.forEach(id -> forceState(id, KeyState.PURGED));
    return Future.succeededFuture(due);
  }

  @Override
  public Future<List<KeyId>> rotateDue(int limit, MaterialSource material) {
    List<KeyMetadata> due =
        keys.values().stream()
            .filter(
                md ->
                    md.rotationEnabled()
                        && md.state() == KeyState.ENABLED
                        && md.nextRotateTime() <= now())
            .sorted(Comparator.comparingLong(KeyMetadata::nextRotateTime))
            .limit(limit)
            .toList();
    List<KeyId> rotated = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (KeyMetadata md : due) {
      int next = md.currentVersion() + 1;
      chain =
          chain
              .compose(
                  v -> material.generate(md.appId(), md.region(), md.keyId(), next, md.algorithm()))
              .map(
                  w -> {
                    rotate(md.keyId(), next, w, false);
                    rotated.add(md.keyId());
                    return null;
                  });
    }
    return chain.map(v -> List.copyOf(rotated));
  }

  @Override
  public Future<Integer> rotateNow(
      String appId, String region, KeyId keyId, Duration minInterval, MaterialSource material) {
    runBeforeWrite();
    KeyMetadata md = keys.get(keyId);
    if (md == null || !md.ownedBy(appId, region) || md.state() == KeyState.PURGED) {
      return Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
    }
    if (md.state() != KeyState.ENABLED) {
      return Future.failedFuture(
          ErrorCode.KEY_STATE_NOT_SUPPORTED.exception(
              "the key's state changed concurrently, retry"));
    }
    boolean tooSoon =
        rotations.getOrDefault(keyId, List.of()).stream()
            .anyMatch(r -> r.manual() && r.rotateTime() > now() - minInterval.toSeconds());
    if (tooSoon) {
      return Future.failedFuture(ErrorCode.ROTATE_RATE_LIMITED.exception());
    }
    int next = md.currentVersion() + 1;
    return material
        .generate(appId, region, keyId, next, md.algorithm())
        .map(
            w -> {
              rotate(keyId, next, w, true);
              return next;
            });
  }

  @Override
  public Future<List<Rotation>> rotations(String appId, String region, KeyId keyId) {
    KeyMetadata md = keys.get(keyId);
    if (md == null || !md.ownedBy(appId, region) || md.state() == KeyState.PURGED) {
      return Future.succeededFuture(List.of());
    }
    return Future.succeededFuture(List.copyOf(rotations.getOrDefault(keyId, List.of())));
  }

  private final Map<KeyId, ImportParameters> importParameters = new HashMap<>();
  private final Map<KeyId, byte[]> commitments = new HashMap<>();

  @Override
  public Future<Void> saveImportParameters(ImportParameters p) {
    importParameters.put(p.keyId(), p);
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<ImportParameters>> importParameters(KeyId keyId) {
    ImportParameters p = importParameters.get(keyId);
    if (p == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return Future.succeededFuture(
        Optional.of(
            new ImportParameters(
                p.keyId(),
                p.tokenSha256(),
                p.algorithm(),
                p.publicKey(),
                p.privateKey(),
                p.validTo(),
                commitments.get(keyId))));
  }

  @Override
  public Future<ImportOutcome> importMaterial(
      String appId,
      String region,
      KeyId keyId,
      byte[] tokenSha256,
      Hsa.Wrapped material,
      byte[] commitment,
      long validTo) {
    runBeforeWrite();
    KeyMetadata md = keys.get(keyId);
    if (md == null
        || !md.ownedBy(appId, region)
        || md.origin() != KeyOrigin.EXTERNAL
        || !(md.state() == KeyState.ENABLED || md.state() == KeyState.PENDING_IMPORT)) {
      return Future.succeededFuture(ImportOutcome.STATE_CHANGED);
    }
    byte[] bound = commitments.get(keyId);
    if (bound != null && !java.util.Arrays.equals(bound, commitment)) {
      return Future.succeededFuture(ImportOutcome.MATERIAL_NOT_MATCH);
    }
    ImportParameters current = importParameters.get(keyId);
    if (current == null || !java.util.Arrays.equals(current.tokenSha256(), tokenSha256)) {
      return Future.succeededFuture(ImportOutcome.TOKEN_REPLACED);
    }
    if (current.validTo() <= now()) {
      return Future.succeededFuture(ImportOutcome.TOKEN_EXPIRED);
    }
    commitments.put(keyId, commitment.clone());
    if (versions.get(keyId).isEmpty()) {
      versions.get(keyId).add(new StoredVersion(1, material));
    }
    keys.put(
        keyId,
        md.withState(KeyState.ENABLED, md.deletionDate())
            .withOrigin(KeyOrigin.EXTERNAL, validTo)
            .withCurrentVersion(1));
    return Future.succeededFuture(ImportOutcome.IMPORTED);
  }

  @Override
  public Future<Boolean> deleteMaterial(
      String appId, String region, KeyId keyId, KeyState expected) {
    return update(
            appId,
            region,
            keyId,
            md -> md.origin() == KeyOrigin.EXTERNAL && md.state() == expected,
            md ->
                md.withState(KeyState.PENDING_IMPORT, md.deletionDate())
                    .withOrigin(KeyOrigin.EXTERNAL, 0))
        .map(
            done -> {
              if (done) {
                versions.get(keyId).clear();
              }
              return done;
            });
  }

  @Override
  public Future<List<KeyId>> expireMaterialDue(int limit) {
    List<KeyId> due =
        keys.values().stream()
            .filter(
                md ->
                    md.origin() == KeyOrigin.EXTERNAL
                        && md.validTo() != 0
                        && md.validTo() <= now()
                        && (md.state() == KeyState.ENABLED
                            || md.state() == KeyState.DISABLED
                            || md.state() == KeyState.ARCHIVED))
            .sorted(Comparator.comparingLong(KeyMetadata::validTo))
            .limit(limit)
            .map(KeyMetadata::keyId)
            .toList();
    for (KeyId id : due) {
      KeyMetadata md = keys.get(id);
      keys.put(
          id,
          md.withState(KeyState.PENDING_IMPORT, md.deletionDate())
              .withOrigin(KeyOrigin.EXTERNAL, 0));
      versions.get(id).clear();
    }
    importParameters.values().removeIf(p -> p.validTo() <= now() - 7 * DAY);
    return Future.succeededFuture(due);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** A new version; a manual rotation leaves the automatic schedule as it was. */
  private void rotate(KeyId keyId, int version, Hsa.Wrapped material, boolean manual) {
    versions.get(keyId).add(new StoredVersion(version, material));
    rotations
        .computeIfAbsent(keyId, k -> new ArrayList<>())
        .add(new Rotation(version, now(), manual));
    KeyMetadata md = keys.get(keyId);
    keys.put(
        keyId,
        md.withCurrentVersion(version)
            .withRotation(
                md.rotationEnabled(),
                md.rotateDays(),
                now(),
                manual ? md.nextRotateTime() : now() + md.rotateDays() * DAY));
  }

  /** Applies {@code change} to a live key of the account and region that satisfies {@code when}. */
  private Future<Boolean> update(
      String appId,
      String region,
      KeyId keyId,
      Predicate<KeyMetadata> when,
      java.util.function.UnaryOperator<KeyMetadata> change) {
    runBeforeWrite();
    KeyMetadata md = keys.get(keyId);
    if (md == null
        || !md.ownedBy(appId, region)
        || md.state() == KeyState.PURGED
        || !when.test(md)) {
      return Future.succeededFuture(false);
    }
    keys.put(keyId, change.apply(md));
    return Future.succeededFuture(true);
  }

  private void runBeforeWrite() {
    Runnable r = beforeNextWrite;
    beforeNextWrite = null;
    if (r != null) {
      r.run();
    }
  }

  private java.util.stream.Stream<KeyMetadata> live(String appId, String region) {
    return keys.values().stream()
        .filter(md -> md.ownedBy(appId, region) && md.state() != KeyState.PURGED);
  }

  private boolean aliasTaken(String appId, String region, String alias, KeyId self) {
    return !alias.isEmpty()
        && live(appId, region).anyMatch(md -> md.alias().equals(alias) && !md.keyId().equals(self));
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private static boolean contains(String text, String part) {
    return text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
  }

  private static KeyMetadata with(KeyMetadata md, KeyState state) {
    return md.withState(state, md.deletionDate());
  }
}
