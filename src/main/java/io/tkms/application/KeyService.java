package io.tkms.application;

import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyRepository;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * CMK management: create, describe, list, alias, enable, disable. Call on an event loop. Failures:
 * INVALID_KEY_ID, KEY_NOT_FOUND, KEY_DISABLED (state does not allow it), ALIAS_EXISTS,
 * CMK_LIMIT_EXCEEDED, INTERNAL_ERROR. Aliases and descriptions are validated by the caller's codec
 * (limits differ per protocol); this service enforces uniqueness and quota.
 */
public final class KeyService {
  private final KeyRepository repository;
  private final KeyMaterialCache cache;
  private final CryptoExecutor executor;
  private final Hsa hsa;
  private final RandomSource random;
  private final Clock clock;
  private final int quota;

  public KeyService(
      KeyRepository repository, KeyMaterialCache cache, CryptoExecutor executor, Hsa hsa, RandomSource random, Clock clock, int quota) {
    this.repository = repository;
    this.cache = cache;
    this.executor = executor;
    this.hsa = hsa;
    this.random = random;
    this.clock = clock;
    this.quota = quota;
  }

  /** Creates an enabled CMK with fresh material from the HSA. */
  public Future<KeyMetadata> create(Caller caller, String alias, String description) {
    KeyId keyId = KeyId.random(random::nextBytes);
    KeyMetadata md =
        new KeyMetadata(keyId, caller.appId(), caller.region(), alias == null ? "" : alias,
            description == null ? "" : description, clock.instant().getEpochSecond(), KeyState.ENABLED,
            caller.uin(), 1);
    return executor
        .execute(() -> hsa.generateWrapped(KeyMaterialCache.wrapContext(keyId, 1)))
        .compose(w -> repository.create(md, new KeyRepository.StoredVersion(1, w), quota))
        .map(v -> md);
  }

  /** The caller's key, or KEY_NOT_FOUND. */
  public Future<KeyMetadata> describe(Caller caller, KeyId keyId) {
    return repository
        .find(keyId)
        .compose(
            found -> {
              if (found.isEmpty() || !found.get().metadata().ownedBy(caller.appId(), caller.region())) {
                return Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
              }
              return Future.succeededFuture(found.get().metadata());
            });
  }

  public Future<KeyRepository.Page> list(Caller caller, int offset, int limit) {
    return repository.list(caller.appId(), caller.region(), offset, limit);
  }

  /** Keys matching a filtered query of the caller's account and region. */
  public Future<KeyRepository.Page> query(Caller caller, int offset, int limit, boolean ascending, KeyState state, String search) {
    return repository.query(new KeyRepository.Query(caller.appId(), caller.region(), offset, limit, ascending, state, search));
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
    return repository
        .setDescription(caller.appId(), caller.region(), keyId, description)
        .compose(this::foundOrFail)
        .onSuccess(v -> cache.invalidate(keyId));
  }

  public Future<Void> setAlias(Caller caller, KeyId keyId, String alias) {
    return repository
        .setAlias(caller.appId(), caller.region(), keyId, alias)
        .compose(this::foundOrFail)
        .onSuccess(v -> cache.invalidate(keyId));
  }

  public Future<Void> enable(Caller caller, KeyId keyId) {
    return changeState(caller, keyId, KeyState.Operation.ENABLE, KeyState.ENABLED);
  }

  public Future<Void> disable(Caller caller, KeyId keyId) {
    return changeState(caller, keyId, KeyState.Operation.DISABLE, KeyState.DISABLED);
  }

  private Future<Void> changeState(Caller caller, KeyId keyId, KeyState.Operation op, KeyState target) {
    return describe(caller, keyId)
        .compose(
            md -> {
              md.state().check(op);
              return repository.setState(caller.appId(), caller.region(), keyId, target);
            })
        .compose(this::foundOrFail)
        .onSuccess(v -> cache.invalidate(keyId));
  }

  private Future<Void> foundOrFail(boolean found) {
    return found ? Future.succeededFuture() : Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
  }
}
