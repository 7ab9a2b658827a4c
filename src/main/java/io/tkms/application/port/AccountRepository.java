package io.tkms.application.port;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Accounts, principals and credentials. Credential secrets are stored only wrapped by the root key.
 * Non-blocking.
 */
public interface AccountRepository {
  /** Principal types: the owner, sub-users (owner's rights) and collaborators (refused). */
  enum PrincipalType {
    OWNER,
    SUB,
    COLLABORATOR;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  record Principal(String uin, String appId, PrincipalType type) {}

  /** A credential as stored; {@code secret} is wrapped, never plaintext. */
  record StoredCredential(
      String secretId,
      String uin,
      String appId,
      PrincipalType type,
      boolean enabled,
      Hsa.Wrapped secret) {}

  record Account(
      String appId, long createdAt, List<Principal> principals, List<CredentialInfo> credentials) {}

  /** What may be shown about a credential: never its secret. */
  record CredentialInfo(String secretId, String uin, boolean enabled, long createdAt) {}

  /** Creates account + owner principal; fails CONFLICT when the AppId or uin exists. */
  Future<Void> createAccount(String appId, String ownerUin);

  Future<List<String>> listAccounts();

  Future<Optional<Account>> findAccount(String appId);

  Future<Optional<Principal>> findPrincipal(String uin);

  /** Fails CONFLICT when the uin exists; NOT_FOUND when the account does not. */
  Future<Void> addPrincipal(String appId, String uin, PrincipalType type);

  /** Fails CONFLICT when the SecretId exists. */
  Future<Void> insertCredential(String secretId, String uin, Hsa.Wrapped secret);

  Future<Optional<StoredCredential>> findCredential(String secretId);

  /** SecretIds of enabled credentials, at most {@code limit} (to warm the credential cache). */
  Future<List<String>> enabledSecretIds(int limit);

  /** The account's limit overrides, or empty when it has none stored. */
  Future<Optional<io.tkms.domain.LimitOverrides>> findLimits(String appId);

  /** Stores the account's limit overrides; fails NOT_FOUND when the account does not exist. */
  Future<Void> saveLimits(String appId, io.tkms.domain.LimitOverrides limits);

  /** Disables the credential; false when unknown. */
  Future<Boolean> disableCredential(String secretId);
}
