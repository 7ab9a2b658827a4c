package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of the test's own on free loopback ports: six {@code redis-server
 * --cluster-enabled yes} processes ({@code cluster-node-timeout} 1000), joined with {@code
 * redis-cli --cluster create … --cluster-replicas 1}: three masters, each with one replica. Stopped
 * by their pids. Skipped with a loud message without {@code redis-server} or {@code redis-cli} (a
 * failure under {@code CI=true}), as {@link TestRedis} does.
 */
public final class TestRedisCluster implements AutoCloseable {
  private final List<TestRedis.OwnRedis> nodes = new CopyOnWriteArrayList<>();

  private TestRedisCluster() {}

  /** Starts six nodes, creates the cluster and waits until every node reports it healthy. */
  public static TestRedisCluster start() {
    TestRedis.requireBinaries("redis-server", "redis-cli");
    TestRedisCluster c = new TestRedisCluster();
    // A test JVM stopped from outside (SIGTERM) must not leave six servers behind.
    Runtime.getRuntime().addShutdownHook(new Thread(c::close));
    try {
      for (int i = 0; i < 6; i++) {
        c.nodes.add(
            TestRedis.own(
                "--cluster-enabled",
                "yes",
                "--cluster-node-timeout",
                "1000",
                // A replica may always take over, however long it was cut off from its master.
                "--cluster-replica-validity-factor",
                "0"));
      }
      List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      c.nodes.forEach(n -> cmd.add("127.0.0.1:" + n.port()));
      cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(c.nodes.get(0).dir().resolve("cluster-create.log").toFile())
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "redis-cli --cluster create failed: see "
                + c.nodes.get(0).dir().resolve("cluster-create.log"));
      }
      eventually(
          Duration.ofSeconds(20),
          "every node reports cluster_state:ok with three masters",
          () -> c.nodes.stream().allMatch(n -> c.healthy(n) && c.masters(n).size() == 3));
      return c;
    } catch (IOException e) {
      c.close();
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      c.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /** The seeds for {@code KMS_REDIS_URL} in cluster mode: every node, comma-separated. */
  public String url() {
    return nodes.stream().map(TestRedis.OwnRedis::url).collect(Collectors.joining(","));
  }

  private boolean healthy(TestRedis.OwnRedis n) {
    List<String> info = n.reply("CLUSTER INFO");
    return info != null && String.join("\n", info).contains("cluster_state:ok");
  }

  /** The ports of the masters that hold slots, as {@code n} sees them (failed ones excluded). */
  private List<Integer> masters(TestRedis.OwnRedis n) {
    List<String> lines = n.reply("CLUSTER NODES");
    List<Integer> ports = new ArrayList<>();
    if (lines == null || lines.isEmpty()) {
      return ports;
    }
    for (String line : lines.get(0).split("\n")) {
      String[] f = line.split(" ");
      if (f.length > 8 && f[2].contains("master") && !f[2].contains("fail")) {
        ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@'))));
      }
    }
    return ports;
  }

  /** The port of the master serving {@code key}'s slot, as a live node sees it. */
  public int masterOf(String key) {
    TestRedis.OwnRedis n = live();
    List<String> slot = n.reply("CLUSTER KEYSLOT " + key);
    int s = Integer.parseInt(slot.get(0).substring(1));
    for (String line : n.reply("CLUSTER NODES").get(0).split("\n")) {
      String[] f = line.split(" ");
      if (!f[2].contains("master") || f[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < f.length; i++) {
        String[] range = f[i].split("-");
        if (range[0].startsWith("[")) {
          continue; // a slot being migrated
        }
        int lo = Integer.parseInt(range[0]);
        int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
        if (s >= lo && s <= hi) {
          return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
        }
      }
    }
    throw new IllegalStateException("no master for slot " + s);
  }

  private TestRedis.OwnRedis live() {
    return nodes.stream()
        .filter(n -> TestRedis.ping("127.0.0.1", n.port()))
        .findFirst()
        .orElseThrow();
  }

  /** Kills (SIGKILL) the node on {@code port}. */
  public void kill(int port) {
    nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow().kill();
  }

  /**
   * Waits until every live node reports the cluster healthy again with three masters (the killed
   * one's replica promoted) and none of them is {@code deadPort}; returns when that was seen.
   */
  public long awaitFailover(int deadPort, Duration timeout) {
    eventually(
        timeout,
        "a replica took over from the master on port " + deadPort,
        () ->
            nodes.stream()
                .filter(n -> n.port() != deadPort)
                .allMatch(
                    n -> {
                      List<Integer> m = masters(n);
                      return healthy(n) && m.size() == 3 && !m.contains(deadPort);
                    }));
    return System.nanoTime();
  }

  /** Stops every node; idempotent. */
  @Override
  public synchronized void close() {
    nodes.forEach(TestRedis.OwnRedis::close);
  }
}
