package io.tkms.adapter.pg;

import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyQuery;
import io.tkms.application.port.KeyRepository;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.SymmetricAlgorithm;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/** {@link KeyRepository} on Postgres through the reactive client. */
public final class PgKeyRepository implements KeyRepository {
  private static final String COLUMNS =
      "c.key_id, c.app_id, c.region, c.alias, c.description, c.create_time, c.key_state, c.creator_uin, c.current_version,"
          + " coalesce(extract(epoch FROM c.deletion_date)::bigint, 0) AS deletion_epoch, c.rotation_enabled, c.rotate_days,"
          + " coalesce(extract(epoch FROM c.last_rotate_time)::bigint, 0) AS last_rotate_epoch,"
          + " coalesce(extract(epoch FROM c.next_rotate_time)::bigint, 0) AS next_rotate_epoch,"
          + " c.key_usage, c.public_key, c.algorithm, c.origin,"
          + " coalesce(extract(epoch FROM c.valid_to)::bigint, 0) AS valid_to_epoch";
  private static final String LIVE = " AND c.key_state <> 'Purged'";

  /** {@code cmk_versions.rotation} of a version the rotation job made. */
  private static final String AUTOMATIC = "automatic";

  /** {@code cmk_versions.rotation} of a version RotateKey made. */
  private static final String MANUAL = "manual";

  /**
   * Import parameters are deleted this many days after they expired: until then their token still
   * answers TokenExpired rather than "not the key's token".
   */
  private static final int STALE_PARAMETERS_DAYS = 7;

  /** Postgres' lock_not_available: {@code FOR UPDATE NOWAIT} found the row locked. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private final Pool pool;

  public PgKeyRepository(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> create(
      KeyMetadata md, StoredVersion first, int quota, java.util.Map<String, String> tags) {
    return pool.<Void>withTransaction(
            conn ->
                conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))")
                    .execute(Tuple.of(md.appId(), md.region()))
                    .compose(
                        r ->
                            conn.preparedQuery(
                                    "SELECT count(*) FROM cmks c WHERE c.app_id = $1 AND c.region = $2"
                                        + LIVE)
                                .execute(Tuple.of(md.appId(), md.region())))
                    .compose(
                        rows -> {
                          if (rows.iterator().next().getLong(0) >= quota) {
                            return Future.failedFuture(ErrorCode.CMK_LIMIT_EXCEEDED.exception());
                          }
                          return conn.preparedQuery(
                                  "INSERT INTO cmks (key_id, app_id, region, alias, description, key_state, creator_uin,"
                                      + " create_time, current_version, key_usage, public_key, algorithm, origin, valid_to)"
                                      + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
                                      + " CASE WHEN $14::bigint = 0 THEN NULL ELSE to_timestamp($14::bigint) END)")
                              .execute(
                                  Tuple.from(
                                      new Object[] {
                                        md.keyId().uuid(),
                                        md.appId(),
                                        md.region(),
                                        md.alias(),
                                        md.description(),
                                        md.state().wireName(),
                                        md.creatorUin(),
                                        md.createTime(),
                                        md.currentVersion(),
                                        md.usage().name(),
                                        md.publicKey().isEmpty()
                                            ? null
                                            : Buffer.buffer(
                                                java.util.Base64.getDecoder()
                                                    .decode(md.publicKey())),
                                        md.algorithm().name(),
                                        md.origin().name(),
                                        md.validTo()
                                      }));
                        })
                    .compose(
                        r ->
                            first == null
                                ? Future.succeededFuture()
                                : insertVersion(
                                    conn, md.keyId(), first.version(), first.material(), null))
                    .compose(
                        r ->
                            tags.isEmpty()
                                ? Future.succeededFuture()
                                : conn.preparedQuery(
                                        "INSERT INTO cmk_tags (key_id, tag_key, tag_value) VALUES ($1, $2, $3)")
                                    .executeBatch(
                                        tags.entrySet().stream()
                                            .map(
                                                t ->
                                                    Tuple.of(
                                                        md.keyId().uuid(),
                                                        t.getKey(),
                                                        t.getValue()))
                                            .toList()))
                    .mapEmpty())
        .recover(
            e ->
                PgErrors.isUniqueViolation(e)
                    ? Future.failedFuture(ErrorCode.ALIAS_EXISTS.exception())
                    : PgErrors.internal(e));
  }

  /**
   * @param rotation {@link #AUTOMATIC}, {@link #MANUAL}, or null for the version made with the key
   */
  private static Future<?> insertVersion(
      SqlConnection conn, KeyId keyId, int version, Hsa.Wrapped material, String rotation) {
    return conn.preparedQuery(
            "INSERT INTO cmk_versions (key_id, version, material_wrapped, root_version, rotation)"
                + " VALUES ($1, $2, $3, $4, $5)")
        .execute(
            Tuple.of(
                keyId.uuid(),
                version,
                Buffer.buffer(material.bytes()),
                material.rootVersion(),
                rotation));
  }

