package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The embedded Postgres is a real single-node database, not a test fixture: every acknowledged
 * write is on disk (a key created just before the server and its Postgres are killed is there after
 * a restart), and TCP connections need the generated password, also for a data directory made by an
 * earlier version.
 */
class EmbeddedPostgresIT {

  static Map<String, String> embeddedEnv(Path dataDir) {
    Map<String, String> env = TestServer.env("", dataDir);
    env.remove("KMS_PG_URL");
    return env;
  }

  static int port(Path dataDir) throws IOException {
    // postmaster.pid: pid, data directory, start time, port, ...
    return Integer.parseInt(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(3).trim());
  }

  static long postmasterPid(Path dataDir) throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).trim());
  }

  static Connection connect(int port, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", p);
  }

  static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void commitsAreFlushed_andTcpNeedsTheGeneratedPassword() throws Exception {
    Path dataDir = TestServer.tempDir();
    try (TestServer s = TestServer.start(embeddedEnv(dataDir))) {
      Keys.create(s.bootstrapClient(), "embedded-durable");
      Path pwFile = dataDir.resolve("pg-password");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pwFile)))
          .isEqualTo("rw-------");
      String password = Files.readString(pwFile, StandardCharsets.US_ASCII).trim();
      assertThat(password).matches("[0-9a-f]{64}");
      int port = port(dataDir);
      try (Connection c = connect(port, password)) {
        assertThat(show(c, "fsync")).isEqualTo("on");
        assertThat(show(c, "synchronous_commit")).isEqualTo("on");
      }
      assertThatThrownBy(() -> connect(port, null).close()).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> connect(port, "wrong").close()).isInstanceOf(SQLException.class);
      assertThat(Files.readString(dataDir.resolve("pg/pg_hba.conf")))
          .doesNotContainPattern("(?m)^\\s*(host|local)\\S*\\s.*\\strust\\s*$");
    }
  }

  @Test
  void aDataDirectoryOfAnEarlierVersion_isMadeToAskForThePassword() throws Exception {
    Path dataDir = TestServer.tempDir();
    // What earlier versions made: the library's defaults, TCP trusted, no password.
    try (EmbeddedPostgres old =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir.resolve("pg"))
            .setCleanDataDirectory(false)
            .start()) {
      try (Connection c = connect(old.getPort(), null)) {
        assertThat(show(c, "fsync")).isEqualTo("off");
      }
    }
    try (TestServer s = TestServer.start(embeddedEnv(dataDir))) {
      String password =
          Files.readString(dataDir.resolve("pg-password"), StandardCharsets.US_ASCII).trim();
      int port = port(dataDir);
      assertThatThrownBy(() -> connect(port, null).close()).isInstanceOf(SQLException.class);
      try (Connection c = connect(port, password)) {
        assertThat(show(c, "fsync")).isEqualTo("on");
      }
      assertThat(s.bootstrapClient().call("ListKey").getInteger("code")).isZero();
    }
  }

  @Test
  void aKeyAcknowledgedBeforeKill9_isThereAfterRestart() throws Exception {
    Path dataDir = TestServer.tempDir();
    Map<String, String> env = embeddedEnv(dataDir);
    int apiPort = Integer.parseInt(env.get("KMS_HTTP_PORT"));
    V2Client client = new V2Client(apiPort, TestServer.SECRET_ID, TestServer.SECRET_KEY);
    List<String> keys = new java.util.ArrayList<>();
    Process first = startProcess(env, dataDir.resolve("first.log"));
    try {
      awaitReady(apiPort, first, dataDir.resolve("first.log"));
      for (int i = 0; i < 5; i++) {
        JsonObject r = client.call("CreateKey", "alias", "kill9-" + i);
        assertThat(r.getInteger("code")).as(r.encode()).isZero();
        keys.add(r.getJsonObject("keyMetadata").getString("keyId"));
      }
      // kill -9 of the server and its Postgres (which pg_ctl started outside the process tree).
      ProcessHandle postmaster = ProcessHandle.of(postmasterPid(dataDir)).orElseThrow();
      List<ProcessHandle> all = new java.util.ArrayList<>(first.descendants().toList());
      all.add(first.toHandle());
      all.addAll(postmaster.descendants().toList());
      all.add(postmaster);
      all.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle h : all) {
        h.onExit().get(30, TimeUnit.SECONDS);
      }
    } finally {
      first.destroyForcibly();
    }
    Process second = startProcess(env, dataDir.resolve("second.log"));
    try {
      awaitReady(apiPort, second, dataDir.resolve("second.log"));
      for (String id : keys) {
        JsonObject r = client.call("GetKeyAttributes", "keyId", id);
        assertThat(r.getInteger("code")).as("key %s after kill -9: %s", id, r.encode()).isZero();
      }
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
      second.destroyForcibly();
    }
  }

  static Process startProcess(Map<String, String> env, Path log, String... jvmArgs)
      throws IOException {
    return startProcess(env, log, List.of(jvmArgs), List.of());
  }

  /**
   * {@code java <jvmArgs> -cp <test classpath> io.tkms.boot.Main <args>}, output to {@code log}.
   */
  static Process startProcess(
      Map<String, String> env, Path log, List<String> jvmArgs, List<String> args)
      throws IOException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", classpath, "io.tkms.boot.Main"));
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // Only the given settings: none leaks in from the environment the tests run in.
    pb.environment().keySet().removeIf(k -> k.startsWith("KMS_") && !k.startsWith("KMS_TEST_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  static void awaitReady(int port, Process p, Path log) {
    eventually(
        Duration.ofSeconds(90),
        () -> {
          if (!p.isAlive()) {
            // An Error other than AssertionError stops the waiting at once.
            throw new IllegalStateError("server exited; log:\n" + Files.readString(log));
          }
          assertThat(RawHttp.send(port, "GET /readyz HTTP/1.1\r\nHost: localhost", null).status())
              .isEqualTo(200);
        });
  }

  /** Ends {@link io.tkms.testing.Eventually#eventually} at once. */
  static final class IllegalStateError extends Error {
    private static final long serialVersionUID = 1L;

    IllegalStateError(String message) {
      super(message);
    }
  }
}
