package io.tkms.adapter.pg;

import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyRepository;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link KeyRepository} on Postgres through the reactive client. */
public final class PgKeyRepository implements KeyRepository {
  private static final String COLUMNS =
      "c.key_id, c.app_id, c.region, c.alias, c.description, c.create_time, c.key_state, c.creator_uin, c.current_version";
  private final Pool pool;

  public PgKeyRepository(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> create(KeyMetadata md, StoredVersion first, int quota) {
    return pool.<Void>withTransaction(
            conn ->
                conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))")
                    .execute(Tuple.of(md.appId(), md.region()))
                    .compose(r -> conn.preparedQuery("SELECT count(*) FROM cmks WHERE app_id = $1 AND region = $2")
                        .execute(Tuple.of(md.appId(), md.region())))
                    .compose(
                        rows -> {
                          if (rows.iterator().next().getLong(0) >= quota) {
                            return Future.failedFuture(ErrorCode.CMK_LIMIT_EXCEEDED.exception());
                          }
                          return conn.preparedQuery(
                                  "INSERT INTO cmks (key_id, app_id, region, alias, description, key_state, creator_uin,"
                                      + " create_time, current_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                              .execute(Tuple.from(new Object[] {md.keyId().uuid(), md.appId(), md.region(), md.alias(),
                                  md.description(), md.state().wireName(), md.creatorUin(), md.createTime(),
                                  md.currentVersion()}));
                        })
                    .compose(r -> conn.preparedQuery(
                            "INSERT INTO cmk_versions (key_id, version, material_wrapped, root_version) VALUES ($1, $2, $3, $4)")
                        .execute(Tuple.of(md.keyId().uuid(), first.version(), Buffer.buffer(first.material().bytes()),
                            first.material().rootVersion())))
                    .mapEmpty())
        .recover(e -> PgErrors.isUniqueViolation(e)
            ? Future.failedFuture(ErrorCode.ALIAS_EXISTS.exception())
            : PgErrors.internal(e));
  }

  @Override
  public Future<Optional<StoredKey>> find(KeyId keyId) {
    return pool.preparedQuery(
            "SELECT " + COLUMNS + ", v.version, v.material_wrapped, v.root_version FROM cmks c"
                + " JOIN cmk_versions v ON v.key_id = c.key_id WHERE c.key_id = $1 ORDER BY v.version")
        .execute(Tuple.of(keyId.uuid()))
        .map(
            rows -> {
              KeyMetadata md = null;
              List<StoredVersion> versions = new ArrayList<>();
              for (Row row : rows) {
                if (md == null) {
                  md = metadata(row);
                }
                versions.add(new StoredVersion(row.getInteger("version"),
                    new Hsa.Wrapped(row.getInteger("root_version"), row.getBuffer("material_wrapped").getBytes())));
              }
              return md == null ? Optional.<StoredKey>empty() : Optional.of(new StoredKey(md, List.copyOf(versions)));
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Page> list(String appId, String region, int offset, int limit) {
    return pool.preparedQuery("SELECT count(*) FROM cmks WHERE app_id = $1 AND region = $2")
        .execute(Tuple.of(appId, region))
        .compose(
            count ->
                pool.preparedQuery("SELECT " + COLUMNS + " FROM cmks c WHERE c.app_id = $1 AND c.region = $2"
                        + " ORDER BY c.create_time, c.key_id OFFSET $3 LIMIT $4")
                    .execute(Tuple.of(appId, region, offset, limit))
                    .map(rows -> {
                      List<KeyMetadata> keys = new ArrayList<>();
                      rows.forEach(r -> keys.add(metadata(r)));
                      return new Page(List.copyOf(keys), count.iterator().next().getLong(0));
                    }))
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Page> query(Query q) {
    StringBuilder where = new StringBuilder(" WHERE c.app_id = $1 AND c.region = $2");
    List<Object> args = new ArrayList<>(List.of(q.appId(), q.region()));
    if (q.state() != null) {
      args.add(q.state().wireName());
      where.append(" AND c.key_state = $").append(args.size());
    }
    if (q.search() != null && !q.search().isEmpty()) {
      args.add("%" + q.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
      where.append(" AND (c.key_id::text ILIKE $").append(args.size()).append(" OR c.alias ILIKE $").append(args.size()).append(")");
    }
    String order = q.ascending() ? " ORDER BY c.create_time, c.key_id" : " ORDER BY c.create_time DESC, c.key_id DESC";
    List<Object> pageArgs = new ArrayList<>(args);
    pageArgs.add(q.offset());
    pageArgs.add(q.limit());
    return pool.preparedQuery("SELECT count(*) FROM cmks c" + where)
        .execute(Tuple.from(args))
        .compose(count -> pool.preparedQuery("SELECT " + COLUMNS + " FROM cmks c" + where + order
                + " OFFSET $" + (args.size() + 1) + " LIMIT $" + (args.size() + 2))
            .execute(Tuple.from(pageArgs))
            .map(rows -> {
              List<KeyMetadata> keys = new ArrayList<>();
              rows.forEach(r -> keys.add(metadata(r)));
              return new Page(List.copyOf(keys), count.iterator().next().getLong(0));
            }))
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Long> count(String appId, String region) {
    return pool.preparedQuery("SELECT count(*) FROM cmks WHERE app_id = $1 AND region = $2")
        .execute(Tuple.of(appId, region))
        .map(rows -> rows.iterator().next().getLong(0))
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Boolean> setDescription(String appId, String region, KeyId keyId, String description) {
    return pool.preparedQuery("UPDATE cmks SET description = $4, updated_at = now() WHERE key_id = $1 AND app_id = $2 AND region = $3")
        .execute(Tuple.of(keyId.uuid(), appId, region, description))
        .map(r -> r.rowCount() > 0)
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Boolean> setState(String appId, String region, KeyId keyId, KeyState state) {
    return pool.preparedQuery("UPDATE cmks SET key_state = $4, updated_at = now() WHERE key_id = $1 AND app_id = $2 AND region = $3")
        .execute(Tuple.of(keyId.uuid(), appId, region, state.wireName()))
        .map(r -> r.rowCount() > 0)
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Boolean> setAlias(String appId, String region, KeyId keyId, String alias) {
    return pool.preparedQuery("UPDATE cmks SET alias = $4, updated_at = now() WHERE key_id = $1 AND app_id = $2 AND region = $3")
        .execute(Tuple.of(keyId.uuid(), appId, region, alias))
        .map(r -> r.rowCount() > 0)
        .recover(e -> PgErrors.isUniqueViolation(e)
            ? Future.failedFuture(ErrorCode.ALIAS_EXISTS.exception())
            : PgErrors.internal(e));
  }

  private static KeyMetadata metadata(Row r) {
    return new KeyMetadata(
        new KeyId(r.getUUID("key_id")),
        r.getString("app_id"),
        r.getString("region"),
        r.getString("alias"),
        r.getString("description"),
        r.getLong("create_time"),
        KeyState.fromWireName(r.getString("key_state")),
        r.getString("creator_uin"),
        r.getInteger("current_version"));
  }
}
