package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tkms.testing.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Redis for tests: the one in {@code KMS_TEST_REDIS_URL} (CI points it at the machine's Redis),
 * else a {@code redis-server} from the PATH started once per JVM. When neither can be had the test
 * is skipped with a loud message, except under {@code CI=true}, where that is a failure. Tests that
 * must kill Redis start their own with {@link #own()}. Every test uses its own key prefix and
 * deletes only its own keys.
 */
public final class TestRedis {
  private static OwnRedis shared;

  private TestRedis() {}

  /** The URL of a Redis the test may use (never killed), or the test is skipped / failed. */
  public static synchronized String url() {
    String env = System.getenv("KMS_TEST_REDIS_URL");
    if (env != null && !env.isBlank()) {
      URI u = URI.create(env);
      if (!ping(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort())) {
        unavailable("KMS_TEST_REDIS_URL=" + env + " does not answer PING");
      }
      return env;
    }
    if (shared == null) {
      shared = own();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared.url();
  }

  /**
   * A redis-server of the test's own, on a free port, that the test may kill and restart; {@code
   * extraArgs} are added to its command line (e.g. {@code --requirepass x}).
   */
  public static OwnRedis own(String... extraArgs) {
    if (!binaryOnPath()) {
      unavailable("no redis-server on the PATH (install Debian's redis-server)");
    }
    OwnRedis r = new OwnRedis(TestServer.freePort(), extraArgs);
    r.start();
    return r;
  }

  /** A key prefix no other test or run uses. */
  public static String uniquePrefix() {
    return "tkms-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** Deletes the keys under {@code prefix} (best effort). */
  public static void deleteKeys(String url, String prefix) {
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page =
            c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
        if (!page.getKeys().isEmpty()) {
          c.sync().unlink(page.getKeys().toArray(new String[0]));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } catch (RuntimeException e) {
      System.err.println("could not delete test keys under " + prefix + ": " + e);
    } finally {
      client.shutdown();
    }
  }

  private static void unavailable(String why) {
    String msg =
        "\n********************************************************************************\n"
            + "*** Redis tests SKIPPED: "
            + why
            + ".\n"
            + "*** Set KMS_TEST_REDIS_URL=redis://127.0.0.1:6379 or put redis-server on the PATH.\n"
            + "********************************************************************************";
    System.err.println(msg);
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and no Redis for the tests: " + why);
    }
    Assumptions.abort(msg);
  }

  private static boolean binaryOnPath() {
    return RequiredTool.onPath("redis-server");
  }

  static boolean ping(String host, int port) {
    return "+PONG".equals(command(host, port, "PING"));
  }

  /** Up, with or without a password required. */
  static boolean answers(String host, int port) {
    String a = command(host, port, "PING");
    return a != null && (a.equals("+PONG") || a.startsWith("-NOAUTH"));
  }

  /** Sends one inline command and returns the first line of the answer, or null. */
  static String command(String host, int port, String inline) {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0 && b != '\r') {
        line.append((char) b);
      }
      return line.toString();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Sends one inline command and reads the whole answer: a status, error or integer line as itself,
   * a bulk string as its text, an array flattened into its elements' texts (nested arrays too);
   * null when nothing answers.
   */
  static List<String> reply(String host, int port, String inline) {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      List<String> items = new ArrayList<>();
      readValue(in, items);
      return items;
    } catch (IOException e) {
      return null;
    }
  }

  private static void readValue(InputStream in, List<String> into) throws IOException {
    String line = readLine(in);
    switch (line.charAt(0)) {
      case '$' -> {
        int n = Integer.parseInt(line.substring(1));
        if (n < 0) {
          into.add(null);
          return;
        }
        byte[] b = in.readNBytes(n + 2);
        into.add(new String(b, 0, n, StandardCharsets.UTF_8));
      }
      case '*' -> {
        int n = Integer.parseInt(line.substring(1));
        for (int i = 0; i < n; i++) {
          readValue(in, into);
        }
      }
      default -> into.add(line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\r') {
      line.append((char) b);
    }
    if (b < 0) {
      throw new IOException("connection closed");
    }
    in.read(); // '\n'
    return line.toString();
  }

  /** Fails (or skips, outside CI) unless {@code redis-server} and {@code redis-cli} are here. */
  static void requireBinaries(String... names) {
    for (String name : names) {
      if (!RequiredTool.onPath(name)) {
        unavailable("no " + name + " on the PATH (install Debian's redis-server and redis-tools)");
      }
    }
  }

  /** A redis-server process of the test's own, daemonized, stopped by its pid. */
  public static final class OwnRedis implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final Path pidFile;
    private final String[] extraArgs;

    /** Sentinel mode: the config file it starts from (and rewrites); null for a server. */
    private Path sentinelConf;

    OwnRedis(int port, String... extraArgs) {
      this.port = port;
      this.extraArgs = extraArgs.clone();
      try {
        this.dir = Files.createTempDirectory("kms-test-redis");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      this.pidFile = dir.resolve("redis.pid");
    }

    /**
     * A sentinel ({@code redis-server <conf> --sentinel}) watching {@code masterName} at {@code
     * masterPort}, not started yet. Sentinel insists on a config file it can rewrite: {@code
     * directives} (e.g. {@code sentinel down-after-milliseconds mymaster 1000}) go into it.
     */
    static OwnRedis sentinel(int port, List<String> directives) {
      OwnRedis r = new OwnRedis(port);
      List<String> conf =
          new ArrayList<>(
              List.of(
                  "port " + port,
                  "bind 127.0.0.1",
                  "protected-mode no",
                  "daemonize yes",
                  "pidfile " + r.pidFile,
                  "logfile " + r.dir.resolve("redis.log"),
                  "dir " + r.dir));
      conf.addAll(directives);
      r.sentinelConf = r.dir.resolve("sentinel.conf");
      try {
        Files.write(r.sentinelConf, conf);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return r;
    }

    public String url() {
      return "redis://127.0.0.1:" + port;
    }

    public int port() {
      return port;
    }

    /** Starts (or restarts, on the same port) and waits until it answers. */
    public void start() {
      try {
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    "redis-server",
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "yes",
                    "--pidfile",
                    pidFile.toString(),
                    "--dir",
                    dir.toString(),
                    "--logfile",
                    dir.resolve("redis.log").toString()));
        cmd.addAll(List.of(extraArgs));
        if (sentinelConf != null) {
          cmd = List.of("redis-server", sentinelConf.toString(), "--sentinel");
        }
        Process p =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("start.log").toFile())
                .start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("redis-server did not daemonize");
        }
        eventually(
            Duration.ofSeconds(10),
            "redis-server answering on port " + port,
            () -> answers("127.0.0.1", port));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Kills the process by its pid (SIGKILL) and waits until it is gone. */
    public void kill() {
      try {
        if (!Files.exists(pidFile)) {
          return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid)
            .ifPresent(
                h -> {
                  h.destroyForcibly();
                  h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                });
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The whole answer to one inline command (see {@link TestRedis#reply}). */
    public List<String> reply(String inline) {
      return TestRedis.reply("127.0.0.1", port, inline);
    }

    /** This process's working directory (its log, its cluster or sentinel config). */
    public Path dir() {
      return dir;
    }

    /**
     * Sends one inline command (e.g. {@code CLIENT PAUSE 1500 ALL}); returns the first answer line.
     */
    public String command(String inline) {
      return TestRedis.command("127.0.0.1", port, inline);
    }

    @Override
    public void close() {
      kill();
    }
  }
}
