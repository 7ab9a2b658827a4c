package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.boot.BootException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A start-up step that fails late (the management listener, after Redis is connected and the API
 * verticles listen) closes what the earlier steps opened: the API port is free again, and a start
 * with the mistake fixed succeeds on the same ports.
 */
class StartFailureIT {
  @Test
  void shortAdminToken_refusesToStart_andFreesWhatEarlierStepsOpened() throws Exception {
    String redisUrl = TestRedis.url();
    String prefix = TestRedis.uniquePrefix();
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_REDIS_URL", redisUrl);
    env.put("KMS_REDIS_KEY_PREFIX", prefix);
    env.put("KMS_ADMIN_TOKEN", "too-short");
    int apiPort = Integer.parseInt(env.get("KMS_HTTP_PORT"));
    try {
      assertThatThrownBy(() -> TestServer.start(env))
          .isInstanceOf(BootException.class)
          .hasMessage("KMS_ADMIN_TOKEN must be at least 16 characters");
      try (ServerSocket free = new ServerSocket()) {
        free.bind(new InetSocketAddress("127.0.0.1", apiPort));
      }
      env.put("KMS_ADMIN_TOKEN", TestServer.ADMIN_TOKEN);
      try (TestServer server = TestServer.start(env)) {
        assertThat(server.port()).isEqualTo(apiPort);
        assertThat(server.kms().redisStats()).isPresent();
      }
    } finally {
      TestRedis.deleteKeys(redisUrl, prefix);
    }
  }
}
