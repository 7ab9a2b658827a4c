package io.tkms.adapter.pg;

import io.tkms.application.CredentialCache;
import io.tkms.application.KeyMaterialCache;
import io.tkms.application.port.AccountRepository.PrincipalType;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.RootKeyStore;
import io.tkms.domain.KeyId;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The root-key versions ({@code root_keys}) and the software seal's keyring key ({@code
 * root_keyring}) in Postgres.
 */
public final class PgRootKeyStore implements RootKeyStore {
  /** Serialises rotations across replicas ({@code pg_advisory_xact_lock}): "tkms" + 2. */
  private static final long ROTATE_LOCK = 0x746b6d73_0002L;

  private final Pool pool;

  public PgRootKeyStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<List<StoredVersion>> versions() {
    return pool.query("SELECT version, custody, sealed FROM root_keys ORDER BY version")
        .execute()
        .map(PgRootKeyStore::stored)
        .recover(PgErrors::internal);
  }

  static List<StoredVersion> stored(RowSet<Row> rows) {
    List<StoredVersion> out = new ArrayList<>();
    for (Row r : rows) {
      Buffer b = r.getBuffer("sealed");
      out.add(
          new StoredVersion(
              r.getInteger("version"), r.getString("custody"), b == null ? null : b.getBytes()));
    }
    return out;
  }

  @Override
  public Future<Integer> rotate(
      String custody, byte[] keyringSeal, IntFunction<Future<byte[]>> create) {
    return pool.withTransaction(
            conn ->
                lockRotations(conn)
                    .compose(
                        x ->
                            conn.preparedQuery(
                                    "SELECT coalesce(max(version), 0) AS newest,"
                                        + " count(*) FILTER (WHERE custody <> $1) AS others,"
                                        + " (SELECT sealed FROM root_keyring WHERE id = 1) AS keyring"
                                        + " FROM root_keys")
                                .execute(Tuple.of(custody)))
                    .compose(
                        rows -> {
                          Row r = rows.iterator().next();
                          Buffer keyring = r.getBuffer("keyring");
                          boolean stale =
                              r.getLong("others") > 0
                                  || (keyringSeal != null
                                      && (keyring == null
                                          || !java.util.Arrays.equals(
                                              keyring.getBytes(), keyringSeal)));
                          if (stale) {
                            return Future.failedFuture(
                                ErrorCode.CONFLICT.exception(
                                    "the root keys' custody or keyring changed since this replica"
                                        + " started (seal rekey or seal migrate): restart it"
                                        + " before rotating"));
                          }
                          int next = r.getInteger("newest") + 1;
                          return create
                              .apply(next)
                              .compose(stored -> insert(conn, next, custody, stored))
                              .map(x -> next);
                        }))
        .recover(PgErrors::internal);
  }

