package io.tkms.application.fakes;

import io.tkms.application.port.AccountRepository;
import io.tkms.application.port.Hsa;
import io.tkms.domain.LimitOverrides;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link AccountRepository} in memory, with the Postgres one's conflicts (an AppId, uin or SecretId
 * exists once) and NOT_FOUND for a missing account; answers complete at once. Counts {@link
 * #findLimits} calls, so cache tests can tell a hit from a load.
 */
public final class InMemoryAccountRepository implements AccountRepository {
  private record StoredAccount(String appId, long createdAt) {}

  private final Clock clock;
  private final Map<String, StoredAccount> accounts = new LinkedHashMap<>();
  private final Map<String, Principal> principals = new LinkedHashMap<>();
  private final Map<String, StoredCredential> credentials = new LinkedHashMap<>();
  private final Map<String, Long> credentialCreated = new LinkedHashMap<>();
  private final Map<String, LimitOverrides> limits = new LinkedHashMap<>();
  private int findLimitsCalls;

  public InMemoryAccountRepository(Clock clock) {
    this.clock = clock;
  }

  /** How often {@link #findLimits} was asked. */
  public int findLimitsCalls() {
    return findLimitsCalls;
  }

  /** The credential exactly as stored (wrapped secret). */
  public Optional<StoredCredential> stored(String secretId) {
    return Optional.ofNullable(credentials.get(secretId));
  }

  @Override
  public Future<Void> createAccount(String appId, String ownerUin) {
    if (accounts.containsKey(appId) || principals.containsKey(ownerUin)) {
      return Future.failedFuture(ErrorCode.CONFLICT.exception("account or uin exists"));
    }
    accounts.put(appId, new StoredAccount(appId, clock.instant().getEpochSecond()));
    principals.put(ownerUin, new Principal(ownerUin, appId, PrincipalType.OWNER));
    return Future.succeededFuture();
  }

  @Override
  public Future<List<String>> listAccounts() {
    return Future.succeededFuture(accounts.keySet().stream().sorted().toList());
  }

  @Override
  public Future<Optional<Account>> findAccount(String appId) {
    StoredAccount a = accounts.get(appId);
    if (a == null) {
      return Future.succeededFuture(Optional.empty());
    }
    List<Principal> ps = principals.values().stream().filter(p -> p.appId().equals(appId)).toList();
    List<CredentialInfo> cs = new ArrayList<>();
    credentials.values().stream()
        .filter(c -> c.appId().equals(appId))
        .forEach(
            c ->
                cs.add(
                    new CredentialInfo(
                        c.secretId(), c.uin(), c.enabled(), credentialCreated.get(c.secretId()))));
    return Future.succeededFuture(Optional.of(new Account(appId, a.createdAt(), ps, cs)));
  }

  @Override
  public Future<Optional<Principal>> findPrincipal(String uin) {
    return Future.succeededFuture(Optional.ofNullable(principals.get(uin)));
  }

  @Override
  public Future<Void> addPrincipal(String appId, String uin, PrincipalType type) {
    if (principals.containsKey(uin)) {
      return Future.failedFuture(ErrorCode.CONFLICT.exception("uin exists"));
    }
    if (!accounts.containsKey(appId)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such account"));
    }
    principals.put(uin, new Principal(uin, appId, type));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> insertCredential(String secretId, String uin, Hsa.Wrapped secret) {
    Principal p = principals.get(uin);
    if (p == null) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such principal"));
    }
    if (credentials.containsKey(secretId)) {
      return Future.failedFuture(ErrorCode.CONFLICT.exception("SecretId exists"));
    }
    credentials.put(
        secretId, new StoredCredential(secretId, uin, p.appId(), p.type(), true, secret));
    credentialCreated.put(secretId, clock.instant().getEpochSecond());
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<StoredCredential>> findCredential(String secretId) {
    return Future.succeededFuture(stored(secretId));
  }

  @Override
  public Future<List<String>> enabledSecretIds(int limit) {
    return Future.succeededFuture(
        credentials.values().stream()
            .filter(StoredCredential::enabled)
            .map(StoredCredential::secretId)
            .limit(limit)
            .toList());
  }

  @Override
  public Future<Optional<LimitOverrides>> findLimits(String appId) {
    findLimitsCalls++;
    return Future.succeededFuture(Optional.ofNullable(limits.get(appId)));
  }

  @Override
  public Future<Void> saveLimits(String appId, LimitOverrides overrides) {
    if (!accounts.containsKey(appId)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such account"));
    }
    limits.put(appId, overrides);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> disableCredential(String secretId) {
    StoredCredential c = credentials.get(secretId);
    if (c == null) {
      return Future.succeededFuture(false);
    }
    credentials.put(
        secretId,
        new StoredCredential(c.secretId(), c.uin(), c.appId(), c.type(), false, c.secret()));
    return Future.succeededFuture(true);
  }
}
