package io.tkms.it;

import static io.tkms.it.FaultLoad.Outcome.OK;
import static io.tkms.it.FaultLoad.Outcome.REFUSED;
import static io.tkms.it.FaultLoad.Outcome.TIMED_OUT;
import static io.tkms.it.FaultLoad.Outcome.WRONG;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The crypto worker pool saturated (one worker, a queue of four, its worker held by a task that
 * does not finish, as a stuck HSA call or a storm of slow unwraps would): work that needs the pool
 * is refused at once with "server busy" beyond the queue, the queued work is answered at the
 * request deadline, nothing waits unboundedly, cached Encrypt/Decrypt (inline) keep working, the
 * refusals are counted, and everything recovers when the worker is free again.
 */
class CryptoSaturationFaultIT {
  @RegisterExtension static final BlockedThreadWatch WATCH = new BlockedThreadWatch();

  static final int REQUEST_TIMEOUT_MS = 2_000;

  @Test
  void aSaturatedCryptoPool_refusesFast_boundsTheQueue_andRecovers() throws Exception {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_SERVER_CRYPTO_WORKERS", "1");
    env.put("KMS_SERVER_CRYPTO_QUEUE_SIZE", "4");
    env.put("KMS_REQUEST_TIMEOUT_MS", Integer.toString(REQUEST_TIMEOUT_MS));
    try (TestServer s = TestServer.start(env)) {
      V3Client c = s.bootstrapV3Client();
      String cached = Keys.fresh(c, "cached");
      RootKeyRotationIT.encrypt(c, cached, "warm");
      AtomicInteger alias = new AtomicInteger();
      FaultLoad load = new FaultLoad(Duration.ofMillis(REQUEST_TIMEOUT_MS + 3_000));
      load.run(
          "create",
          12,
          Duration.ofMillis(10),
          () ->
              V3Client.code(
                  c.call(
                      "CreateKey",
                      new JsonObject().put("Alias", "sat-" + alias.incrementAndGet()))));
      load.run(
          "encrypt-decrypt-cached",
          1,
          Duration.ofMillis(10),
          () -> {
            String text = "t" + alias.get();
            if (!RootKeyRotationIT.decrypt(c, RootKeyRotationIT.encrypt(c, cached, text))
                .equals(text)) {
              throw new FaultLoad.Wrong("round trip gave another plaintext");
            }
            return null;
          });
      Thread.sleep(1_000);
      // The one kms-crypto worker is taken by a task that does not finish until released.
      CountDownLatch release = new CountDownLatch(1);
      WorkerExecutor crypto = s.kms().vertx().createSharedWorkerExecutor("kms-crypto", 1);
      long saturated = load.mark();
      crypto.executeBlocking(() -> release.await(60, TimeUnit.SECONDS), false);
      Thread.sleep(4_000);
      long released = load.mark();
      release.countDown();
      Thread.sleep(REQUEST_TIMEOUT_MS + 500L); // the queued requests' deadlines pass
      long settled = load.mark();
      Thread.sleep(2_000);
      load.stop();
      crypto.close();

      List<FaultLoad.Answer> during = load.between(saturated, released);
      load.print("crypto pool saturated", during);
      load.print("after", load.since(settled));
      assertThat(FaultLoad.count(load.all(), WRONG)).isZero();
      assertThat(FaultLoad.count(load.all(), TIMED_OUT)).as("unbounded waits").isZero();
      List<FaultLoad.Answer> busy =
          during.stream().filter(a -> "RequestLimitExceeded".equals(a.code())).toList();
      assertThat(busy).as("refused as server busy").isNotEmpty();
      assertThat(busy.stream().mapToLong(FaultLoad.Answer::nanos).max().orElse(0) / 1_000_000)
          .as("a busy refusal is immediate, not queued (generous margin)")
          .isLessThan(REQUEST_TIMEOUT_MS);
      assertThat(during.stream().filter(a -> a.outcome() == REFUSED).map(FaultLoad.Answer::code))
          .as("refusals: server busy, or InternalError at the deadline for the queued few")
          .allMatch(code -> code.equals("RequestLimitExceeded") || code.equals("InternalError"));
      assertThat(FaultLoad.count(during, "encrypt-decrypt-cached", REFUSED))
          .as("cached round trips do not need the pool")
          .isZero();
      // Recovered: twelve creators on one worker and a queue of four still meet a full queue now
      // and then, but rarely, and nothing else fails.
      List<FaultLoad.Answer> after = load.since(settled);
      assertThat(after).isNotEmpty().allMatch(a -> a.outcome() == OK || a.outcome() == REFUSED);
      assertThat(after.stream().filter(a -> a.outcome() == REFUSED).map(FaultLoad.Answer::code))
          .allMatch("RequestLimitExceeded"::equals);
      assertThat(FaultLoad.count(after, REFUSED))
          .as("busy after recovery")
          .isLessThan(after.size() / 20 + 1);
      assertThat(FaultLoad.count(after, "create", OK)).isPositive();
      String metrics = RootKeyRotationIT.scrape(s.metricsPort());
      assertThat(
              metrics
                  .lines()
                  .filter(l -> l.startsWith("kms_crypto_busy_total"))
                  .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                  .sum())
          .as("kms_crypto_busy_total")
          .isGreaterThanOrEqualTo(busy.size());
    }
  }
}
