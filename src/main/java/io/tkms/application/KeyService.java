package io.tkms.application;

import io.tkms.application.port.ChangeBus;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyQuery;
import io.tkms.application.port.KeyRepository;
import io.tkms.crypto.KeyPairs;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.DeletionWindow;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyState.Operation;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.ManualRotation;
import io.tkms.domain.SymmetricAlgorithm;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * CMK management for both protocols: create, describe, list, alias, description, the lifecycle
 * state machine ({@link KeyState#apply}), rotation settings and rotation on demand. Call on an
 * event loop. Failures: INVALID_KEY_ID, KEY_NOT_FOUND, the state table's refusals, ALIAS_EXISTS,
 * CMK_LIMIT_EXCEEDED, INVALID_PENDING_WINDOW, UNSUPPORTED_OPERATION (rotation settings of an
 * asymmetric key), the rotation refusals (ROTATE_NOT_SUPPORTED, ROTATE_RATE_LIMITED,
 * ROTATE_TASK_RUNNING), INTERNAL_ERROR. Aliases and descriptions are validated where requests are
 * decoded (their bounds differ per protocol); this service enforces uniqueness, quota and states.
 */
public final class KeyService {

  private final KeyRepository repository;
  private final KeyMaterialCache cache;
  private final CryptoExecutor executor;
  private final Hsa hsa;
  private final RandomSource random;
  private final Clock clock;
  private final int quota;
  private final ChangeBus bus;
  private final Set<String> smRegions;

  /**
   * @param smRegions the regions of the SM profile, where new symmetric keys are SM4
   */
  public KeyService(
      KeyRepository repository,
      KeyMaterialCache cache,
      CryptoExecutor executor,
      Hsa hsa,
      RandomSource random,
      Clock clock,
      int quota,
      ChangeBus bus,
      Set<String> smRegions) {
    this.repository = repository;
    this.cache = cache;
    this.executor = executor;
    this.hsa = hsa;
    this.random = random;
    this.clock = clock;
    this.quota = quota;
    this.bus = bus;
    this.smRegions = Set.copyOf(smRegions);
  }

  /**
   * The cipher of a symmetric key created now in {@code region}: SM4 in the regions of the SM
   * profile, AES-256 elsewhere. Stored with the key, so a later change of the setting changes no
   * existing key.
   */
  public SymmetricAlgorithm algorithmFor(String region) {
    return smRegions.contains(region) ? SymmetricAlgorithm.SM4 : SymmetricAlgorithm.AES_256;
  }

  /**
   * A key to create: its alias and description ({@code ""} for none; validated by the caller's
   * codec, since limits differ per protocol) and its tags. Start from {@link #DEFAULT} and name
   * what you set: {@code NewKey.DEFAULT.withAlias("orders").withTags(tags)}.
   */
  public record NewKey(
      String alias,
      String description,
      Map<String, String> tags,
      KeyUsage usage,
      KeyOrigin origin) {
    /** A symmetric key made here: no alias, no description, no tags. */
    public static final NewKey DEFAULT =
        new NewKey("", "", Map.of(), KeyUsage.ENCRYPT_DECRYPT, KeyOrigin.TENCENT_KMS);

    public NewKey {
      Objects.requireNonNull(alias, "alias");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(usage, "usage");
      Objects.requireNonNull(origin, "origin");
      // Insertion order kept: tags are stored in the order the request listed them.
      tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    public NewKey withAlias(String alias) {
      return new NewKey(alias, description, tags, usage, origin);
    }

    public NewKey withDescription(String description) {
      return new NewKey(alias, description, tags, usage, origin);
    }

    public NewKey withTags(Map<String, String> tags) {
      return new NewKey(alias, description, tags, usage, origin);
    }

    /** A key of {@code usage} (an asymmetric usage makes a key pair). */
    public NewKey withUsage(KeyUsage usage) {
      return new NewKey(alias, description, tags, usage, origin);
    }

    /** A key whose material is made here, or imported later by its owner ({@code EXTERNAL}). */
    public NewKey withOrigin(KeyOrigin origin) {
      return new NewKey(alias, description, tags, usage, origin);
    }
  }

  /** What key creation stores: the wrapped material and, for a key pair, its public key. */
  private record Made(Hsa.Wrapped material, String publicKey) {}

  /**
   * Creates an enabled CMK with fresh material from the HSA: for a symmetric key random material of
   * its region's algorithm ({@link #algorithmFor}: 256 bits for AES-256, 128 for SM4); for an
   * asymmetric one a key pair made from the HSA's random generator, its private key stored as
   * PKCS#8 wrapped exactly as symmetric material is (same wrap context) and never returned. An
   * {@code EXTERNAL} key is created without material, PendingImport, with the algorithm a key made
   * here would have (the material it imports has that algorithm's length). Fails with
   * INVALID_KEY_TYPE (EXTERNAL and asymmetric), ALIAS_EXISTS or CMK_LIMIT_EXCEEDED ({@link
   * #quota()} keys per account and region).
   */
  public Future<KeyMetadata> create(Caller caller, NewKey key) {
    if (key.origin() == KeyOrigin.EXTERNAL && key.usage() != KeyUsage.ENCRYPT_DECRYPT) {
      return Future.failedFuture(ErrorCode.INVALID_KEY_TYPE.exception());
    }
    KeyId keyId = KeyId.random(random::nextBytes);
    KeyMetadata created =
        KeyMetadata.created(
                keyId,
                caller.appId(),
                caller.region(),
                key.alias(),
                key.description(),
                clock.instant().getEpochSecond(),
                caller.uin())
            .withAlgorithm(algorithmFor(caller.region()));
    if (key.origin() == KeyOrigin.EXTERNAL) {
      // Its algorithm is the one chosen above for any key: the material it imports has its length.
      KeyMetadata external =
          created.withOrigin(KeyOrigin.EXTERNAL, 0).withState(KeyState.PENDING_IMPORT, 0);
      return repository.create(external, null, quota, key.tags()).map(v -> external);
    }
    String context = KeyMaterialCache.wrapContext(caller.appId(), caller.region(), keyId, 1);
    KeyUsage usage = key.usage();
    return executor
        .execute(
            () -> {
              if (!usage.isAsymmetric()) {
                return new Made(
                    hsa.generateWrapped(context, created.algorithm().materialLength()), "");
              }
              try (KeyPairs.Generated pair = KeyPairs.generate(usage, hsa::random)) {
                return new Made(
                    hsa.wrap(pair.pkcs8(), context),
                    java.util.Base64.getEncoder().encodeToString(pair.spki()));
              }
            })
        .compose(
            made -> {
              KeyMetadata md =
                  usage.isAsymmetric() ? created.asymmetric(usage, made.publicKey()) : created;
              return repository
                  .create(
                      md, new KeyRepository.StoredVersion(1, made.material()), quota, key.tags())
                  .map(v -> md);
            });
  }

  /** The caller's key (any state but purged), or KEY_NOT_FOUND. */
  public Future<KeyMetadata> describe(Caller caller, KeyId keyId) {
    return repository
        .find(keyId)
        .compose(
            found -> {
              if (found.isEmpty()
                  || !found.get().metadata().ownedBy(caller.appId(), caller.region())
                  || found.get().metadata().state() == KeyState.PURGED) {
                return Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
              }
              return Future.succeededFuture(found.get().metadata());
            });
  }

  public Future<KeyRepository.Page> list(Caller caller, int offset, int limit) {
    return repository.list(caller.appId(), caller.region(), offset, limit);
  }

  /** The caller's keys in its region that match {@code query}, with the total count of matches. */
  public Future<KeyRepository.Page> query(Caller caller, KeyQuery query) {
    return repository.query(caller.appId(), caller.region(), query);
  }

  /** How many keys the caller has in its region. */
  public Future<Long> count(Caller caller) {
    return repository.count(caller.appId(), caller.region());
  }

  /** CMKs allowed per account and region. */
  public int quota() {
    return quota;
  }

  public Future<Void> setDescription(Caller caller, KeyId keyId, String description) {
    return allowed(caller, keyId, Operation.UPDATE)
        .compose(
            md -> repository.setDescription(caller.appId(), caller.region(), keyId, description))
        .compose(this::foundOrFail)
        .onSuccess(v -> changed(keyId));
  }

  public Future<Void> setAlias(Caller caller, KeyId keyId, String alias) {
    return allowed(caller, keyId, Operation.UPDATE)
        .compose(md -> repository.setAlias(caller.appId(), caller.region(), keyId, alias))
        .compose(this::foundOrFail)
        .onSuccess(v -> changed(keyId));
  }

  public Future<Void> enable(Caller caller, KeyId keyId) {
    return transition(caller, keyId, Operation.ENABLE);
  }

  public Future<Void> disable(Caller caller, KeyId keyId) {
    return transition(caller, keyId, Operation.DISABLE);
  }

  public Future<Void> archive(Caller caller, KeyId keyId) {
    return transition(caller, keyId, Operation.ARCHIVE);
  }

  public Future<Void> cancelArchive(Caller caller, KeyId keyId) {
    return transition(caller, keyId, Operation.CANCEL_ARCHIVE);
  }

  /**
   * Schedules deletion {@code days} (7–30) from now; the key must be Disabled.
   *
   * @return the deletion date, Unix seconds
   */
  public Future<Long> scheduleDeletion(Caller caller, KeyId keyId, int days) {
    try {
      DeletionWindow.days(days);
    } catch (KmsException e) {
      return Future.failedFuture(e);
    }
    return allowed(caller, keyId, Operation.SCHEDULE_DELETION)
        .compose(md -> repository.scheduleDeletion(caller.appId(), caller.region(), keyId, days))
        .compose(
            date ->
                date.isPresent()
                    ? Future.succeededFuture(date.getAsLong())
                    : raced(caller, keyId, Operation.SCHEDULE_DELETION))
        .onSuccess(v -> changed(keyId));
  }

  /** Cancels a scheduled deletion; the key goes back to Disabled. */
  public Future<Void> cancelDeletion(Caller caller, KeyId keyId) {
    return allowed(caller, keyId, Operation.CANCEL_DELETION)
        .compose(md -> repository.cancelDeletion(caller.appId(), caller.region(), keyId))
        .compose(
            ok ->
                ok
                    ? Future.<Void>succeededFuture()
                    : raced(caller, keyId, Operation.CANCEL_DELETION))
        .onSuccess(v -> changed(keyId));
  }

  /**
   * Turns on automatic rotation every {@code days} (7–365); the key must be Enabled, symmetric and
   * of material made here (EXTERNAL_CMK_CAN_NOT_ROTATE, whatever its state).
   */
  public Future<Void> enableRotation(Caller caller, KeyId keyId, int days) {
    return describe(caller, keyId)
        .map(
            md -> {
              if (md.origin() == KeyOrigin.EXTERNAL) {
                throw ErrorCode.EXTERNAL_CMK_CAN_NOT_ROTATE.exception();
              }
              md.state().apply(Operation.ENABLE_ROTATION);
              return md;
            })
        .compose(
            md ->
                md.usage().isAsymmetric()
                    ? Future.<KeyMetadata>failedFuture(
                        ErrorCode.UNSUPPORTED_OPERATION.exception(
                            "rotation does not apply to asymmetric keys"))
                    : Future.<KeyMetadata>succeededFuture(md))
        .compose(md -> repository.setRotation(caller.appId(), caller.region(), keyId, true, days))
        .compose(this::foundOrFail)
        .onSuccess(v -> changed(keyId));
  }

  public Future<Void> disableRotation(Caller caller, KeyId keyId) {
    return allowed(caller, keyId, Operation.DESCRIBE)
        .compose(md -> repository.setRotation(caller.appId(), caller.region(), keyId, false, 0))
        .compose(this::foundOrFail)
        .onSuccess(v -> changed(keyId));
  }

  /**
   * Rotates the key now (RotateKey): a new version that new ciphertexts use at once, here and, by
   * the change announcement, on every replica; older ciphertexts still decrypt. The automatic
   * rotation schedule is unchanged. Fails with KEY_NOT_FOUND, ROTATE_NOT_SUPPORTED, the state
   * table's refusals of ENABLE_ROTATION (the key must be Enabled), ROTATE_RATE_LIMITED (once per
   * {@link ManualRotation#MIN_INTERVAL}), ROTATE_TASK_RUNNING.
   *
   * @return the new version
   */
  public Future<Integer> rotate(Caller caller, KeyId keyId) {
    return describe(caller, keyId)
        .compose(
            md -> {
              ManualRotation.checkRotatable(md.usage(), md.origin());
              md.state().check(Operation.ENABLE_ROTATION);
              return repository.rotateNow(
                  caller.appId(),
                  caller.region(),
                  keyId,
                  ManualRotation.MIN_INTERVAL,
                  (appId, region, id, version, algorithm) ->
                      executor.execute(
                          () ->
                              hsa.generateWrapped(
                                  KeyMaterialCache.wrapContext(appId, region, id, version),
                                  algorithm.materialLength())));
            })
        .onSuccess(v -> changed(keyId));
  }

  /**
   * The key's rotations, automatic and manual, oldest first. Any state but purged; fails with
   * KEY_NOT_FOUND.
   */
  public Future<List<KeyRepository.Rotation>> rotations(Caller caller, KeyId keyId) {
    return allowed(caller, keyId, Operation.DESCRIBE)
        .compose(md -> repository.rotations(caller.appId(), caller.region(), keyId));
  }

  private Future<KeyMetadata> allowed(Caller caller, KeyId keyId, Operation op) {
    return describe(caller, keyId)
        .map(
            md -> {
              md.state().apply(op);
              return md;
            });
  }

  /** Runs {@code op} through the state table, then moves the state (compare-and-set). */
  private Future<Void> transition(Caller caller, KeyId keyId, Operation op) {
    return StateChange.apply(
            () -> describe(caller, keyId),
            op,
            (md, target) ->
                repository.transition(caller.appId(), caller.region(), keyId, md.state(), target))
        .onSuccess(v -> changed(keyId));
  }

  /** Another request changed the state in between: answer as the state table says now. */
  private <T> Future<T> raced(Caller caller, KeyId keyId, Operation op) {
    return describe(caller, keyId)
        .compose(
            md -> {
              md.state().apply(op);
              return Future.failedFuture(
                  ErrorCode.KEY_STATE_NOT_SUPPORTED.exception(
                      "the key's state changed concurrently, retry"));
            });
  }

  /** Drops the key here at once and tells the other replicas. */
  private void changed(KeyId keyId) {
    cache.invalidate(keyId);
    bus.publish(new ChangeBus.Change(ChangeBus.Kind.KEY, keyId.toString()));
  }

  private Future<Void> foundOrFail(boolean found) {
    return found
        ? Future.succeededFuture()
        : Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
  }
}
