package io.tkms.it;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RedisFailoverScenario} on Redis Cluster: three masters with one replica each; the master
 * serving the account's limit key is killed and its replica takes over.
 */
class RedisClusterIT extends RedisFailoverScenario {
  static TestRedisCluster cluster;
  static int killed;

  @BeforeAll
  static void start() {
    cluster = TestRedisCluster.start();
    startReplicas(cluster.url(), "cluster");
  }

  @AfterAll
  static void stop() {
    stopReplicas();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  String topology() {
    return "Cluster";
  }

  @Override
  void killMaster(String limitKey) {
    killed = cluster.masterOf(limitKey);
    cluster.kill(killed);
  }

  @Override
  void awaitTopologyFailover() {
    cluster.awaitFailover(killed, Duration.ofSeconds(20));
  }
}
