package io.tkms.adapter.pg;

import io.tkms.application.CredentialCache;
import io.tkms.application.KeyMaterialCache;
import io.tkms.application.port.AccountRepository.PrincipalType;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.domain.KeyId;
import io.tkms.domain.SecretBytes;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one Java migration: re-wraps CMK material and credential secrets that were wrapped under the
 * contexts of earlier versions (which named only the key id and version, or only the SecretId)
 * under the contexts that also name the account, region, principal and principal type ({@link
 * KeyMaterialCache#wrapContext}, {@link CredentialCache#wrapContext}). It needs the unsealed HSA,
 * so it runs after unsealing, under the migration lock, in one transaction, and is recorded in
 * {@code schema_migrations} with version {@value #VERSION} (negative, so the numbered SQL
 * migrations, which go by the highest version, are not disturbed). A row that does not open under
 * its old context is left as it is and counted: it would not have opened before either.
 */
public final class PgRewrap {
  /** Its row in {@code schema_migrations}. */
  static final int VERSION = -1;

  static final String NAME = "J1__bind_wrap_contexts";

  /** What the run did: rows re-wrapped, and rows left because they did not open. */
  public record Report(int keyVersions, int credentials, int unopened) {}

  private record Rewrapped(List<Tuple> updates, int unopened) {}

  private PgRewrap() {}

  /**
   * Re-wraps every row once; empty when an earlier start already did. Call under the migration
   * lock.
   */
  public static Future<Optional<Report>> runOnce(Pool pool, Hsa hsa, CryptoExecutor executor) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery("SELECT 1 FROM schema_migrations WHERE version = $1")
                .execute(Tuple.of(VERSION))
                .compose(
                    done ->
                        done.size() > 0
                            ? Future.succeededFuture(Optional.<Report>empty())
                            : rewrap(conn, hsa, executor)
                                .compose(
                                    report ->
                                        conn.preparedQuery(
                                                "INSERT INTO schema_migrations (version, name)"
                                                    + " VALUES ($1, $2)")
                                            .execute(Tuple.of(VERSION, NAME))
                                            .map(x -> Optional.of(report)))));
  }

  private static Future<Report> rewrap(SqlConnection conn, Hsa hsa, CryptoExecutor executor) {
    Future<Rewrapped> keys =
        conn.query(
                "SELECT v.key_id, v.version, v.material_wrapped, v.root_version, c.app_id,"
                    + " c.region FROM cmk_versions v JOIN cmks c USING (key_id)")
            .execute()
            .compose(rows -> executor.execute(() -> rewrapKeys(rows, hsa)))
            .compose(
                r ->
                    update(
                            conn,
                            "UPDATE cmk_versions SET material_wrapped = $3, root_version = $4"
                                + " WHERE key_id = $1 AND version = $2",
                            r.updates())
                        .map(r));
    return keys.compose(
        k ->
            conn.query(
                    "SELECT c.secret_id, c.secret_wrapped, c.root_version, p.uin, p.app_id, p.type"
                        + " FROM credentials c JOIN principals p USING (uin)")
                .execute()
                .compose(rows -> executor.execute(() -> rewrapCredentials(rows, hsa)))
                .compose(
                    c ->
                        update(
                                conn,
                                "UPDATE credentials SET secret_wrapped = $2, root_version = $3"
                                    + " WHERE secret_id = $1",
                                c.updates())
                            .map(
                                x ->
                                    new Report(
                                        k.updates().size(),
                                        c.updates().size(),
                                        k.unopened() + c.unopened()))));
  }

  private static Rewrapped rewrapKeys(Iterable<Row> rows, Hsa hsa) {
    List<Tuple> updates = new ArrayList<>();
    int unopened = 0;
    for (Row r : rows) {
      KeyId keyId = new KeyId(r.getUUID("key_id"));
      int version = r.getInteger("version");
      Optional<Hsa.Wrapped> w =
          rewrap(
              hsa,
              wrapped(r, "material_wrapped"),
              KeyMaterialCache.legacyWrapContext(keyId, version),
              KeyMaterialCache.wrapContext(
                  r.getString("app_id"), r.getString("region"), keyId, version));
      if (w.isPresent()) {
        updates.add(
            Tuple.of(keyId.uuid(), version, Buffer.buffer(w.get().bytes()), w.get().rootVersion()));
      } else {
        unopened++;
      }
    }
    return new Rewrapped(updates, unopened);
  }

  private static Rewrapped rewrapCredentials(Iterable<Row> rows, Hsa hsa) {
    List<Tuple> updates = new ArrayList<>();
    int unopened = 0;
    for (Row r : rows) {
      String secretId = r.getString("secret_id");
      PrincipalType type = PrincipalType.valueOf(r.getString("type").toUpperCase(Locale.ROOT));
      Optional<Hsa.Wrapped> w =
          rewrap(
              hsa,
              wrapped(r, "secret_wrapped"),
              CredentialCache.legacyWrapContext(secretId),
              CredentialCache.wrapContext(
                  secretId, r.getString("uin"), type, r.getString("app_id")));
      if (w.isPresent()) {
        updates.add(Tuple.of(secretId, Buffer.buffer(w.get().bytes()), w.get().rootVersion()));
      } else {
        unopened++;
      }
    }
    return new Rewrapped(updates, unopened);
  }

  static Hsa.Wrapped wrapped(Row r, String column) {
    return new Hsa.Wrapped(r.getInteger("root_version"), r.getBuffer(column).getBytes());
  }

  /**
   * {@code old} opened under {@code oldContext} and wrapped again under {@code newContext} (and the
   * HSA's current version); empty when it does not open (it then stays as it is).
   */
  static Optional<Hsa.Wrapped> rewrap(
      Hsa hsa, Hsa.Wrapped old, String oldContext, String newContext) {
    try (SecretBytes plain = hsa.unwrap(old, oldContext)) {
      return Optional.of(hsa.wrap(plain.bytes(), newContext));
    } catch (KmsException | IllegalStateException e) {
      // IllegalStateException: a version destroyed (zeroed) while this ran.
      return Optional.empty();
    }
  }

  static Future<Void> update(SqlConnection conn, String sql, List<Tuple> rows) {
    return rows.isEmpty()
        ? Future.succeededFuture()
        : conn.preparedQuery(sql).executeBatch(rows).mapEmpty();
  }
}
