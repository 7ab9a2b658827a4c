package io.tkms.boot;

import io.tkms.config.KmsConfig;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Postgres the server uses: the one named by {@code KMS_PG_URL}, or an embedded one whose data
 * lives in {@code $KMS_DATA_DIR/pg} and survives restarts.
 */
final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private final PgConnectOptions options;
  private final EmbeddedPostgres embedded;

  private Database(PgConnectOptions options, EmbeddedPostgres embedded) {
    this.options = options;
    this.embedded = embedded;
  }

  /**
   * The connection options, with prepared statements cached per connection: the key look-up of
   * every cache miss is then parsed and planned once per connection, not per query (the client's
   * default). Poolers in transaction mode must support named statements (PgBouncer 1.21+ with
   * {@code max_prepared_statements}).
   */
  PgConnectOptions options() {
    return options.setCachePreparedStatements(true);
  }

  /**
   * {@link #options()} for the request path: every statement bounded by {@code statement_timeout},
   * and one quick reconnect attempt.
   */
  PgConnectOptions requestOptions(int queryTimeoutMillis) {
    PgConnectOptions o = new PgConnectOptions(options());
    o.addProperty("statement_timeout", Integer.toString(queryTimeoutMillis));
    o.setReconnectAttempts(1);
    o.setReconnectInterval(200);
    return o;
  }

  /**
   * The request path's transport: connecting bounded by {@code queryTimeoutMillis}, and an
   * unanswered connection given up by the kernel after the same time (TCP_USER_TIMEOUT, where the
   * epoll transport runs), so a black-holed database frees its connections instead of holding them
   * checked out.
   */
  static io.vertx.core.net.NetClientOptions requestTransport(int queryTimeoutMillis) {
    io.vertx.core.net.NetClientOptions o = new io.vertx.core.net.NetClientOptions();
    o.setConnectTimeout(queryTimeoutMillis);
    o.setTcpUserTimeout(queryTimeoutMillis);
    return o;
  }

  boolean embedded() {
    return embedded != null;
  }

  /** Connects to {@code config}'s URL, or starts the embedded Postgres under {@code dataDir}. */
  static Database open(KmsConfig.Database config, Path dataDir) {
    if (config.url().isPresent()) {
      PgConnectOptions o;
      try {
        o = PgConnectOptions.fromUri(config.url().get());
      } catch (RuntimeException e) {
        throw new BootException("KMS_PG_URL is not a valid postgresql:// URL");
      }
      if (config.password().isPresent()) {
        byte[] pw = config.password().read();
        o.setPassword(new String(pw, StandardCharsets.UTF_8));
        Arrays.fill(pw, (byte) 0);
      }
      return new Database(o, null);
    }
    Path dir = dataDir.resolve("pg").toAbsolutePath();
    try {
      Files.createDirectories(dir);
      String password = EmbeddedPassword.readOrCreate(dataDir.resolve(EmbeddedPassword.FILE));
      EmbeddedPostgres pg;
      if (Files.exists(dir.resolve("postgresql.conf"))) {
        if (EmbeddedPassword.trustsTcp(dir)) {
          upgradeToPassword(dir, password);
        }
        pg = durable(dir, password).start();
      } else {
        // initdb reads the password from a file: one of its own, removed once the cluster exists.
        Path pwFile = Files.createTempFile(dataDir.toAbsolutePath(), ".pg-initdb", ".tmp");
        try {
          EmbeddedPassword.writePrivate(pwFile, password);
          pg = durable(dir, password).setLocaleConfig("pwfile", pwFile.toString()).start();
        } finally {
          Files.deleteIfExists(pwFile);
        }
      }
      LOG.info("embedded Postgres started, data in {}", dir);
      PgConnectOptions o =
          new PgConnectOptions()
              .setHost("localhost")
              .setPort(pg.getPort())
              .setUser("postgres")
              .setPassword(password)
              .setDatabase("postgres");
      return new Database(o, pg);
    } catch (IOException | RuntimeException e) {
      String hint =
          String.valueOf(e.getMessage()).contains("root")
              ? " (initdb cannot run as root here: run as a non-root user, or set KMS_PG_URL)"
              : " (set KMS_PG_URL to use an external Postgres)";
      throw new BootException("cannot start the embedded Postgres in " + dir + hint);
    }
  }

  /**
   * The embedded Postgres as a single-node deployment needs it: every commit flushed to disk before
   * it is acknowledged ({@code fsync} and {@code synchronous_commit} on, where the library's
   * defaults, made for tests, turn both off), and TCP connections authenticated with a password
   * (SCRAM-SHA-256) instead of trusted. The library passes its "locale" settings to initdb as
   * {@code --name=value}, which is how a new cluster gets its password and host authentication.
   */
  private static EmbeddedPostgres.Builder durable(Path dir, String password) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPort(freePort())
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setLocaleConfig("auth-host", "scram-sha-256")
        .setLocaleConfig("auth-local", "scram-sha-256")
        .setConnectConfig("password", password);
  }

  /**
   * A data directory made by an earlier version trusts every TCP connection and has no password:
   * start it as it is once, give the superuser the password, stop it, and require the password for
   * TCP from now on.
   */
  private static void upgradeToPassword(Path dir, String password) throws IOException {
    LOG.info("embedded Postgres in {}: requiring a password for TCP connections from now on", dir);
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(freePort())
                .start();
        java.sql.Connection c = pg.getPostgresDatabase().getConnection();
        java.sql.Statement s = c.createStatement()) {
      // The password is 64 hex characters: nothing in it needs quoting.
      s.execute("ALTER USER postgres PASSWORD '" + password + "'");
    } catch (java.sql.SQLException e) {
      throw new IOException(
          "cannot set the embedded Postgres password (SQL state " + e.getSQLState() + ")");
    }
    EmbeddedPassword.requirePasswordForTcp(dir);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("embedded Postgres did not stop cleanly: {}", e.getClass().getSimpleName());
      }
    }
  }
}
