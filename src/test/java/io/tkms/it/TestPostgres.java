package io.tkms.it;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Real Postgres for integration tests: the server named by {@code KMS_TEST_PG_URL} (CI points it at
 * the machine's Postgres), else one embedded Postgres per JVM. Each call makes a fresh database, so
 * runs and test classes never see each other's rows.
 */
public final class TestPostgres {
  private static EmbeddedPostgres embedded;
  private static PgConnectOptions admin;

  private TestPostgres() {}

  private static synchronized PgConnectOptions admin() throws Exception {
    if (admin == null) {
      String url = System.getenv("KMS_TEST_PG_URL");
      if (url != null && !url.isBlank()) {
        admin = PgConnectOptions.fromUri(url);
      } else {
        Path dir = Files.createTempDirectory("kms-test-pg");
        embedded =
            EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start();
        admin =
            new PgConnectOptions()
                .setHost("localhost")
                .setPort(embedded.getPort())
                .setUser("postgres")
                .setDatabase("postgres");
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        embedded.close();
                      } catch (Exception ignored) {
                        // best effort at JVM exit
                      }
                    }));
      }
    }
    return admin;
  }

  /** A new, empty database; returns its postgresql:// URL. */
  public static String freshDatabase() {
    try {
      PgConnectOptions a = admin();
      String name = "kms_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      Vertx vertx = Vertx.vertx();
      try {
        SqlClient c = PgBuilder.client().connectingTo(a).using(vertx).build();
        c.query("CREATE DATABASE " + name).execute().await();
        c.close().await();
      } finally {
        vertx.close().await();
      }
      String auth =
          a.getUser()
              + (a.getPassword() == null || a.getPassword().isEmpty() ? "" : ":" + a.getPassword());
      return "postgresql://" + auth + "@" + a.getHost() + ":" + a.getPort() + "/" + name;
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a test database", e);
    }
  }

  /** Runs one prepared statement against {@code url}; returns its rows (tests that edit rows). */
  public static List<Row> query(String url, String sql, Tuple args) {
    Vertx vertx = Vertx.vertx();
    try {
      SqlClient c =
          PgBuilder.client().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
      List<Row> rows = new java.util.ArrayList<>();
      c.preparedQuery(sql).execute(args).await().forEach(rows::add);
      c.close().await();
      return rows;
    } finally {
      vertx.close().await();
    }
  }

  /** Runs one SQL statement against {@code url} (tests that break the database on purpose). */
  public static void execute(String url, String sql) {
    Vertx vertx = Vertx.vertx();
    try {
      SqlClient c =
          PgBuilder.client().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
      c.query(sql).execute().await();
      c.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
