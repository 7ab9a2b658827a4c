package io.tkms.it;

import static io.tkms.it.RootKeyRotationIT.encrypt;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The request path's Postgres work is bounded by {@code KMS_PG_QUERY_TIMEOUT_MS} ({@code
 * statement_timeout} on its connections), while migrations and the migration lock are not: a
 * replica that starts while another holds the lock waits for it.
 */
class PostgresDeadlinesIT {

  static Connection jdbc(String url) throws Exception {
    PgConnectOptions o = PgConnectOptions.fromUri(url);
    return DriverManager.getConnection(
        "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase(),
        o.getUser(),
        o.getPassword() == null ? "" : o.getPassword());
  }

  @Test
  void aStatementStuckBehindALock_failsAtTheQueryDeadline_notTheRequestDeadline() throws Exception {
    String db = TestPostgres.freshDatabase();
    Map<String, String> env = TestServer.env(db, TestServer.tempDir());
    env.put("KMS_PG_QUERY_TIMEOUT_MS", "500");
    env.put("KMS_REQUEST_TIMEOUT_MS", "30000");
    try (TestServer s = TestServer.start(env);
        Connection c = jdbc(db)) {
      V3Client client = s.bootstrapV3Client();
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("LOCK TABLE cmks IN ACCESS EXCLUSIVE MODE");
        long start = System.nanoTime();
        JsonObject r = client.call("CreateKey", new JsonObject().put("Alias", "behind-a-lock"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(V3Client.code(r)).isEqualTo("InternalError");
        // The statement deadline (0.5 s), with a generous margin, well before the request's (30 s).
        assertThat(millis).isLessThan(10_000);
      } finally {
        c.rollback();
      }
      assertThat(encrypt(client, Keys.fresh(client, "after-the-lock"), "ok")).isNotEmpty();
    }
  }

  @Test
  void aReplicaStartingWhileAnotherHoldsTheMigrationLock_waitsForIt() throws Exception {
    String db = TestPostgres.freshDatabase();
    try (TestServer first = TestServer.start(TestServer.env(db, TestServer.tempDir()))) {
      assertThat(first.port()).isPositive();
    }
    Map<String, String> env = TestServer.env(db, TestServer.tempDir());
    env.put("KMS_PG_QUERY_TIMEOUT_MS", "300");
    try (Connection c = jdbc(db);
        Statement st = c.createStatement()) {
      // The migrator's advisory lock ("tkms" + 1), held as another replica's migration would.
      st.execute("SELECT pg_advisory_lock(" + 0x746b6d73_0001L + ")");
      CompletableFuture<TestServer> starting =
          CompletableFuture.supplyAsync(() -> TestServer.start(env));
      Thread.sleep(1_500); // well past the query deadline: the start must still be waiting
      assertThat(starting).isNotDone();
      st.execute("SELECT pg_advisory_unlock(" + 0x746b6d73_0001L + ")");
      try (TestServer second = starting.get(60, TimeUnit.SECONDS)) {
        V3Client client = second.bootstrapV3Client();
        assertThat(encrypt(client, Keys.fresh(client, "second"), "ok")).isNotEmpty();
      }
    }
  }
}
