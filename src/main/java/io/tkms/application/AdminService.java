package io.tkms.application;

import io.tkms.application.port.AccountRepository;
import io.tkms.application.port.AccountRepository.PrincipalType;
import io.tkms.application.port.ChangeBus;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.crypto.ConstantTime;
import io.tkms.domain.AccountId;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Accounts, principals and credentials, for the management API and for bootstrap at start. Call on
 * an event loop. Failures: INVALID_PARAMETER_VALUE, CONFLICT, NOT_FOUND, INTERNAL_ERROR.
 */
public final class AdminService {
  private static final char[] ALPHANUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final AccountRepository repository;
  private final CredentialCache credentials;
  private final CryptoExecutor executor;
  private final Hsa hsa;
  private final ChangeBus bus;

  /**
   * @param hsa wraps credential secrets, and its random source makes them
   */
  public AdminService(
      AccountRepository repository,
      CredentialCache credentials,
      CryptoExecutor executor,
      Hsa hsa,
      ChangeBus bus) {
    this.repository = repository;
    this.credentials = credentials;
    this.executor = executor;
    this.hsa = hsa;
    this.bus = bus;
  }

  /** A newly issued credential; the caller shows {@code secretKey} once and closes it. */
  public record IssuedCredential(String secretId, SecretBytes secretKey) {}

  public Future<Void> createAccount(String appId, String ownerUin) {
    if (!AccountId.isDecimalU64(appId) || !AccountId.isDecimalU64(ownerUin)) {
      return Future.failedFuture(
          ErrorCode.INVALID_PARAMETER_VALUE.exception(
              "appId and uin must be decimal unsigned 64-bit numbers"));
    }
    return repository.createAccount(appId, ownerUin);
  }

  public Future<List<String>> listAccounts() {
    return repository.listAccounts();
  }

  public Future<AccountRepository.Account> account(String appId) {
    return repository
        .findAccount(appId)
        .compose(
            o ->
                o.map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such account"))));
  }

  public Future<Void> addPrincipal(String appId, String uin, String type) {
    if (!AccountId.isDecimalU64(uin)) {
      return Future.failedFuture(
          ErrorCode.INVALID_PARAMETER_VALUE.exception(
              "uin must be a decimal unsigned 64-bit number"));
    }
    PrincipalType t;
    if ("sub".equals(type)) {
      t = PrincipalType.SUB;
    } else if ("collaborator".equals(type)) {
      t = PrincipalType.COLLABORATOR;
    } else {
      return Future.failedFuture(
          ErrorCode.INVALID_PARAMETER_VALUE.exception("type must be sub or collaborator"));
    }
    return repository
        .addPrincipal(appId, uin, t)
        .onSuccess(v -> bus.publish(new ChangeBus.Change(ChangeBus.Kind.ACCOUNT, appId)));
  }

  /** Issues a new credential for the principal {@code uin}. */
  public Future<IssuedCredential> issueCredential(String uin) {
    return repository
        .findPrincipal(uin)
        .compose(
            p -> {
              if (p.isEmpty()) {
                return Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such principal"));
              }
              String secretId = "AKID" + randomString(32);
              byte[] key = randomString(32).getBytes(StandardCharsets.US_ASCII);
              SecretBytes secret = SecretBytes.wrap(key);
              AccountRepository.Principal principal = p.get();
              String context =
                  CredentialCache.wrapContext(secretId, uin, principal.type(), principal.appId());
              return executor
                  .execute(() -> hsa.wrap(secret.bytes(), context))
                  .compose(w -> repository.insertCredential(secretId, uin, w))
                  .onSuccess(v -> credentialChanged(secretId))
                  .onFailure(e -> secret.close())
                  .map(v -> new IssuedCredential(secretId, secret));
            });
  }

  public Future<Void> revokeCredential(String secretId) {
    return repository
        .disableCredential(secretId)
        .compose(
            found -> {
              credentialChanged(secretId);
              return found
                  ? Future.succeededFuture()
                  : Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such credential"));
            });
  }

  /**
   * Ensures that an owner account and a credential with exactly this secret exist (idempotent).
   * Fails with CONFLICT when the SecretId exists with another key or belongs to another principal,
   * or when the uin belongs to another account. {@code secretKey} stays owned by the caller.
   */
  public Future<Void> ensureCredential(
      String appId, String uin, String secretId, byte[] secretKey) {
    return repository
        .findAccount(appId)
        .compose(acc -> acc.isPresent() ? Future.succeededFuture() : createAccount(appId, uin))
        .compose(v -> repository.findPrincipal(uin))
        .compose(
            p -> {
              if (p.isEmpty()) {
                return repository.addPrincipal(appId, uin, PrincipalType.SUB);
              }
              if (!p.get().appId().equals(appId)) {
                return Future.failedFuture(
                    ErrorCode.CONFLICT.exception("uin " + uin + " belongs to another account"));
              }
              return Future.succeededFuture();
            })
        .compose(v -> repository.findPrincipal(uin))
        .compose(
            principal ->
                repository
                    .findCredential(secretId)
                    .compose(
                        existing ->
                            existing.isPresent()
                                ? checkSame(existing.get(), uin, secretKey)
                                : insert(secretId, principal.orElseThrow(), secretKey)));
  }

  private Future<Void> checkSame(
      AccountRepository.StoredCredential sc, String uin, byte[] secretKey) {
    return executor
        .execute(
            () -> {
              try (SecretBytes stored = hsa.unwrap(sc.secret(), CredentialCache.wrapContext(sc))) {
                return ConstantTime.equals(stored.bytes(), secretKey);
              }
            })
        .compose(
            sameKey ->
                sameKey && sc.uin().equals(uin)
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        ErrorCode.CONFLICT.exception(
                            "SecretId "
                                + sc.secretId()
                                + " exists with a different key or principal")));
  }

  private Future<Void> insert(
      String secretId, AccountRepository.Principal principal, byte[] secretKey) {
    byte[] copy = secretKey.clone();
    String context =
        CredentialCache.wrapContext(secretId, principal.uin(), principal.type(), principal.appId());
    return executor
        .execute(
            () -> {
              try {
                return hsa.wrap(copy, context);
              } finally {
                Arrays.fill(copy, (byte) 0);
              }
            })
        .compose(w -> repository.insertCredential(secretId, principal.uin(), w))
        .onSuccess(v -> credentialChanged(secretId));
  }

  private void credentialChanged(String secretId) {
    credentials.invalidate(secretId);
    bus.publish(new ChangeBus.Change(ChangeBus.Kind.CREDENTIAL, secretId));
  }

  private String randomString(int n) {
    char[] out = new char[n];
    byte[] raw = new byte[n * 2];
    int filled = 0;
    while (filled < n) {
      hsa.random(raw);
      for (int i = 0; i < raw.length && filled < n; i++) {
        int b = raw[i] & 0xff;
        // Rejection sampling keeps every symbol equally likely (248 = 4 * 62).
        if (b < 248) {
          out[filled++] = ALPHANUM[b % ALPHANUM.length];
        }
      }
    }
    Arrays.fill(raw, (byte) 0);
    return new String(out);
  }
}
