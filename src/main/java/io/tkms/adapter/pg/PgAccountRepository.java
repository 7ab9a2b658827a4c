package io.tkms.adapter.pg;

import io.tkms.application.port.AccountRepository;
import io.tkms.application.port.Hsa;
import io.tkms.domain.LimitOverrides;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** {@link AccountRepository} on Postgres. */
public final class PgAccountRepository implements AccountRepository {
  private final Pool pool;

  public PgAccountRepository(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> createAccount(String appId, String ownerUin) {
    return pool.<Void>withTransaction(
            conn ->
                conn.preparedQuery("INSERT INTO accounts (app_id) VALUES ($1)")
                    .execute(Tuple.of(appId))
                    .compose(
                        r ->
                            conn.preparedQuery(
                                    "INSERT INTO principals (uin, app_id, type) VALUES ($1, $2, 'owner')")
                                .execute(Tuple.of(ownerUin, appId)))
                    .mapEmpty())
        .recover(
            e ->
                PgErrors.isUniqueViolation(e)
                    ? Future.failedFuture(
                        ErrorCode.CONFLICT.exception("the AppId or the uin already exists"))
                    : PgErrors.internal(e));
  }

  @Override
  public Future<List<String>> listAccounts() {
    return pool.query("SELECT app_id FROM accounts ORDER BY created_at, app_id")
        .execute()
        .map(
            rows -> {
              List<String> out = new ArrayList<>();
              rows.forEach(r -> out.add(r.getString(0)));
              return List.copyOf(out);
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Optional<Account>> findAccount(String appId) {
    return pool.preparedQuery(
            "SELECT extract(epoch FROM created_at)::bigint FROM accounts WHERE app_id = $1")
        .execute(Tuple.of(appId))
        .compose(
            acc -> {
              if (acc.size() == 0) {
                return Future.succeededFuture(Optional.<Account>empty());
              }
              long created = acc.iterator().next().getLong(0);
              return pool.preparedQuery(
                      "SELECT uin, type FROM principals WHERE app_id = $1 ORDER BY created_at, uin")
                  .execute(Tuple.of(appId))
                  .compose(
                      ps ->
                          pool.preparedQuery(
                                  "SELECT c.secret_id, c.uin, c.enabled, extract(epoch FROM c.created_at)::bigint AS created"
                                      + " FROM credentials c JOIN principals p ON p.uin = c.uin WHERE p.app_id = $1"
                                      + " ORDER BY c.created_at, c.secret_id")
                              .execute(Tuple.of(appId))
                              .map(
                                  cs -> {
                                    List<Principal> principals = new ArrayList<>();
                                    ps.forEach(
                                        r ->
                                            principals.add(
                                                new Principal(
                                                    r.getString("uin"),
                                                    appId,
                                                    type(r.getString("type")))));
                                    List<CredentialInfo> creds = new ArrayList<>();
                                    cs.forEach(
                                        r ->
                                            creds.add(
                                                new CredentialInfo(
                                                    r.getString("secret_id"),
                                                    r.getString("uin"),
                                                    r.getBoolean("enabled"),
                                                    r.getLong("created"))));
                                    return Optional.of(
                                        new Account(
                                            appId,
                                            created,
                                            List.copyOf(principals),
                                            List.copyOf(creds)));
                                  }));
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Optional<Principal>> findPrincipal(String uin) {
    return pool.preparedQuery("SELECT uin, app_id, type FROM principals WHERE uin = $1")
        .execute(Tuple.of(uin))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.<Principal>empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new Principal(
                      r.getString("uin"), r.getString("app_id"), type(r.getString("type"))));
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Void> addPrincipal(String appId, String uin, PrincipalType type) {
    return pool.preparedQuery("INSERT INTO principals (uin, app_id, type) VALUES ($1, $2, $3)")
        .execute(Tuple.of(uin, appId, type.wire()))
        .<Void>mapEmpty()
        .recover(e -> PgErrors.insertFailure(e, "the uin already exists", "no such account"));
  }

  @Override
  public Future<Void> insertCredential(String secretId, String uin, Hsa.Wrapped secret) {
    return pool.preparedQuery(
            "INSERT INTO credentials (secret_id, uin, secret_wrapped, root_version) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(secretId, uin, Buffer.buffer(secret.bytes()), secret.rootVersion()))
        .<Void>mapEmpty()
        .recover(
            e -> PgErrors.insertFailure(e, "the SecretId already exists", "no such principal"));
  }

  @Override
  public Future<Optional<StoredCredential>> findCredential(String secretId) {
    return pool.preparedQuery(
            "SELECT c.secret_id, c.uin, p.app_id, p.type, c.enabled, c.secret_wrapped, c.root_version"
                + " FROM credentials c JOIN principals p ON p.uin = c.uin WHERE c.secret_id = $1")
        .execute(Tuple.of(secretId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.<StoredCredential>empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new StoredCredential(
                      r.getString("secret_id"),
                      r.getString("uin"),
                      r.getString("app_id"),
                      type(r.getString("type")),
                      r.getBoolean("enabled"),
                      new Hsa.Wrapped(
                          r.getInteger("root_version"), r.getBuffer("secret_wrapped").getBytes())));
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<List<String>> enabledSecretIds(int limit) {
    return pool.preparedQuery(
            "SELECT secret_id FROM credentials WHERE enabled ORDER BY created_at DESC LIMIT $1")
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<String> out = new ArrayList<>();
              rows.forEach(r -> out.add(r.getString(0)));
              return List.copyOf(out);
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Optional<LimitOverrides>> findLimits(String appId) {
    return pool.preparedQuery(
            "SELECT crypto, management, actions, groups FROM account_limits WHERE app_id = $1")
        .execute(Tuple.of(appId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.<LimitOverrides>empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new LimitOverrides(
                      optionalInt(r.getInteger("crypto")),
                      optionalInt(r.getInteger("management")),
                      limitMap(r.getValue("actions")),
                      limitMap(r.getValue("groups"))));
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Void> saveLimits(String appId, LimitOverrides limits) {
    return pool.preparedQuery(
            "INSERT INTO account_limits (app_id, crypto, management, actions, groups)"
                + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (app_id) DO UPDATE SET crypto = $2,"
                + " management = $3, actions = $4, groups = $5, updated_at = now()")
        .execute(
            Tuple.of(
                appId,
                nullable(limits.crypto()),
                nullable(limits.management()),
                new JsonObject(new HashMap<String, Object>(limits.actions())),
                new JsonObject(new HashMap<String, Object>(limits.groups()))))
        .<Void>mapEmpty()
        .recover(
            e ->
                PgErrors.isForeignKeyViolation(e)
                    ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("no such account"))
                    : PgErrors.internal(e));
  }

  /** A JSONB object of names to limits ({@code actions}, {@code groups}). */
  private static Map<String, Integer> limitMap(Object json) {
    Map<String, Integer> out = new HashMap<>();
    if (json instanceof JsonObject o) {
      o.forEach(e -> out.put(e.getKey(), ((Number) e.getValue()).intValue()));
    }
    return out;
  }

  @Override
  public Future<Boolean> disableCredential(String secretId) {
    return pool.preparedQuery(
            "UPDATE credentials SET enabled = FALSE, disabled_at = coalesce(disabled_at, now()) WHERE secret_id = $1")
        .execute(Tuple.of(secretId))
        .map(r -> r.rowCount() > 0)
        .recover(PgErrors::internal);
  }

  /** A nullable column: NULL means "not overridden". */
  private static OptionalInt optionalInt(Integer column) {
    return column == null ? OptionalInt.empty() : OptionalInt.of(column);
  }

  private static Integer nullable(OptionalInt value) {
    return value.isPresent() ? value.getAsInt() : null;
  }

  private static PrincipalType type(String s) {
    return PrincipalType.valueOf(s.toUpperCase(Locale.ROOT));
  }
}
