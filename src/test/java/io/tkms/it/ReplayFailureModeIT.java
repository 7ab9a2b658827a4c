package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.ratelimit.RedisBackend;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KMS_REDIS_REPLAY_FAILURE_MODE with Redis frozen behind a proxy (connections open, nothing
 * answers): two replicas in {@code refuse} answer every nonce-carrying request they cannot confirm
 * with InternalError, promptly, so no replay passes between them, while TC3 requests (no nonce)
 * keep working; a replica in {@code local} keeps serving nonces from its own cache and counts each
 * such decision in {@code kms_replay_local_decisions_total}.
 */
class ReplayFailureModeIT {
  static final int INTERNAL_ERROR = 6000;
  static final int REPLAYED = 4100;
  static TestRedis.OwnRedis redis;
  static FreezableProxy proxy;
  static final List<TestServer> servers = new ArrayList<>();
  static TestServer refuseA;
  static TestServer refuseB;
  static TestServer local;
  static String keyId;
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    redis = TestRedis.own();
    proxy = new FreezableProxy("127.0.0.1", redis.port());
    String db = TestPostgres.freshDatabase();
    for (String mode : List.of("refuse", "refuse", "local")) {
      Map<String, String> env = TestServer.env(db, TestServer.tempDir());
      env.put("KMS_REDIS_URL", "redis://127.0.0.1:" + proxy.port());
      env.put("KMS_REDIS_REPLAY_FAILURE_MODE", mode);
      env.put("KMS_REDIS_TIMEOUT_MS", "250");
      servers.add(TestServer.start(env));
    }
    refuseA = servers.get(0);
    refuseB = servers.get(1);
    local = servers.get(2);
    keyId = Keys.create(refuseA.bootstrapClient(), "replay-modes");
  }

  @AfterAll
  static void stop() {
    servers.forEach(TestServer::close);
    if (proxy != null) {
      proxy.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  static RedisBackend.Stats stats(TestServer s) {
    return s.kms().redisStats().orElseThrow();
  }

  /** The value of the unlabelled sample {@code name} on {@code s}'s /metrics, or null. */
  static Double metric(TestServer s, String name) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.metricsPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return null;
  }

  /** The second every request of this test is signed at: a replay is the same triple. */
  static final String TS = Long.toString(System.currentTimeMillis() / 1000);

  /**
   * A nonce-carrying (API 2.0) ListKey with this nonce, signed at {@link #TS}, Host as a load
   * balancer would send it.
   */
  static JsonObject listKey(TestServer s, String nonce) {
    return DistributedLimitIT.listKey(s, "127.0.0.1:" + refuseA.port(), TS, nonce);
  }

  static int code(JsonObject r) {
    return r.getInteger("code");
  }

  static String freshNonce() {
    return Long.toString(System.nanoTime() & 0x7FFFFFFFFFL);
  }

  static void awaitOnRedis() {
    eventually(
        Duration.ofSeconds(15),
        "every replica on Redis with a closed breaker",
        () ->
            servers.stream()
                .allMatch(s -> stats(s).connected() && stats(s).breaker().equals("CLOSED")));
  }

  @Test
  void redisFrozen_refuseAnswersInternalErrorAndNoReplayPasses_localDecidesAloneAndCountsIt()
      throws Exception {
    awaitOnRedis();
    assertThat(metric(local, "kms_replay_local_decisions_total"))
        .as("registered before anything happened")
        .isEqualTo(0.0);
    assertThat(metric(refuseA, "kms_replay_local_decisions_total")).isEqualTo(0.0);
    String shared = freshNonce();
    assertThat(code(listKey(refuseA, shared))).isZero();
    assertThat(code(listKey(refuseB, shared))).isEqualTo(REPLAYED);

    proxy.freeze();
    try {
      // refuse: nothing Redis cannot confirm passes, on either replica, and the answer is prompt.
      for (int i = 0; i < 10; i++) {
        String nonce = freshNonce() + i;
        long t0 = System.nanoTime();
        JsonObject first = listKey(refuseA, nonce);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(code(first)).as(first.encode()).isEqualTo(INTERNAL_ERROR);
        assertThat(millis).as("answered without waiting for Redis").isLessThan(3_000);
        JsonObject replayElsewhere = listKey(refuseB, nonce);
        assertThat(code(replayElsewhere))
            .as("the replay on the other replica: " + replayElsewhere.encode())
            .isEqualTo(INTERNAL_ERROR);
        assertThat(code(listKey(refuseA, nonce)))
            .as("the same replica remembers it: refused as a replay")
            .isEqualTo(REPLAYED);
      }
      assertThat(stats(refuseA).nonceFallbacks()).isPositive();
      assertThat(stats(refuseA).replayLocalDecisions()).isZero();
      // A TC3 request carries no nonce: unaffected (its signature binding is decided locally).
      JsonObject described =
          refuseA.bootstrapV3Client().call("DescribeKey", new JsonObject().put("KeyId", keyId));
      assertThat(V3Client.code(described)).as(described.encode()).isNull();

      // local: this replica's cache decides, and each such decision is counted.
      String nonce = freshNonce();
      assertThat(code(listKey(local, nonce))).isZero();
      assertThat(code(listKey(local, nonce))).isEqualTo(REPLAYED);
      assertThat(code(listKey(refuseA, nonce)))
          .as("a refuse replica cannot confirm it either")
          .isEqualTo(INTERNAL_ERROR);
      for (int i = 0; i < 5; i++) {
        assertThat(code(listKey(local, freshNonce() + i))).isZero();
      }
      assertThat(stats(local).replayLocalDecisions()).isEqualTo(6);
      assertThat(metric(local, "kms_replay_local_decisions_total")).isEqualTo(6.0);
      assertThat(metric(refuseA, "kms_replay_local_decisions_total")).isEqualTo(0.0);
    } finally {
      proxy.thaw();
    }

    // Redis answers again: nonces are shared and confirmed again.
    awaitOnRedis();
    String after = freshNonce();
    assertThat(code(listKey(refuseA, after))).isZero();
    assertThat(code(listKey(refuseB, after))).isEqualTo(REPLAYED);
    assertThat(code(listKey(local, after))).isEqualTo(REPLAYED);
  }
}
