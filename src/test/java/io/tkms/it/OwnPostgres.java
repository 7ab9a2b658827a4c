package io.tkms.it;

import io.tkms.testing.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Postgres cluster of the test's own (Debian's {@code pg_createcluster}, trust auth, a free
 * port), which the test may restart; dropped on close. Never the machine's cluster. Skipped with a
 * loud message where Debian's postgresql-common is missing, and a failure under {@code CI=true}.
 */
final class OwnPostgres implements AutoCloseable {
  private final String version;
  private final String name;
  private final int port;

  private OwnPostgres(String version, String name, int port) {
    this.version = version;
    this.name = name;
    this.port = port;
  }

  /** Creates and starts a cluster; waits until it answers. */
  static OwnPostgres start() {
    Path versions = Path.of("/usr/lib/postgresql");
    if (!Files.isExecutable(Path.of("/usr/bin/pg_createcluster")) || !Files.isDirectory(versions)) {
      unavailable("no pg_createcluster (install Debian's postgresql)");
    }
    String version;
    try (var list = Files.list(versions)) {
      version =
          list.map(p -> p.getFileName().toString())
              .filter(v -> v.matches("\\d+"))
              .max(java.util.Comparator.comparingInt(Integer::parseInt))
              .orElse(null);
    } catch (IOException e) {
      version = null;
    }
    if (version == null) {
      unavailable("no Postgres server under /usr/lib/postgresql");
    }
    OwnPostgres pg =
        new OwnPostgres(
            version,
            "kmsfault" + UUID.randomUUID().toString().substring(0, 8),
            TestServer.freePort());
    Runtime.getRuntime().addShutdownHook(new Thread(pg::drop));
    pg.run(
        "pg_createcluster",
        pg.version,
        pg.name,
        "-p",
        Integer.toString(pg.port),
        "--start",
        "--",
        "--auth=trust");
    pg.awaitUp();
    return pg;
  }

  int port() {
    return port;
  }

  /** The URL of a new database on this cluster. */
  String freshDatabase() {
    String db = "kms_fault_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    run(
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        Integer.toString(port),
        "-U",
        "postgres",
        "-qc",
        "CREATE DATABASE " + db);
    return "postgresql://postgres@127.0.0.1:" + port + "/" + db;
  }

  /** {@code pg_ctlcluster restart -m fast}: open connections are closed, then it starts again. */
  void restart() {
    run("pg_ctlcluster", version, name, "restart", "-m", "fast");
  }

  private void awaitUp() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (exec("pg_isready", "-h", "127.0.0.1", "-p", Integer.toString(port)) == 0) {
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException("own Postgres cluster did not come up");
  }

  private void drop() {
    exec("pg_dropcluster", "--stop", version, name);
  }

  @Override
  public void close() {
    drop();
  }

  private void run(String... cmd) {
    int rc = exec(cmd);
    if (rc != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " exited with " + rc);
    }
  }

  private static int exec(String... cmd) {
    try {
      List<String> c = new ArrayList<>(List.of(cmd));
      Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      if (p.exitValue() != 0 && out.length > 0 && !cmd[0].equals("pg_isready")) {
        System.err.println(String.join(" ", cmd) + ": " + new String(out));
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void unavailable(String why) {
    RequiredTool.unavailable("Postgres fault tests", why);
  }
}
