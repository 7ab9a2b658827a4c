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

  /** A page of keys of one account and region, oldest first. */
  record Page(List<KeyMetadata> keys, long totalCount) {}

  /**
   * Inserts a key with its first version.
   *
   * @return fails with ALIAS_EXISTS or CMK_LIMIT_EXCEEDED ({@code quota} keys per account/region)
   */
  Future<Void> create(KeyMetadata metadata, StoredVersion first, int quota);

  Future<Optional<StoredKey>> find(KeyId keyId);

  Future<Page> list(String appId, String region, int offset, int limit);

  /** Sets the state if the key exists in that account and region; false when it does not. */
  Future<Boolean> setState(String appId, String region, KeyId keyId, KeyState state);

  /** Sets the alias; fails with ALIAS_EXISTS; false when the key does not exist there. */
  Future<Boolean> setAlias(String appId, String region, KeyId keyId, String alias);
}