  /** Serialises rotations and the seal commands (taken inside their transactions). */
  public static Future<Void> lockRotations(SqlConnection conn) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock($1)")
        .execute(Tuple.of(ROTATE_LOCK))
        .mapEmpty();
  }

  private static Future<Void> insert(SqlConnection conn, int version, String custody, byte[] s) {
    return conn.preparedQuery(
            "INSERT INTO root_keys (version, custody, sealed) VALUES ($1, $2, $3)")
        .execute(Tuple.of(version, custody, s == null ? null : Buffer.buffer(s)))
        .mapEmpty();
  }

  @Override
  public Future<List<Usage>> usage() {
    return pool.query(
            "SELECT r.version, r.custody, r.created_at::text AS created,"
                + " (SELECT count(*) FROM cmk_versions v WHERE v.root_version = r.version) AS keys,"
                + " (SELECT count(*) FROM credentials c WHERE c.root_version = r.version) AS creds"
                + " FROM root_keys r ORDER BY r.version")
        .execute()
        .map(
            rows -> {
              List<Usage> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Usage(
                        r.getInteger("version"),
                        r.getString("custody"),
                        r.getLong("keys"),
                        r.getLong("creds"),
                        r.getString("created")));
              }
              return out;
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Void> delete(int version) {
    return pool.withTransaction(
            conn ->
                lockRotations(conn)
                    .compose(
                        x ->
                            conn.preparedQuery(
                                    "SELECT (SELECT max(version) FROM root_keys) AS newest,"
                                        + " EXISTS (SELECT 1 FROM root_keys WHERE version = $1) AS known")
                                .execute(Tuple.of(version)))
                    .compose(
                        rows -> {
                          Row r = rows.iterator().next();
                          if (!r.getBoolean("known")) {
                            return Future.failedFuture(
                                ErrorCode.NOT_FOUND.exception(
                                    "there is no root-key version " + version));
                          }
                          if (r.getInteger("newest") == version) {
                            return Future.failedFuture(
                                ErrorCode.CONFLICT.exception(
                                    "root-key version "
                                        + version
                                        + " is the newest: new wraps use it (rotate first)"));
                          }
                          return conn.preparedQuery("DELETE FROM root_keys WHERE version = $1")
                              .execute(Tuple.of(version))
                              .<Void>mapEmpty();
                        }))
        .recover(
            e ->
                PgErrors.isForeignKeyViolation(e)
                    ? Future.failedFuture(
                        ErrorCode.CONFLICT.exception(
                            "root-key version "
                                + version
                                + " still protects wrapped items: wait until the re-wrap job has"
                                + " moved them (GET /admin/v1/root-key shows the counts)"))
                    : PgErrors.internal(e));
  }

  @Override
  public Future<Integer> rewrapBatch(Hsa hsa, CryptoExecutor executor, int limit) {
    return pool.withTransaction(
            conn ->
                rewrap(
                    conn,
                    hsa,
                    executor,
                    "root_version < $1 LIMIT $2 FOR UPDATE OF %s SKIP LOCKED",
                    limit))
        .recover(PgErrors::internal);
  }

  /**
   * On {@code conn}, inside the caller's transaction: re-wraps every item not yet under {@code
   * hsa}'s current version ({@code hsa} opens the old versions and wraps under the new one). For
   * the offline {@code seal migrate}.
   *
   * @return how many items were re-wrapped; items that do not open are left and counted apart
   */
  public static Future<Integer> rewrapAll(SqlConnection conn, Hsa hsa, CryptoExecutor executor) {
    return rewrap(
        conn, hsa, executor, "root_version <> $1 AND $2 > 0 FOR UPDATE OF %s", Integer.MAX_VALUE);
  }

  private static Future<Integer> rewrap(
      SqlConnection conn, Hsa hsa, CryptoExecutor executor, String where, int limit) {
    int target = hsa.rootVersion();
    return conn.preparedQuery(
            "SELECT v.key_id, v.version, v.material_wrapped, v.root_version, c.app_id,"
                + " c.region FROM cmk_versions v JOIN cmks c USING (key_id) WHERE v."
                + String.format(where, "v"))
        .execute(Tuple.of(target, limit))
        .compose(rows -> executor.execute(() -> rewrapKeys(rows, hsa)))
        .compose(
            keys ->
                PgRewrap.update(
                        conn,
                        "UPDATE cmk_versions SET material_wrapped = $3,"
                            + " root_version = $4 WHERE key_id = $1 AND version = $2",
                        keys)
                    .map(x -> keys.size()))
        .compose(
            done ->
                conn.preparedQuery(
                        "SELECT c.secret_id, c.secret_wrapped, c.root_version, p.uin,"
                            + " p.app_id, p.type FROM credentials c JOIN principals p"
                            + " USING (uin) WHERE c."
                            + String.format(where, "c"))
                    .execute(Tuple.of(target, Math.max(0, limit - done)))
                    .compose(rows -> executor.execute(() -> rewrapCredentials(rows, hsa)))
                    .compose(
                        creds ->
                            PgRewrap.update(
                                    conn,
                                    "UPDATE credentials SET secret_wrapped = $2,"
                                        + " root_version = $3 WHERE secret_id = $1",
                                    creds)
                                .map(x -> done + creds.size())));
  }

  private static List<Tuple> rewrapKeys(Iterable<Row> rows, Hsa hsa) {
    List<Tuple> updates = new ArrayList<>();
    for (Row r : rows) {
      KeyId keyId = new KeyId(r.getUUID("key_id"));
      int version = r.getInteger("version");
      String context =
          KeyMaterialCache.wrapContext(
              r.getString("app_id"), r.getString("region"), keyId, version);
      PgRewrap.rewrap(hsa, PgRewrap.wrapped(r, "material_wrapped"), context, context)
          .ifPresent(
              w ->
                  updates.add(
                      Tuple.of(keyId.uuid(), version, Buffer.buffer(w.bytes()), w.rootVersion())));
    }
    return updates;
  }

  private static List<Tuple> rewrapCredentials(Iterable<Row> rows, Hsa hsa) {
    List<Tuple> updates = new ArrayList<>();
    for (Row r : rows) {
      String secretId = r.getString("secret_id");
      PrincipalType type = PrincipalType.valueOf(r.getString("type").toUpperCase(Locale.ROOT));
      String context =
          CredentialCache.wrapContext(secretId, r.getString("uin"), type, r.getString("app_id"));
      PgRewrap.rewrap(hsa, PgRewrap.wrapped(r, "secret_wrapped"), context, context)
          .ifPresent(
              w -> updates.add(Tuple.of(secretId, Buffer.buffer(w.bytes()), w.rootVersion())));
    }
    return updates;
  }

  // ---- start-up and the seal command (under the migration lock) ----

  /** The software seal's keyring key as sealed under the unseal key, if there is one. */
  public Future<Optional<byte[]>> keyring() {
    return pool.query("SELECT sealed FROM root_keyring WHERE id = 1")
        .execute()
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.<byte[]>empty()
                    : Optional.of(rows.iterator().next().getBuffer(0).getBytes()));
  }

  /**
   * In one transaction: stores the keyring key (replacing any), and the given software versions'
   * new stored forms (inserted, or updated when the version exists).
   */
  public Future<Void> writeKeyring(byte[] sealedKeyringKey, List<StoredVersion> versions) {
    return pool.withTransaction(conn -> writeKeyring(conn, sealedKeyringKey, versions));
  }

  /** {@link #writeKeyring(byte[], List)} on {@code conn}, inside the caller's transaction. */
  public static Future<Void> writeKeyring(
      SqlConnection conn, byte[] sealedKeyringKey, List<StoredVersion> versions) {
    Future<Void> f =
        conn.preparedQuery(
                "INSERT INTO root_keyring (id, sealed) VALUES (1, $1) ON CONFLICT (id) DO UPDATE"
                    + " SET sealed = EXCLUDED.sealed, updated_at = now()")
            .execute(Tuple.of(Buffer.buffer(sealedKeyringKey)))
            .mapEmpty();
    for (StoredVersion v : versions) {
      f = f.compose(x -> upsert(conn, v));
    }
    return f;
  }

  static Future<Void> upsert(SqlConnection conn, StoredVersion v) {
    return conn.preparedQuery(
            "INSERT INTO root_keys (version, custody, sealed) VALUES ($1, $2, $3)"
                + " ON CONFLICT (version) DO UPDATE SET custody = EXCLUDED.custody,"
                + " sealed = EXCLUDED.sealed")
        .execute(
            Tuple.of(
                v.version(), v.custody(), v.stored() == null ? null : Buffer.buffer(v.stored())))
        .mapEmpty();
  }

  /** Inserts a version's record. */
  public Future<Void> insert(StoredVersion v) {
    return pool.withConnection(conn -> upsert(conn, v));
  }
}
