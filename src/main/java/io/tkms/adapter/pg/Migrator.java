package io.tkms.adapter.pg;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL migrations in {@code db/migration} (listed in order in {@code
 * index.txt}) under a Postgres advisory lock, so several replicas starting at once migrate exactly
 * once; then runs a caller step (root-key creation) under the same lock.
 */
public final class Migrator {
  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
  private static final long LOCK_ID = 0x746b6d73_0001L; // "tkms" + 1
  private final Pool pool;

  public Migrator(Pool pool) {
    this.pool = pool;
  }

  record Migration(int version, String name, String sql) {}

  static List<Migration> migrations() {
    List<Migration> out = new ArrayList<>();
    for (String line : resource("db/migration/index.txt").split("\n", -1)) {
      String name = line.trim();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
      out.add(new Migration(version, name, resource("db/migration/" + name)));
    }
    return out;
  }

  private static String resource(String path) {
    try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Migrates, then runs {@code underLock}, then releases the lock. */
  public Future<Void> migrateThen(Supplier<Future<Void>> underLock) {
    return pool.getConnection()
        .compose(
            conn ->
                conn.preparedQuery("SELECT pg_advisory_lock($1)")
                    .execute(Tuple.of(LOCK_ID))
                    .compose(r -> migrate(conn))
                    .compose(v -> underLock.get())
                    .eventually(
                        () ->
                            conn.preparedQuery("SELECT pg_advisory_unlock($1)")
                                .execute(Tuple.of(LOCK_ID)))
                    .eventually(conn::close));
  }

  private Future<Void> migrate(SqlConnection conn) {
    return conn.query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL,"
                + " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        .execute()
        .compose(r -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(
            rows -> {
              Set<Integer> applied = new HashSet<>();
              rows.forEach(row -> applied.add(row.getInteger(0)));
              Future<Void> chain = Future.succeededFuture();
              for (Migration m : pending(migrations(), applied)) {
                chain = chain.compose(v -> apply(conn, m));
              }
              return chain;
            });
  }

  /**
   * The migrations not yet applied, in the index's order. By membership, not by the highest version
   * applied: a number left free in the index for a change still in flight is applied when it
   * arrives, even on a database that already has a later one.
   */
  static List<Migration> pending(List<Migration> all, Set<Integer> applied) {
    return all.stream().filter(m -> !applied.contains(m.version())).toList();
  }

  private Future<Void> apply(SqlConnection conn, Migration m) {
    LOG.info("applying migration {}", m.name());
    return conn.begin()
        .compose(
            tx ->
                conn.query(m.sql())
                    .execute()
                    .compose(
                        r ->
                            conn.preparedQuery(
                                    "INSERT INTO schema_migrations(version, name) VALUES ($1, $2)")
                                .execute(Tuple.of(m.version(), m.name())))
                    .compose(r -> tx.commit())
                    .recover(e -> tx.rollback().transform(x -> Future.<Void>failedFuture(e))));
  }
}
