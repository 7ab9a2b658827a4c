package io.tkms.application.port;

import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.tkms.domain.SymmetricAlgorithm;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * CMK metadata and wrapped material. All methods are non-blocking; results complete on the caller's
 * context.
 */
public interface KeyRepository {
  /** One stored key version. */
  record StoredVersion(int version, Hsa.Wrapped material) {}

  /** A key with all of its versions. */
  record StoredKey(KeyMetadata metadata, List<StoredVersion> versions) {}

  /** A page of keys of one account and region. */
  record Page(List<KeyMetadata> keys, long totalCount) {}

  /** Keys that carry tag {@code key}, with one of {@code values} (any value when empty). */
  record TagFilter(String key, List<String> values) {}

  /**
   * Inserts a key with its first version ({@code first} null: a key without material, an EXTERNAL
   * key waiting for its import).
   *
   * @return fails with ALIAS_EXISTS or CMK_LIMIT_EXCEEDED ({@code quota} keys per account/region)
   */
  Future<Void> create(
      KeyMetadata metadata, StoredVersion first, int quota, Map<String, String> tags);

  /** One key with all its versions, or empty; {@link #findAll} for one id. */
  default Future<Optional<StoredKey>> find(KeyId keyId) {
    return findAll(List.of(keyId)).map(found -> Optional.ofNullable(found.get(keyId)));
  }

  /**
   * The stored keys among {@code keyIds} (each with all its versions), by id; ids that do not exist
   * are absent from the map. One round trip: the key cache loads its misses in batches.
   */
  Future<Map<KeyId, StoredKey>> findAll(List<KeyId> keyIds);

  /** A page of the account's keys in the region, oldest first, unfiltered. */
  default Future<Page> list(String appId, String region, int offset, int limit) {
    return query(appId, region, KeyQuery.page(offset, limit));
  }

  /** The account's keys in the region that match {@code query}, with the total count of matches. */
  Future<Page> query(String appId, String region, KeyQuery query);

  /** How many keys the account has in the region (every state). */
  Future<Long> count(String appId, String region);

  /** Sets the description; false when the key does not exist there. */
  Future<Boolean> setDescription(String appId, String region, KeyId keyId, String description);

  /**
   * Moves the key from {@code expected} to {@code target} (compare-and-set on the state); false
   * when the key is not there or its state is no longer {@code expected}.
   */
  Future<Boolean> transition(
      String appId, String region, KeyId keyId, KeyState expected, KeyState target);

  /**
   * Disabled or PendingImport → PendingDelete with the deletion date {@code days} after the
   * database's now().
   *
   * @return the deletion date (Unix seconds), or empty when the key was in neither state any more
   */
  Future<OptionalLong> scheduleDeletion(String appId, String region, KeyId keyId, int days);

  /**
   * PendingDelete → Disabled (PendingImport for an EXTERNAL key without material), clearing the
   * deletion date; false when not PendingDelete.
   */
  Future<Boolean> cancelDeletion(String appId, String region, KeyId keyId);

  /** Turns automatic rotation on (next due {@code days} after the database's now()) or off. */
  Future<Boolean> setRotation(String appId, String region, KeyId keyId, boolean enabled, int days);

  /** Sets the alias; fails with ALIAS_EXISTS; false when the key does not exist there. */
  Future<Boolean> setAlias(String appId, String region, KeyId keyId, String alias);

  /**
   * Purges keys whose deletion date has passed by the database's clock: state Purged (the row is
   * kept as a tombstone), every version's material deleted. Safe to run on every replica at once
   * ({@code FOR UPDATE SKIP LOCKED}).
   *
   * @return the purged keys
   */
  Future<List<KeyId>> purgeDue(int limit);

  /**
   * Fresh wrapped material for a new version of a key of {@code appId} in {@code region}, of the
   * key's algorithm.
   */
  @FunctionalInterface
  interface MaterialSource {
    Future<Hsa.Wrapped> generate(
        String appId, String region, KeyId keyId, int version, SymmetricAlgorithm algorithm);
  }

  /**
   * Rotates enabled keys whose next rotation is due by the database's clock: one new version each,
   * current version moved to it, next rotation one period later. Rows are claimed with {@code FOR
   * UPDATE SKIP LOCKED} in one transaction, so one due date rotates exactly once even with several
   * replicas running the job.
   *
   * @return the rotated keys
   */
  Future<List<KeyId>> rotateDue(int limit, MaterialSource material);

