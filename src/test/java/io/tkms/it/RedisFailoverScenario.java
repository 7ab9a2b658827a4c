package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.ratelimit.RedisBackend;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One scenario, run on each highly-available Redis topology (a subclass per topology, as the port
 * contracts are): two replicas share one account limit; under load a Redis master is killed; the
 * limit keeps holding within the failure mode's rules during the switch, the replicas follow the
 * new master by themselves, and nonces recorded afterwards are refused across replicas. Prints how
 * long limits ran on the failure mode (the number docs/scaling.md quotes). Counts are asserted with
 * generous margins and no latency is: the machine is small and shared.
 */
abstract class RedisFailoverScenario {
  static final int L = 50;
  static final String PLAINTEXT =
      Base64.getEncoder().encodeToString("failover".getBytes(StandardCharsets.UTF_8));

  /** The two replicas, started by the subclass's {@code @BeforeAll}. */
  static final List<TestServer> servers = new ArrayList<>();

  static String keyId;

  /** The topology's name, for the printed measurements. */
  abstract String topology();

  /** Kills the master that serves the account's limit key; returns when it is gone. */
  abstract void killMaster(String limitKey);

  /** Waits until the topology itself reports the failover done (its own view, not tkms's). */
  abstract void awaitTopologyFailover();

  /** Two replicas on one fresh database, on {@code url}, limit {@link #L}/s. */
  static void startReplicas(String url, String mode) {
    String db = TestPostgres.freshDatabase();
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = TestServer.env(db, TestServer.tempDir());
      env.put("KMS_REDIS_URL", url);
      env.put("KMS_REDIS_MODE", mode);
      env.put("KMS_DEFAULT_CRYPTO_QPS", Integer.toString(L));
      // Decisions, not timing, are tested (see DistributedLimitIT): a roomier command timeout.
      env.put("KMS_REDIS_TIMEOUT_MS", "250");
      servers.add(TestServer.start(env));
    }
    keyId = Keys.create(servers.get(0).bootstrapClient(), "failover");
  }

  /** Call from the subclass's {@code @AfterAll}, before the topology stops. */
  static void stopReplicas() {
    servers.forEach(TestServer::close);
    servers.clear();
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

  static long limiterFallbacks() {
    return servers.stream().mapToLong(s -> stats(s).limiterFallbacks()).sum();
  }

  static void assertOnlyThrottled(OfferedLoad.Result r) {
    assertThat(r.refusals().keySet()).as("every refusal is throttling: " + r).isSubsetOf("4420");
  }

  void awaitShared(String what) {
    eventually(
        Duration.ofSeconds(20),
        what,
        () ->
            servers.stream()
                .allMatch(
                    s ->
                        stats(s).connected()
                            && stats(s).breaker().equals("CLOSED")
                            && stats(s).liveReplicas() == 2));
  }

  @Test
  void masterKilledUnderLoad_limitHolds_replicasFollowTheNewMaster_andNoncesAreSharedAgain()
      throws Exception {
    TestServer a = servers.get(0);
    TestServer b = servers.get(1);
    awaitShared("both replicas on Redis and counted");
    String limitKey =
        a.environment().getOrDefault("KMS_REDIS_KEY_PREFIX", "tkms:")
            + "limit:crypto:"
            + TestServer.APP_ID
            + ":"
            + L;
    List<Callable<String>> both = List.of(encryptOn(a), encryptOn(b));

    // 1. Before: one shared limit.
    OfferedLoad.Result before = OfferedLoad.run(both, 3 * L, Duration.ofSeconds(3));
    assertOnlyThrottled(before);
    assertAdmitted(before, 0.7 * (L * before.seconds() + L), 1.3 * (L * before.seconds() + L));

    // 2. The master is killed under load. While Redis cannot decide, each replica allows its
    // share (limit / 2); the new master may hold the bucket as it was replicated up to a second
    // before (asynchronous replication) or not at all (a full bucket: one extra burst of L).
    ExecutorService loader = Executors.newSingleThreadExecutor();
    long fallbacksAtKill;
    long killNanos;
    long topologyDone;
    List<long[]> samples = new ArrayList<>();
    Future<OfferedLoad.Result> during;
    try {
      during = loader.submit(() -> OfferedLoad.run(both, 3 * L, Duration.ofSeconds(10)));
      Thread.sleep(1000);
      fallbacksAtKill = limiterFallbacks();
      killNanos = System.nanoTime();
      killMaster(limitKey);
      awaitTopologyFailover();
      topologyDone = System.nanoTime();
      while (!during.isDone()) {
        samples.add(new long[] {System.nanoTime(), limiterFallbacks()});
        Thread.sleep(20);
      }
    } finally {
      loader.shutdown();
    }
    OfferedLoad.Result switching = during.get(30, TimeUnit.SECONDS);
    long degradedMillis = 0;
    long last = fallbacksAtKill;
    for (long[] sample : samples) {
      if (sample[1] > last) {
        degradedMillis = (sample[0] - killNanos) / 1_000_000;
        last = sample[1];
      }
    }
    long topologyMillis = (topologyDone - killNanos) / 1_000_000;
    System.out.printf(
        "%s failover, %s, %d cores: the topology promoted a replica %d ms after the kill; limits"
            + " ran on the failure mode until %d ms after it (%d decisions without Redis); %s%n",
        topology(),
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        topologyMillis,
        degradedMillis,
        limiterFallbacks() - fallbacksAtKill,
        switching);
    assertOnlyThrottled(switching);
    double s = switching.seconds();
    assertAdmitted(switching, 0.6 * L * s, L * s + 3 * L);
    assertThat(limiterFallbacks() - fallbacksAtKill)
        .as("the switch was noticed: some decisions were made without Redis")
        .isPositive();

    // 3. After: both replicas found the new master by themselves; one shared limit again.
    awaitShared("both replicas on the new master");
    long fallbacksAfter = limiterFallbacks();
    OfferedLoad.Result after = OfferedLoad.run(both, 3 * L, Duration.ofSeconds(3));
    assertOnlyThrottled(after);
    assertAdmitted(after, 0.7 * (L * after.seconds() + L), 1.3 * (L * after.seconds() + L));
    // A busy machine may push a few decisions past the command timeout; the failure mode would
    // decide nearly all of them if the replicas had not found the new master.
    assertThat(limiterFallbacks() - fallbacksAfter)
        .as("decided by Redis (the new master), not by the failure mode")
        .isLessThanOrEqualTo(after.answers().size() / 20);

    // 4. Nonces recorded after the failover are refused on the other replica.
    String host = "127.0.0.1:" + a.port();
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    long nonceFallbacks = stats(a).nonceFallbacks() + stats(b).nonceFallbacks();
    for (int i = 0; i < 20; i++) {
      String nonce = Long.toString((System.nanoTime() & 0x3FFFFFFFL) * 100 + i);
      JsonObject first = DistributedLimitIT.listKey(a, host, ts, nonce);
      assertThat(first.getInteger("code")).as(first.encode()).isZero();
      JsonObject replay = DistributedLimitIT.listKey(b, host, ts, nonce);
      assertThat(replay.getInteger("code"))
          .as("replay " + i + ": " + replay.encode())
          .isEqualTo(4100);
    }
    assertThat(stats(a).nonceFallbacks() + stats(b).nonceFallbacks())
        .as("every nonce was decided by Redis")
        .isEqualTo(nonceFallbacks);
  }

  static void assertAdmitted(OfferedLoad.Result r, double min, double max) {
    assertThat((double) r.admitted())
        .as("admitted of " + r + ", expected " + Math.round(min) + ".." + Math.round(max))
        .isBetween(min, max);
  }
}