  /**
   * Every miss of one event-loop turn in one query (the key cache batches its loads). LEFT JOIN: a
   * purged key has its metadata but no material any more.
   */
  @Override
  public Future<Map<KeyId, StoredKey>> findAll(List<KeyId> keyIds) {
    if (keyIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    UUID[] ids = keyIds.stream().map(KeyId::uuid).toArray(UUID[]::new);
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + ", v.version, v.material_wrapped, v.root_version FROM cmks c"
                + " LEFT JOIN cmk_versions v ON v.key_id = c.key_id WHERE c.key_id = ANY($1) ORDER BY c.key_id, v.version")
        .execute(Tuple.of((Object) ids))
        .map(
            rows -> {
              Map<KeyId, KeyMetadata> metadata = new LinkedHashMap<>();
              Map<KeyId, List<StoredVersion>> versions = new HashMap<>();
              for (Row row : rows) {
                KeyId id = new KeyId(row.getUUID("key_id"));
                metadata.computeIfAbsent(id, k -> metadata(row));
                List<StoredVersion> vs = versions.computeIfAbsent(id, k -> new ArrayList<>());
                if (row.getInteger("version") != null) {
                  vs.add(
                      new StoredVersion(
                          row.getInteger("version"),
                          new Hsa.Wrapped(
                              row.getInteger("root_version"),
                              row.getBuffer("material_wrapped").getBytes())));
                }
              }
              Map<KeyId, StoredKey> found = new HashMap<>();
              metadata.forEach(
                  (id, md) -> found.put(id, new StoredKey(md, List.copyOf(versions.get(id)))));
              return found;
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Page> query(String appId, String region, KeyQuery q) {
    StringBuilder where = new StringBuilder(" WHERE c.app_id = $1 AND c.region = $2" + LIVE);
    List<Object> args = new ArrayList<>(List.of(appId, region));
    if (q.state().isPresent()) {
      args.add(q.state().get().wireName());
      where.append(" AND c.key_state = $").append(args.size());
    }
    if (q.usage().isPresent()) {
      args.add(q.usage().get().name());
      where.append(" AND c.key_usage = $").append(args.size());
    }
    if (q.origin().isPresent()) {
      args.add(q.origin().get().name());
      where.append(" AND c.origin = $").append(args.size());
    }
    if (q.search().isPresent()) {
      args.add(
          "%"
              + q.search().get().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
              + "%");
      where
          .append(" AND (c.key_id::text ILIKE $")
          .append(args.size())
          .append(" OR c.alias ILIKE $")
          .append(args.size())
          .append(")");
    }
    for (TagFilter f : q.tagFilters()) {
      args.add(f.key());
      where
          .append(
              " AND EXISTS (SELECT 1 FROM cmk_tags t WHERE t.key_id = c.key_id AND t.tag_key = $")
          .append(args.size());
      if (!f.values().isEmpty()) {
        args.add(f.values().toArray(new String[0]));
        where.append(" AND t.tag_value = ANY($").append(args.size()).append(")");
      }
      where.append(")");
    }
    String order =
        q.ascending()
            ? " ORDER BY c.create_time, c.key_id"
            : " ORDER BY c.create_time DESC, c.key_id DESC";
    List<Object> pageArgs = new ArrayList<>(args);
    pageArgs.add(q.offset());
    pageArgs.add(q.limit());
    return pool.preparedQuery("SELECT count(*) FROM cmks c" + where)
        .execute(Tuple.from(args))
        .compose(
            count ->
                pool.preparedQuery(
                        "SELECT "
                            + COLUMNS
                            + " FROM cmks c"
                            + where
                            + order
                            + " OFFSET $"
                            + (args.size() + 1)
                            + " LIMIT $"
                            + (args.size() + 2))
                    .execute(Tuple.from(pageArgs))
                    .map(
                        rows -> {
                          List<KeyMetadata> keys = new ArrayList<>();
                          rows.forEach(r -> keys.add(metadata(r)));
                          return new Page(List.copyOf(keys), count.iterator().next().getLong(0));
                        }))
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Long> count(String appId, String region) {
    return pool.preparedQuery(
            "SELECT count(*) FROM cmks c WHERE c.app_id = $1 AND c.region = $2" + LIVE)
        .execute(Tuple.of(appId, region))
        .map(rows -> rows.iterator().next().getLong(0))
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Boolean> setDescription(
      String appId, String region, KeyId keyId, String description) {
    return update("description = $4", keyId, appId, region, description)
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Boolean> setAlias(String appId, String region, KeyId keyId, String alias) {
    return update("alias = $4", keyId, appId, region, alias)
        .recover(
            e ->
                PgErrors.isUniqueViolation(e)
                    ? Future.failedFuture(ErrorCode.ALIAS_EXISTS.exception())
                    : PgErrors.internal(e));
  }

  @Override
  public Future<Boolean> transition(
      String appId, String region, KeyId keyId, KeyState expected, KeyState target) {
    return pool.preparedQuery(
            "UPDATE cmks SET key_state = $5, updated_at = now()"
                + " WHERE key_id = $1 AND app_id = $2 AND region = $3 AND key_state = $4")
        .execute(Tuple.of(keyId.uuid(), appId, region, expected.wireName(), target.wireName()))
        .map(r -> r.rowCount() > 0)
        .recover(PgErrors::internal);
  }

  @Override
  public Future<OptionalLong> scheduleDeletion(String appId, String region, KeyId keyId, int days) {
    return pool.preparedQuery(
            "UPDATE cmks SET key_state = 'PendingDelete', deletion_date = now() + make_interval(days => $4),"
                + " updated_at = now() WHERE key_id = $1 AND app_id = $2 AND region = $3"
                + " AND key_state IN ('Disabled', 'PendingImport')"
                + " RETURNING extract(epoch FROM deletion_date)::bigint")
        .execute(Tuple.of(keyId.uuid(), appId, region, days))
        .map(
            rows ->
                rows.size() == 0
                    ? OptionalLong.empty()
                    : OptionalLong.of(rows.iterator().next().getLong(0)))
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Boolean> cancelDeletion(String appId, String region, KeyId keyId) {
    return pool.preparedQuery(
            // A key without material (an EXTERNAL key deleted while it waited for its material)
            // goes back to waiting for it.
            "UPDATE cmks c SET key_state = CASE WHEN c.origin = 'EXTERNAL' AND NOT EXISTS"
                + " (SELECT 1 FROM cmk_versions v WHERE v.key_id = c.key_id) THEN 'PendingImport'"
                + " ELSE 'Disabled' END, deletion_date = NULL, updated_at = now()"
                + " WHERE key_id = $1 AND app_id = $2 AND region = $3 AND key_state = 'PendingDelete'")
        .execute(Tuple.of(keyId.uuid(), appId, region))
        .map(r -> r.rowCount() > 0)
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Boolean> setRotation(
      String appId, String region, KeyId keyId, boolean enabled, int days) {
    Future<io.vertx.sqlclient.RowSet<Row>> f =
        enabled
            ? pool.preparedQuery(
                    "UPDATE cmks SET rotation_enabled = TRUE, rotate_days = $4, next_rotate_time = now()"
                        + " + make_interval(days => $4), updated_at = now() WHERE key_id = $1 AND app_id = $2 AND region = $3"
                        + " AND key_state <> 'Purged'")
                .execute(Tuple.of(keyId.uuid(), appId, region, days))
            : pool.preparedQuery(
                    "UPDATE cmks SET rotation_enabled = FALSE, next_rotate_time = NULL, updated_at = now()"
                        + " WHERE key_id = $1 AND app_id = $2 AND region = $3 AND key_state <> 'Purged'")
                .execute(Tuple.of(keyId.uuid(), appId, region));
    return f.map(r -> r.rowCount() > 0).recover(PgErrors::internal);
  }

  @Override
  public Future<List<KeyId>> purgeDue(int limit) {
    return pool.preparedQuery(
            "WITH due AS (SELECT key_id FROM cmks WHERE key_state = 'PendingDelete' AND deletion_date <= now()"
                + " ORDER BY deletion_date LIMIT $1 FOR UPDATE SKIP LOCKED),"
                // A purged key keeps no trace of its material: versions, import parameters and the
                // commitment to imported material go with it.
                + " purged AS (UPDATE cmks c SET key_state = 'Purged', import_commitment = NULL,"
                + " updated_at = now() FROM due WHERE c.key_id = due.key_id RETURNING c.key_id),"
                + " destroyed AS (DELETE FROM cmk_versions v USING purged WHERE v.key_id = purged.key_id),"
                + " dropped AS (DELETE FROM import_parameters p USING purged WHERE p.key_id = purged.key_id)"
                + " SELECT key_id FROM purged")
        .execute(Tuple.of(limit))
        .map(PgKeyRepository::ids)
        .recover(PgErrors::internal);
  }

  @Override
  public Future<List<KeyId>> rotateDue(int limit, MaterialSource material) {
    return pool.<List<KeyId>>withTransaction(
            conn ->
                conn.preparedQuery(
                        "SELECT key_id, app_id, region, current_version, algorithm FROM cmks WHERE rotation_enabled AND key_state = 'Enabled'"
                            + " AND next_rotate_time <= now() ORDER BY next_rotate_time LIMIT $1 FOR UPDATE SKIP LOCKED")
                    .execute(Tuple.of(limit))
                    .compose(
                        rows -> {
                          List<KeyId> rotated = new ArrayList<>();
                          Future<Void> chain = Future.succeededFuture();
                          for (Row r : rows) {
                            KeyId id = new KeyId(r.getUUID("key_id"));
                            int next = r.getInteger("current_version") + 1;
                            String appId = r.getString("app_id");
                            String region = r.getString("region");
                            SymmetricAlgorithm algorithm =
                                SymmetricAlgorithm.valueOf(r.getString("algorithm"));
                            chain =
                                chain
                                    .compose(
                                        v -> material.generate(appId, region, id, next, algorithm))
                                    .compose(w -> insertVersion(conn, id, next, w, AUTOMATIC))
                                    .compose(
                                        x ->
                                            conn.preparedQuery(
                                                    "UPDATE cmks SET current_version = $2, last_rotate_time = now(),"
                                                        + " next_rotate_time = now() + make_interval(days => rotate_days), updated_at = now() WHERE key_id = $1")
                                                .execute(Tuple.of(id.uuid(), next)))
                                    .map(
                                        x -> {
                                          rotated.add(id);
                                          return null;
                                        });
                          }
                          return chain.map(v -> List.copyOf(rotated));
                        }))
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Integer> rotateNow(
      String appId, String region, KeyId keyId, Duration minInterval, MaterialSource material) {
    return pool.<Integer>withTransaction(
            conn ->
                conn.preparedQuery(
                        "SELECT c.current_version, c.key_state, c.algorithm, EXISTS (SELECT 1 FROM cmk_versions v"
                            + " WHERE v.key_id = c.key_id AND v.rotation = 'manual'"
                            + " AND v.created_at > now() - make_interval(hours => $4)) AS too_soon"
                            + " FROM cmks c WHERE c.key_id = $1 AND c.app_id = $2 AND c.region = $3"
                            + LIVE
                            + " FOR UPDATE OF c NOWAIT")
                    .execute(
                        Tuple.of(
                            keyId.uuid(), appId, region, Math.toIntExact(minInterval.toHours())))
                    .compose(
                        rows -> {
                          if (rows.size() == 0) {
                            return Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
                          }
                          Row r = rows.iterator().next();
                          if (!KeyState.ENABLED.wireName().equals(r.getString("key_state"))) {
                            return Future.failedFuture(
                                ErrorCode.KEY_STATE_NOT_SUPPORTED.exception(
                                    "the key's state changed concurrently, retry"));
                          }
                          if (r.getBoolean("too_soon")) {
                            return Future.failedFuture(ErrorCode.ROTATE_RATE_LIMITED.exception());
                          }
                          int next = r.getInteger("current_version") + 1;
                          return material
                              .generate(
                                  appId,
                                  region,
                                  keyId,
                                  next,
                                  SymmetricAlgorithm.valueOf(r.getString("algorithm")))
                              .compose(w -> insertVersion(conn, keyId, next, w, MANUAL))
                              .compose(
                                  x ->
                                      conn.preparedQuery(
                                              "UPDATE cmks SET current_version = $2, last_rotate_time = now(),"
                                                  + " updated_at = now() WHERE key_id = $1")
                                          .execute(Tuple.of(keyId.uuid(), next)))
                              .map(x -> next);
                        }))
        .recover(
            e ->
                e instanceof PgException p && LOCK_NOT_AVAILABLE.equals(p.getSqlState())
                    ? Future.failedFuture(ErrorCode.ROTATE_TASK_RUNNING.exception())
                    : PgErrors.internal(e));
  }

  @Override
  public Future<List<Rotation>> rotations(String appId, String region, KeyId keyId) {
    return pool.preparedQuery(
            "SELECT v.version, extract(epoch FROM v.created_at)::bigint AS rotate_time,"
                + " v.rotation = 'manual' AS manual FROM cmk_versions v JOIN cmks c USING (key_id)"
                + " WHERE c.key_id = $1 AND c.app_id = $2 AND c.region = $3"
                + LIVE
                + " AND v.rotation IS NOT NULL ORDER BY v.version")
        .execute(Tuple.of(keyId.uuid(), appId, region))
        .map(
            rows -> {
              List<Rotation> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Rotation(
                        r.getInteger("version"), r.getLong("rotate_time"), r.getBoolean("manual")));
              }
              return List.copyOf(out);
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<Void> saveImportParameters(ImportParameters p) {
    return pool.preparedQuery(
            "INSERT INTO import_parameters (key_id, token_sha256, wrapping_algorithm, public_key,"
                + " private_key_wrapped, root_version, valid_to) VALUES ($1, $2, $3, $4, $5, $6,"
                + " to_timestamp($7::bigint)) ON CONFLICT (key_id) DO UPDATE SET"
                + " token_sha256 = EXCLUDED.token_sha256, wrapping_algorithm ="
                + " EXCLUDED.wrapping_algorithm, public_key = EXCLUDED.public_key,"
                + " private_key_wrapped = EXCLUDED.private_key_wrapped, root_version ="
                + " EXCLUDED.root_version, valid_to = EXCLUDED.valid_to, created_at = now()")
        .execute(
            Tuple.from(
                new Object[] {
                  p.keyId().uuid(),
                  Buffer.buffer(p.tokenSha256()),
                  p.algorithm().name(),
                  Buffer.buffer(p.publicKey()),
                  Buffer.buffer(p.privateKey().bytes()),
                  p.privateKey().rootVersion(),
                  p.validTo()
                }))
        .<Void>mapEmpty()
        .recover(PgErrors::internal);
  }

  @Override
  public Future<java.util.Optional<ImportParameters>> importParameters(KeyId keyId) {
    return pool.preparedQuery(
            "SELECT p.token_sha256, p.wrapping_algorithm, p.public_key, p.private_key_wrapped,"
                + " p.root_version, extract(epoch FROM p.valid_to)::bigint AS valid_to_epoch,"
                + " c.import_commitment FROM import_parameters p JOIN cmks c USING (key_id)"
                + " WHERE p.key_id = $1")
        .execute(Tuple.of(keyId.uuid()))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return java.util.Optional.<ImportParameters>empty();
              }
              Row r = rows.iterator().next();
              Buffer commitment = r.getBuffer("import_commitment");
              return java.util.Optional.of(
                  new ImportParameters(
                      keyId,
                      r.getBuffer("token_sha256").getBytes(),
                      io.tkms.domain.EncryptionAlgorithm.valueOf(r.getString("wrapping_algorithm")),
                      r.getBuffer("public_key").getBytes(),
                      new Hsa.Wrapped(
                          r.getInteger("root_version"),
                          r.getBuffer("private_key_wrapped").getBytes()),
                      r.getLong("valid_to_epoch"),
                      commitment == null ? null : commitment.getBytes()));
            })
        .recover(PgErrors::internal);
  }

  @Override
  public Future<ImportOutcome> importMaterial(
      String appId,
      String region,
      KeyId keyId,
      byte[] tokenSha256,
      Hsa.Wrapped material,
      byte[] commitment,
      long validTo) {
    return pool.<ImportOutcome>withTransaction(
            conn ->
                conn.preparedQuery(
                        "SELECT c.key_state, c.origin, c.import_commitment FROM cmks c"
                            + " WHERE c.key_id = $1 AND c.app_id = $2 AND c.region = $3 FOR UPDATE")
                    .execute(Tuple.of(keyId.uuid(), appId, region))
                    .compose(
                        rows -> {
                          if (rows.size() == 0) {
                            return Future.succeededFuture(ImportOutcome.STATE_CHANGED);
                          }
                          Row r = rows.iterator().next();
                          String state = r.getString("key_state");
                          if (!KeyOrigin.EXTERNAL.name().equals(r.getString("origin"))
                              || !(KeyState.ENABLED.wireName().equals(state)
                                  || KeyState.PENDING_IMPORT.wireName().equals(state))) {
                            return Future.succeededFuture(ImportOutcome.STATE_CHANGED);
                          }
                          Buffer bound = r.getBuffer("import_commitment");
                          if (bound != null
                              && !java.security.MessageDigest.isEqual(
                                  bound.getBytes(), commitment)) {
                            return Future.succeededFuture(ImportOutcome.MATERIAL_NOT_MATCH);
                          }
                          return conn.preparedQuery(
                                  "SELECT valid_to > now() AS live FROM import_parameters"
                                      + " WHERE key_id = $1 AND token_sha256 = $2 FOR SHARE")
                              .execute(Tuple.of(keyId.uuid(), Buffer.buffer(tokenSha256)))
                              .compose(
                                  tokens -> {
                                    if (tokens.size() == 0) {
                                      return Future.succeededFuture(ImportOutcome.TOKEN_REPLACED);
                                    }
                                    if (!tokens.iterator().next().getBoolean("live")) {
                                      return Future.succeededFuture(ImportOutcome.TOKEN_EXPIRED);
                                    }
                                    return storeImported(
                                        conn, keyId, material, commitment, validTo);
                                  });
                        }))
        .recover(PgErrors::internal);
  }

  private static Future<ImportOutcome> storeImported(
      io.vertx.sqlclient.SqlConnection conn,
      KeyId keyId,
      Hsa.Wrapped material,
      byte[] commitment,
      long validTo) {
    return conn.preparedQuery(
            "INSERT INTO cmk_versions (key_id, version, material_wrapped,"
                + " root_version) VALUES ($1, 1, $2, $3)"
                + " ON CONFLICT (key_id, version) DO NOTHING")
        .execute(Tuple.of(keyId.uuid(), Buffer.buffer(material.bytes()), material.rootVersion()))
        .compose(
            x ->
                conn.preparedQuery(
                        "UPDATE cmks SET key_state = 'Enabled',"
                            + " import_commitment = $2, valid_to = CASE WHEN"
                            + " $3::bigint = 0 THEN NULL ELSE"
                            + " to_timestamp($3::bigint) END,"
                            + " current_version = 1, updated_at = now()"
                            + " WHERE key_id = $1")
                    .execute(Tuple.of(keyId.uuid(), Buffer.buffer(commitment), validTo)))
        .map(x -> ImportOutcome.IMPORTED);
  }

  @Override
  public Future<Boolean> deleteMaterial(
      String appId, String region, KeyId keyId, KeyState expected) {
    return pool.<Boolean>withTransaction(
            conn ->
                conn.preparedQuery(
                        "UPDATE cmks SET key_state = 'PendingImport', valid_to = NULL,"
                            + " updated_at = now() WHERE key_id = $1 AND app_id = $2 AND region = $3"
                            + " AND origin = 'EXTERNAL' AND key_state = $4")
                    .execute(Tuple.of(keyId.uuid(), appId, region, expected.wireName()))
                    .compose(
                        r ->
                            r.rowCount() == 0
                                ? Future.succeededFuture(false)
                                : conn.preparedQuery("DELETE FROM cmk_versions WHERE key_id = $1")
                                    .execute(Tuple.of(keyId.uuid()))
                                    .map(x -> true)))
        .recover(PgErrors::internal);
  }

  @Override
  public Future<List<KeyId>> expireMaterialDue(int limit) {
    return pool.preparedQuery(
            "WITH due AS (SELECT key_id FROM cmks WHERE origin = 'EXTERNAL' AND valid_to <= now()"
                + " AND key_state IN ('Enabled', 'Disabled', 'Archived')"
                + " ORDER BY valid_to LIMIT $1 FOR UPDATE SKIP LOCKED),"
                + " expired AS (UPDATE cmks c SET key_state = 'PendingImport', valid_to = NULL,"
                + " updated_at = now() FROM due WHERE c.key_id = due.key_id RETURNING c.key_id),"
                + " destroyed AS (DELETE FROM cmk_versions v USING expired"
                + " WHERE v.key_id = expired.key_id),"
                + " stale AS (DELETE FROM import_parameters"
                + " WHERE valid_to <= now() - make_interval(days => $2))"
                + " SELECT key_id FROM expired")
        .execute(Tuple.of(limit, STALE_PARAMETERS_DAYS))
        .map(PgKeyRepository::ids)
        .recover(PgErrors::internal);
  }

  private Future<Boolean> update(
      String set, KeyId keyId, String appId, String region, Object value) {
    return pool.preparedQuery(
            "UPDATE cmks SET "
                + set
                + ", updated_at = now() WHERE key_id = $1 AND app_id = $2 AND region = $3"
                + " AND key_state <> 'Purged'")
        .execute(Tuple.of(keyId.uuid(), appId, region, value))
        .map(r -> r.rowCount() > 0);
  }

  private static List<KeyId> ids(io.vertx.sqlclient.RowSet<Row> rows) {
    List<KeyId> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(new KeyId((UUID) r.getValue(0)));
    }
    return List.copyOf(out);
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
        r.getInteger("current_version"),
        r.getLong("deletion_epoch"),
        r.getBoolean("rotation_enabled"),
        r.getInteger("rotate_days"),
        r.getLong("last_rotate_epoch"),
        r.getLong("next_rotate_epoch"),
        KeyUsage.valueOf(r.getString("key_usage")),
        r.getBuffer("public_key") == null
            ? ""
            : java.util.Base64.getEncoder().encodeToString(r.getBuffer("public_key").getBytes()),
        SymmetricAlgorithm.valueOf(r.getString("algorithm")),
        KeyOrigin.valueOf(r.getString("origin")),
        r.getLong("valid_to_epoch"));
  }
}
