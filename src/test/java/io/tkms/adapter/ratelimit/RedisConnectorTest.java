package io.tkms.adapter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the connector reads from the URL forms, without connecting anywhere. */
class RedisConnectorTest {
  static RedisConnector connector(String url, boolean cluster) {
    return new RedisConnector(
        new RedisBackend.Settings(
            url,
            "secret-password".toCharArray(),
            50,
            "t:",
            cluster,
            RedisReplayGuard.FailureMode.LOCAL,
            Duration.ofSeconds(1)));
  }

  @Test
  void theAclUser_isReadFromEveryUrlForm_andNothingElseIsTakenForIt() {
    assertThat(RedisConnector.userOf("redis://kms@cache:6379/2")).isEqualTo("kms");
    assertThat(RedisConnector.userOf("redis-sentinel://kms@s1:26379,s2:26379/?sentinelMasterId=m"))
        .isEqualTo("kms");
    assertThat(RedisConnector.userOf("redis://cache:6379")).isNull();
    assertThat(RedisConnector.userOf("redis://@cache:6379")).isNull();
    assertThat(RedisConnector.userOf("redis-sentinel://s1:26379/?sentinelMasterId=a@b")).isNull();
  }

  @Test
  void where_namesTheSentinelsOrTheSeeds_neverThePassword() {
    RedisConnector sentinel =
        connector(
            "redis-sentinel://kms@127.0.0.1:26379,127.0.0.1:26380/?sentinelMasterId=m", false);
    RedisConnector cluster = connector("redis://127.0.0.1:7000, redis://127.0.0.1:7001", true);
    RedisConnector one = connector("redis://127.0.0.1:6379", false);
    try {
      assertThat(sentinel.where())
          .isEqualTo("master 'm' via sentinels 127.0.0.1:26379,127.0.0.1:26380");
      assertThat(sentinel.cluster()).isFalse();
      assertThat(cluster.where()).isEqualTo("cluster 127.0.0.1:7000,127.0.0.1:7001");
      assertThat(cluster.cluster()).isTrue();
      assertThat(one.where()).isEqualTo("127.0.0.1:6379");
      assertThat(sentinel.where() + cluster.where() + one.where())
          .doesNotContain("secret-password");
    } finally {
      sentinel.shutdown();
      cluster.shutdown();
      one.shutdown();
    }
  }
}
