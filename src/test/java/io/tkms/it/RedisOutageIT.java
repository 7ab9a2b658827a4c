package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.ratelimit.RedisBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on a Redis of the test's own, which is killed, restarted and stalled while they
 * serve: no request fails except by throttling, none waits on Redis, the per-replica share of the
 * limit holds while Redis is gone, and the shared limit is back once Redis is.
 */
class RedisOutageIT {
  static final int L = 50;
  static final List<TestServer> servers = new ArrayList<>();
  static TestRedis.OwnRedis redis;
  static String keyId;
  static final String PLAINTEXT =
      Base64.getEncoder().encodeToString("outage".getBytes(StandardCharsets.UTF_8));

  @BeforeAll
  static void start() {
    redis = TestRedis.own();
    String db = TestPostgres.freshDatabase();
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = TestServer.env(db, TestServer.tempDir());
      env.put("KMS_REDIS_URL", redis.url());
      env.put("KMS_DEFAULT_CRYPTO_QPS", Integer.toString(L));
      servers.add(TestServer.start(env));
    }
    keyId = Keys.create(servers.get(0).bootstrapClient(), "outage");
  }

  @AfterAll
  static void stop() {
    servers.forEach(TestServer::close);
    if (redis != null) {
      redis.close();
    }
  }

  static RedisBackend.Stats stats(TestServer s) {
    return s.kms().redisStats().orElseThrow();
  }

  static Callable<String> encryptOn(TestServer s) {
    V2Client c = s.bootstrapClient();
    return () ->
        Integer.toString(
            c.call("Encrypt", "keyId", keyId, "plaintext", PLAINTEXT).getInteger("code"));
  }

  /** Heartbeats, reconnects and the breaker's half-open probe run on real time: wait, bounded. */
  static void await(String what, java.util.function.BooleanSupplier condition) {
    eventually(Duration.ofSeconds(15), what, condition);
  }

  static void assertOnlyThrottled(OfferedLoad.Result r, long maxMillis) {
    assertThat(r.refusals().keySet()).as("every refusal is throttling: " + r).isSubsetOf("4420");
    assertThat(r.maxMillis()).as("slowest answer of " + r).isLessThan(maxMillis);
  }

  static void assertAdmitted(OfferedLoad.Result r, double perSecond, String phase) {
    double expected = perSecond * r.seconds() + perSecond;
    System.out.println(
        phase
            + ": "
            + r
            + " (expected about "
            + Math.round(expected)
            + "); A "
            + stats(servers.get(0)));
    assertThat((double) r.admitted())
        .as(phase + ": " + r)
        .isBetween(0.7 * expected, 1.3 * expected);
  }

  @Test
  void redisKilledRestartedAndStalled_onlyThrottlingRefuses_sharesHold_andTheSharedLimitResumes()
      throws Exception {
    TestServer a = servers.get(0);
    TestServer b = servers.get(1);
    await(
        "both replicas counted",
        () -> stats(a).liveReplicas() == 2 && stats(b).liveReplicas() == 2);

    // 1. Redis up: the two replicas share one limit.
    OfferedLoad.Result shared =
        OfferedLoad.run(List.of(encryptOn(a), encryptOn(b)), 3 * L, Duration.ofSeconds(3));
    assertOnlyThrottled(shared, 2000);
    assertAdmitted(shared, L, "Redis up, two replicas");

    // 2. Redis killed: replica A alone enforces its share, limit / 2, and keeps serving.
    redis.kill();
    OfferedLoad.Result down = OfferedLoad.run(List.of(encryptOn(a)), 3 * L, Duration.ofSeconds(3));
    assertOnlyThrottled(down, 2000);
    assertAdmitted(down, L / 2.0, "Redis killed, replica A");
    RawHttp.Response ready = RawHttp.send(a.port(), "GET /readyz HTTP/1.1\r\nHost: x", null);
    assertThat(ready.status()).as("Redis is not a reason for 503").isEqualTo(200);
    io.vertx.core.json.JsonObject readyBody = new io.vertx.core.json.JsonObject(ready.text());
    assertThat(readyBody.getJsonObject("redis").getBoolean("connected")).isFalse();
    assertThat(readyBody.getJsonObject("redis").getString("breaker")).isNotEqualTo("CLOSED");
    assertThat(stats(a).nonceFallbacks()).as("nonces checked locally, counted").isPositive();
    assertThat(stats(a).liveReplicas()).as("the last count is kept").isEqualTo(2);
    V2Client.Req once = a.bootstrapClient().request("ListKey");
    assertThat(once.send().getInteger("code")).isZero();
    assertThat(once.send().getInteger("code"))
        .as("a replay to the same replica is still refused")
        .isEqualTo(4100);

    // 3. Redis back on the same port: the replicas reconnect and share one limit again.
    redis.start();
    await(
        "replica A back on Redis",
        () -> stats(a).connected() && stats(a).breaker().equals("CLOSED"));
    assertThat(
            new io.vertx.core.json.JsonObject(
                    RawHttp.send(a.port(), "GET /readyz HTTP/1.1\r\nHost: x", null).text())
                .getJsonObject("redis")
                .getBoolean("connected"))
        .isTrue();
    OfferedLoad.Result back = OfferedLoad.run(List.of(encryptOn(a)), 3 * L, Duration.ofSeconds(3));
    assertOnlyThrottled(back, 2000);
    assertAdmitted(back, L, "Redis back, replica A");

    // 4. Redis stalled for 3 s with the connection open: answers come without waiting for it.
    assertThat(redis.command("CLIENT PAUSE 3000 ALL")).isEqualTo("+OK");
    OfferedLoad.Result stalled =
        OfferedLoad.run(List.of(encryptOn(a), encryptOn(b)), 3 * L, Duration.ofSeconds(2));
    assertOnlyThrottled(stalled, 2000);
    assertThat(stalled.admitted()).as("stalled: " + stalled).isPositive();
    System.out.println("Redis stalled: " + stalled + "; A " + stats(a) + "; B " + stats(b));
  }
}
