package io.tkms.application.port;

import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * CMK metadata and wrapped material. All methods are non-blocking; results complete on the
 * caller's context.
 */
public interface KeyRepository {
  /** One stored key version. */
  record StoredVersion(int version, Hsa.Wrapped material) {}

  /** A key with all of its versions. */
  record StoredKey(KeyMetadata metadata, List<StoredVersion> versions) {}

  /** A page of keys of one account and region. */
  record Page(List<KeyMetadata> keys, long totalCount) {}

  /**
   * A filtered listing: {@code state} null for all states; {@code search} (nullable) matches a
   * substring of the key id or alias, case-insensitively; newest first unless {@code ascending}.
   */
  record Query(String appId, String region, int offset, int limit, boolean ascending, KeyState state, String search) {}

  /**
   * Inserts a key with its first version.
   *
   * @return fails with ALIAS_EXISTS or CMK_LIMIT_EXCEEDED ({@code quota} keys per account/region)
   */
  Future<Void> create(KeyMetadata metadata, StoredVersion first, int quota);

  Future<Optional<StoredKey>> find(KeyId keyId);

  Future<Page> list(String appId, String region, int offset, int limit);

  /** Keys matching {@code query}, with the total count of matches. */
  Future<Page> query(Query query);

  /** How many keys the account has in the region (every state). */
  Future<Long> count(String appId, String region);

  /** Sets the description; false when the key does not exist there. */
  Future<Boolean> setDescription(String appId, String region, KeyId keyId, String description);

  /** Sets the state if the key exists in that account and region; false when it does not. */
  Future<Boolean> setState(String appId, String region, KeyId keyId, KeyState state);

  /** Sets the alias; fails with ALIAS_EXISTS; false when the key does not exist there. */
  Future<Boolean> setAlias(String appId, String region, KeyId keyId, String alias);
}
