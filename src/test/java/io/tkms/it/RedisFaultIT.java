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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redis frozen (a black hole: connection open, nothing answers) and then killed, under load on two
 * replicas, in each of the three limiter failure modes: the mode's documented rule holds while
 * Redis is away, no answer waits longer than {@code KMS_REDIS_TIMEOUT_MS} + 1 s, nonces fall back
 * to the replica's own cache (counted), and the limit is cluster-wide again once Redis is back.
 */
class RedisFaultIT {
  @RegisterExtension static final BlockedThreadWatch WATCH = new BlockedThreadWatch();

  static final int L = 40;
  static final int REDIS_TIMEOUT_MS = 200;
  static final long ANSWER_WITHIN_MS = REDIS_TIMEOUT_MS + 1_000;
  static final long UP_WITHIN_MS = 5_000;
  static final String PLAINTEXT =
      Base64.getEncoder().encodeToString("fault".getBytes(StandardCharsets.UTF_8));

  @ParameterizedTest(name = "KMS_REDIS_FAILURE_MODE={0}")
  @ValueSource(strings = {"local-share", "fail-open", "fail-closed"})
  void redisFrozenThenKilled_theFailureModeHolds_andTheSharedLimitReturns(String mode)
      throws Exception {
    TestRedis.OwnRedis redis = TestRedis.own();
    List<TestServer> servers = new ArrayList<>();
    try (FreezableProxy proxy = new FreezableProxy("127.0.0.1", redis.port())) {
      String db = TestPostgres.freshDatabase();
      for (int i = 0; i < 2; i++) {
        Map<String, String> env = TestServer.env(db, TestServer.tempDir());
        env.put("KMS_REDIS_URL", "redis://127.0.0.1:" + proxy.port());
        env.put("KMS_REDIS_FAILURE_MODE", mode);
        env.put("KMS_REDIS_TIMEOUT_MS", Integer.toString(REDIS_TIMEOUT_MS));
        env.put("KMS_DEFAULT_CRYPTO_QPS", Integer.toString(L));
        servers.add(TestServer.start(env));
      }
      TestServer a = servers.get(0);
      TestServer b = servers.get(1);
      String keyId = Keys.create(a.bootstrapClient(), "redis-fault");
      eventually(
          Duration.ofSeconds(15),
          "both replicas counted",
          () -> stats(a).liveReplicas() == 2 && stats(b).liveReplicas() == 2);

      // Redis up: one limit for both replicas.
      OfferedLoad.Result up =
          OfferedLoad.run(
              List.of(encrypt(a, keyId), encrypt(b, keyId)), 3 * L, Duration.ofSeconds(2));
      assertInTimeOnlyThrottled(mode + ", Redis up", up, UP_WITHIN_MS);
      assertAbout(mode + ", Redis up", up, L);

      // Frozen, then killed: the failure mode decides, at once.
      long fallbacksBefore = stats(a).limiterFallbacks();
      proxy.freeze();
      OfferedLoad.Result frozen;
      try {
        frozen = OfferedLoad.run(List.of(encrypt(a, keyId)), 3 * L, Duration.ofSeconds(2));
      } finally {
        proxy.thaw();
      }
      redis.kill();
      OfferedLoad.Result killed =
          OfferedLoad.run(List.of(encrypt(a, keyId)), 3 * L, Duration.ofSeconds(2));
      for (OfferedLoad.Result r : List.of(frozen, killed)) {
        String phase = mode + (r == frozen ? ", Redis frozen" : ", Redis killed");
        assertInTimeOnlyThrottled(phase, r, ANSWER_WITHIN_MS);
        switch (mode) {
          // The local share may start drained: with Redis up, admissions drain it too (so falling
          // back never hands out a second budget on top of the shared one), and the frozen
          // phase drains it before the killed one.
          case "local-share" -> assertRate(phase, r, L / 2.0, 0.0, 1.0);
          case "fail-open" ->
              assertThat(r.admitted()).as(phase + ": " + r).isEqualTo(r.answers().size());
          default -> assertThat(r.admitted()).as(phase + ": " + r).isZero();
        }
      }
      assertThat(stats(a).limiterFallbacks())
          .as("limiter decisions made without Redis, counted")
          .isGreaterThan(fallbacksBefore);
      // Nonces: the replica's own cache decides (counted); a replay to it is still refused.
      // (fail-closed throttles management actions too: 4480.)
      V2Client.Req once = a.bootstrapClient().request("ListKey");
      if (mode.equals("fail-closed")) {
        assertThat(once.send().getInteger("code")).isEqualTo(4480);
      } else {
        assertThat(once.send().getInteger("code")).isZero();
        assertThat(once.send().getInteger("code")).isEqualTo(4100);
      }
      assertThat(stats(a).nonceFallbacks()).isPositive();

      // Back (same address): shared again across both replicas.
      redis.start();
      eventually(
          Duration.ofSeconds(20),
          "both replicas back on Redis",
          () ->
              stats(a).connected()
                  && stats(a).breaker().equals("CLOSED")
                  && stats(b).connected()
                  && stats(b).breaker().equals("CLOSED"));
      long fallbacksBack = stats(a).limiterFallbacks();
      OfferedLoad.Result back =
          OfferedLoad.run(
              List.of(encrypt(a, keyId), encrypt(b, keyId)), 3 * L, Duration.ofSeconds(2));
      assertInTimeOnlyThrottled(mode + ", Redis back", back, UP_WITHIN_MS);
      assertAbout(mode + ", Redis back", back, L);
      assertThat(stats(a).limiterFallbacks() - fallbacksBack)
          .as("decisions without Redis once it is back")
          .isLessThan(back.answers().size() / 10);
    } finally {
      servers.forEach(TestServer::close);
      redis.close();
    }
  }

  static RedisBackend.Stats stats(TestServer s) {
    return s.kms().redisStats().orElseThrow();
  }

  static Callable<String> encrypt(TestServer s, String keyId) {
    V2Client c = s.bootstrapClient();
    return () ->
        Integer.toString(
            c.call("Encrypt", "keyId", keyId, "plaintext", PLAINTEXT).getInteger("code"));
  }

  /**
   * Only throttling refuses, and no answer waits longer than {@code withinMillis}: the Redis
   * timeout plus a second while Redis is away; with Redis up, a loose bound for a busy machine.
   */
  static void assertInTimeOnlyThrottled(String phase, OfferedLoad.Result r, long withinMillis) {
    System.out.println(phase + ": " + r);
    assertThat(r.refusals().keySet()).as(phase + ": only throttling refuses").isSubsetOf("4420");
    assertThat(r.maxMillis()).as(phase + ": slowest answer").isLessThan(withinMillis);
  }

  /** Admitted about {@code perSecond} per second plus one second's burst, within ±30 %. */
  static void assertAbout(String phase, OfferedLoad.Result r, double perSecond) {
    assertRate(phase, r, perSecond, 1.0, 1.0);
  }

  /**
   * Admitted {@code perSecond} per second plus a burst of between {@code minBurstSeconds} and
   * {@code maxBurstSeconds} seconds' worth (what the bucket held when the load began), within ±30
   * %.
   */
  static void assertRate(
      String phase,
      OfferedLoad.Result r,
      double perSecond,
      double minBurstSeconds,
      double maxBurstSeconds) {
    double least = perSecond * (r.seconds() + minBurstSeconds);
    double most = perSecond * (r.seconds() + maxBurstSeconds);
    assertThat((double) r.admitted())
        .as(phase + ": " + r + ", expected " + Math.round(least) + " to " + Math.round(most))
        .isBetween(0.7 * least, 1.3 * most);
  }
}
