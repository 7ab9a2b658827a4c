package io.tkms.application;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Expiry;
import io.tkms.application.port.AccountRepository;
import io.tkms.application.port.AccountRepository.PrincipalType;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.EventLoops;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.RootKeyCatchUp;
import io.tkms.domain.SecretBytes;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Credentials in memory, with their secret keys unwrapped for signature checks: loaded on first use
 * (and warmed at start), dropped at once when revoked through this process, refreshed after a
 * bounded TTL as a safety net; unknown SecretIds are remembered briefly so a flood of them does not
 * reach the database.
 */
public final class CredentialCache {
  /** An active credential. {@code secretKey} is owned by the cache; never log it. */
  public record Credential(
      String secretId,
      String uin,
      String appId,
      PrincipalType type,
      boolean enabled,
      SecretBytes secretKey) {}

  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(5);

  private final AsyncCache<String, Optional<Credential>> cache;
  private final AccountRepository repository;
  private final CryptoExecutor executor;
  private final Hsa hsa;
  private final EventLoops loops;
  private volatile RootKeyCatchUp rootKeys = RootKeyCatchUp.NONE;

  public CredentialCache(
      AccountRepository repository,
      CryptoExecutor executor,
      Hsa hsa,
      EventLoops loops,
      Duration ttl) {
    this.repository = repository;
    this.executor = executor;
    this.hsa = hsa;
    this.loops = loops;
    this.cache =
        Caches.onCallingThread()
            .maximumSize(1_000_000)
            .expireAfter(
                new Expiry<String, Optional<Credential>>() {
                  @Override
                  public long expireAfterCreate(String k, Optional<Credential> v, long now) {
                    return (v.isPresent() ? ttl : NEGATIVE_TTL).toNanos();
                  }

                  @Override
                  public long expireAfterUpdate(
                      String k, Optional<Credential> v, long now, long d) {
                    return expireAfterCreate(k, v, now);
                  }

                  @Override
                  public long expireAfterRead(String k, Optional<Credential> v, long now, long d) {
                    return d;
                  }
                })
            .buildAsync();
  }

  /**
   * The wrap context (AAD) binding a credential secret to its SecretId, its principal's uin and
   * type, and the principal's account: a row moved to another principal or account no longer
   * unwraps. All parts are constrained ([A-Za-z0-9] ids, digits, a type name).
   */
  public static String wrapContext(String secretId, String uin, PrincipalType type, String appId) {
    return "tkms/credential/v2/"
        + secretId
        + "/"
        + uin
        + "/"
        + type.name().toLowerCase(java.util.Locale.ROOT)
        + "/"
        + appId;
  }

  /** The context of a secret wrapped as the row says it belongs: SecretId, principal, account. */
  public static String wrapContext(AccountRepository.StoredCredential sc) {
    return wrapContext(sc.secretId(), sc.uin(), sc.type(), sc.appId());
  }

  /** The context of secrets wrapped before contexts named the principal: only for re-wrapping. */
  public static String legacyWrapContext(String secretId) {
    return "tkms/credential/" + secretId;
  }

  /** The credential, or empty when unknown. Call on an event loop. */
  public Future<Optional<Credential>> find(String secretId) {
    return Caches.future(cache.get(secretId, (k, ignored) -> load(k)), loops);
  }

  /**
   * A secret wrapped under a root-key version this process has not opened yet (a rotation on
   * another replica a moment ago) makes the load catch up with {@code rootKeys} first.
   */
  public void followRootKeys(RootKeyCatchUp rootKeys) {
    this.rootKeys = rootKeys;
  }

  private CompletableFuture<Optional<Credential>> load(String secretId) {
    return repository
        .findCredential(secretId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.succeededFuture(Optional.<Credential>empty());
              }
              AccountRepository.StoredCredential sc = found.get();
              RootKeyCatchUp r = rootKeys;
              int version = sc.secret().rootVersion();
              // As in KeyMaterialCache: once more if a catch-up under way was too early; a
              // failure shows at the unwrap.
              Future<Void> ready =
                  r.opens(version)
                      ? Future.succeededFuture()
                      : r.catchUp()
                          .compose(x -> r.opens(version) ? Future.succeededFuture() : r.catchUp())
                          .otherwiseEmpty();
              return ready.compose(
                  x ->
                      executor.execute(
                          () ->
                              Optional.of(
                                  new Credential(
                                      sc.secretId(),
                                      sc.uin(),
                                      sc.appId(),
                                      sc.type(),
                                      sc.enabled(),
                                      hsa.unwrap(sc.secret(), wrapContext(sc))))));
            })
        .toCompletionStage()
        .toCompletableFuture();
  }

  /**
   * Loads the most recent {@code limit} enabled credentials, so the first request of each does not
   * wait for the database. Completes when all are loaded; failures of single entries are ignored
   * (they load again on first use).
   */
  public Future<Void> warm(int limit) {
    return repository
        .enabledSecretIds(limit)
        .compose(
            ids -> {
              // Widened at once: a method called on the CompositeFuture would make it a dependency.
              Future<?> all = Future.join(ids.stream().map(this::find).toList());
              return all.<Void>mapEmpty().recover(e -> Future.succeededFuture());
            });
  }

  /** Forgets a SecretId (after it was created, disabled or its principal changed). */
  public void invalidate(String secretId) {
    cache.synchronous().invalidate(secretId);
  }

  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }
}
