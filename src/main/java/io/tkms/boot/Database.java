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
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir)
              .setCleanDataDirectory(false)
              .setPort(freePort())
              .start();
      LOG.info("embedded Postgres started, data in {}", dir);
      PgConnectOptions o =
          new PgConnectOptions()
              .setHost("localhost")
              .setPort(pg.getPort())
              .setUser("postgres")
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
