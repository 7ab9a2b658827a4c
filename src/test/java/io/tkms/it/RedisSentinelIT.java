package io.tkms.it;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RedisFailoverScenario} on Sentinel: one master, one replica, three sentinels; the master
 * process is killed and the sentinels promote the replica.
 */
class RedisSentinelIT extends RedisFailoverScenario {
  static TestRedisSentinel sentinel;

  @BeforeAll
  static void start() {
    sentinel = TestRedisSentinel.start();
    startReplicas(sentinel.url(), "standalone");
  }

  @AfterAll
  static void stop() {
    stopReplicas();
    if (sentinel != null) {
      sentinel.close();
    }
  }

  @Override
  String topology() {
    return "Sentinel";
  }

  @Override
  void killMaster(String limitKey) {
    sentinel.killMaster();
  }

  @Override
  void awaitTopologyFailover() {
    sentinel.awaitFailover(Duration.ofSeconds(20));
  }
}