  /**
   * One rotation of a key: the version it made and when (Unix seconds, by the database's clock);
   * {@code manual} when a caller asked for it (RotateKey), false for the rotation job.
   */
  record Rotation(int version, long rotateTime, boolean manual) {}

  /**
   * Rotates the key now, at a caller's request: one new version with {@code material}'s material,
   * current version moved to it; the automatic rotation schedule is left as it is. The key's row is
   * locked without waiting, so a rotation or change running at the same moment is reported rather
   * than waited for.
   *
   * @param minInterval the shortest time allowed since the key's last manual rotation, judged by
   *     the database's clock (whole hours)
   * @return the new version; fails with KEY_NOT_FOUND (not there, or purged),
   *     KEY_STATE_NOT_SUPPORTED (no longer Enabled), ROTATE_RATE_LIMITED (rotated on demand within
   *     {@code minInterval}), ROTATE_TASK_RUNNING (the row is locked by another transaction)
   */
  Future<Integer> rotateNow(
      String appId, String region, KeyId keyId, Duration minInterval, MaterialSource material);

  /**
   * The key's rotations, automatic and manual, oldest first (the version made with the key is not
   * one); empty when the key never rotated or is not the account's in the region.
   */
  Future<List<Rotation>> rotations(String appId, String region, KeyId keyId);

  // ---- imported material (EXTERNAL keys) ----

  /**
   * An EXTERNAL key's current import parameters: the SHA-256 of its ImportToken, the wrapping
   * algorithm, the wrapping key pair (public key in clear, DER SubjectPublicKeyInfo; private key
   * PKCS#8 wrapped under the root key) and when they expire (Unix seconds). {@code commitment} is,
   * when read, the key's commitment to its first imported material (null before the first import);
   * it is not written with the parameters.
   */
  record ImportParameters(
      KeyId keyId,
      byte[] tokenSha256,
      EncryptionAlgorithm algorithm,
      byte[] publicKey,
      Hsa.Wrapped privateKey,
      long validTo,
      byte[] commitment) {}

  /** Stores the key's import parameters, replacing any earlier ones (the last call wins). */
  Future<Void> saveImportParameters(ImportParameters parameters);

  /** The key's current import parameters, with its commitment; empty when there are none. */
  Future<Optional<ImportParameters>> importParameters(KeyId keyId);

  /** What an import did. */
  enum ImportOutcome {
    IMPORTED,
    /** The key is no longer EXTERNAL and Enabled or PendingImport (another request was quicker). */
    STATE_CHANGED,
    /** The key was bound to other material in the meantime (a concurrent first import). */
    MATERIAL_NOT_MATCH,
    /**
     * The token checked before is no longer the key's (a GetParametersForImport committed in the
     * meantime: the last call wins).
     */
    TOKEN_REPLACED,
    /** The token's 24 hours ran out in the meantime (by the database's clock). */
    TOKEN_EXPIRED
  }

  /**
   * Imports material into an EXTERNAL key that is Enabled or PendingImport, in one transaction:
   * checks again that {@code tokenSha256} is the key's current, unexpired import token (holding it
   * until the commit, so a GetParametersForImport waits for the import or the import sees the new
   * token), binds the key to {@code commitment} if it is not bound yet (else the stored one must be
   * equal), stores {@code material} as version 1 (kept when it is there: re-imported material is
   * the same), sets ValidTo ({@code 0}: never) and the state Enabled.
   */
  Future<ImportOutcome> importMaterial(
      String appId,
      String region,
      KeyId keyId,
      byte[] tokenSha256,
      Hsa.Wrapped material,
      byte[] commitment,
      long validTo);

  /**
   * Deletes an EXTERNAL key's material (its commitment stays) and moves it from {@code expected} to
   * PendingImport with no ValidTo; false when the key is not there or no longer {@code expected}.
   */
  Future<Boolean> deleteMaterial(String appId, String region, KeyId keyId, KeyState expected);

  /**
   * Deletes the material of EXTERNAL keys whose ValidTo has passed by the database's clock and that
   * are Enabled, Disabled or Archived, moving them to PendingImport (keys pending deletion keep
   * theirs until purged; no request can use it); drops import parameters a week after they expired
   * (until then their token answers TokenExpired). Safe on every replica at once ({@code FOR UPDATE
   * SKIP LOCKED}).
   *
   * @return the keys whose material expired
   */
  Future<List<KeyId>> expireMaterialDue(int limit);
}
