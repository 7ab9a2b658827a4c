package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A real Sentinel deployment of the test's own on free loopback ports: one master, one replica and
 * three sentinels (quorum 2, {@code down-after-milliseconds} 1000, {@code failover-timeout} 3000),
 * all {@code redis-server} processes, stopped by their pids. Skipped with a loud message without
 * {@code redis-server} (a failure under {@code CI=true}), as {@link TestRedis} does.
 */
public final class TestRedisSentinel implements AutoCloseable {
  public static final String MASTER_NAME = "mymaster";

  private final TestRedis.OwnRedis master;
  private final TestRedis.OwnRedis replica;
  private final List<TestRedis.OwnRedis> sentinels = new CopyOnWriteArrayList<>();

  private TestRedisSentinel(TestRedis.OwnRedis master, TestRedis.OwnRedis replica) {
    this.master = master;
    this.replica = replica;
  }

  /** Starts everything and waits until the replica is in sync and every sentinel knows it. */
  public static TestRedisSentinel start() {
    TestRedis.requireBinaries("redis-server");
    TestRedis.OwnRedis master = TestRedis.own();
    TestRedisSentinel t = null;
    try {
      TestRedis.OwnRedis replica =
          TestRedis.own("--replicaof", "127.0.0.1", Integer.toString(master.port()));
      t = new TestRedisSentinel(master, replica);
      // A test JVM stopped from outside (SIGTERM) must not leave five servers behind.
      Runtime.getRuntime().addShutdownHook(new Thread(t::close));
      for (int i = 0; i < 3; i++) {
        TestRedis.OwnRedis s =
            TestRedis.OwnRedis.sentinel(
                TestServer.freePort(),
                List.of(
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 3000",
                    "sentinel parallel-syncs " + MASTER_NAME + " 1"));
        t.sentinels.add(s);
        s.start();
      }
      TestRedisSentinel started = t;
      eventually(
          Duration.ofSeconds(20),
          "replica in sync and known to three sentinels that know each other",
          () ->
              String.join("\n", replica.reply("INFO replication")).contains("master_link_status:up")
                  && started.sentinels.stream()
                      .allMatch(
                          s ->
                              String.join(" ", s.reply("SENTINEL CKQUORUM " + MASTER_NAME))
                                      .contains("3 usable Sentinels")
                                  && s.reply("SENTINEL REPLICAS " + MASTER_NAME).size() > 1));
      return t;
    } catch (RuntimeException | Error e) {
      if (t != null) {
        t.close();
      } else {
        master.close();
      }
      throw e;
    }
  }

  /** {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/?sentinelMasterId=mymaster}. */
  public String url() {
    return "redis-sentinel://"
        + sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","))
        + "/?sentinelMasterId="
        + MASTER_NAME;
  }

  /** The port the sentinels currently name as the master's (0 when they do not answer). */
  public int masterPort() {
    for (TestRedis.OwnRedis s : sentinels) {
      List<String> addr = s.reply("SENTINEL GET-MASTER-ADDR-BY-NAME " + MASTER_NAME);
      if (addr != null && addr.size() == 2) {
        return Integer.parseInt(addr.get(1));
      }
    }
    return 0;
  }

  public TestRedis.OwnRedis master() {
    return master;
  }

  public TestRedis.OwnRedis replica() {
    return replica;
  }

  /** Kills the master (SIGKILL): the sentinels promote the replica. */
  public void killMaster() {
    master.kill();
  }

  /**
   * Waits until the sentinels name the replica as the master and it accepts writes; returns when
   * that was seen.
   */
  public long awaitFailover(Duration timeout) {
    eventually(
        timeout,
        "the sentinels promoted the replica",
        () ->
            masterPort() == replica.port()
                && String.join("\n", replica.reply("INFO replication")).contains("role:master"));
    return System.nanoTime();
  }

  /** Stops every process; idempotent. */
  @Override
  public synchronized void close() {
    sentinels.forEach(TestRedis.OwnRedis::close);
    replica.close();
    master.close();
  }
}
