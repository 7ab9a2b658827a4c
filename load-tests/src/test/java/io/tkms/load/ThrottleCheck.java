package io.tkms.load;

import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.crashLoadGeneratorIf;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives one account past its per-second limit and checks that the server throttles the right
 * share of requests with the right codes: first over API 3.0 for {@code load.duration}, then over
 * API 2.0 for as long, each at {@code throttle.factor} times {@code throttle.limit}.
 *
 * <p>{@code -Dthrottle.group=crypto} (default) sends Encrypt, throttled as {@code
 * RequestLimitExceeded} (v3) and {@code 4420} (v2); the server must run with {@code
 * KMS_DEFAULT_CRYPTO_QPS} equal to {@code -Dthrottle.limit} (default 50), since its default of
 * 10,000/s is out of reach of one load generator. {@code -Dthrottle.group=management} sends
 * DescribeKey / GetKeyAttributes, throttled as {@code RequestLimitExceeded} / {@code 4480}, and
 * works against a default server ({@code KMS_DEFAULT_MANAGEMENT_QPS} = 100 = the default {@code
 * throttle.limit} of that group).
 *
 * <p>A warm-up at half the limit ({@code throttle.warmUp}, default 5 s; it must see no error)
 * lets both JVMs compile the hot paths first, so the measured phases run at their nominal rate.
 * The server's bucket holds one second's worth of the limit and refills continuously, so over
 * a phase of D seconds at rate R it admits between L·D and L·(D+1) requests: the throttled share
 * must lie in [1 − L(D+1)/(RD), 1 − L/R], widened by {@code throttle.tolerance} (default 0.05).
 * Any other answer than success or the expected throttling code stops the run at once, failed.
 *
 * <p>With {@code -Dkms.adminUrl=http://127.0.0.1:9090} and {@code -Dkms.adminToken(File)=} the
 * check runs on a fresh account created through the management API (its buckets start full and
 * see no other traffic); otherwise on the given credential's account.
 */
public class ThrottleCheck extends Simulation {
  private final Settings settings = Settings.get();
  private final boolean crypto;
  private final double limit;
  private final double rate;
  private final Duration phase;
  private final double tolerance;
  private final Kms kms = new Kms(settings, settings.credentials);
  private final Phase v3;
  private final Phase v2;
  private volatile String keyId;
  private volatile Settings.Credentials credentials = settings.credentials;

  /** One protocol's phase and what it saw. */
  private static final class Phase {
    final String request;
    final String expectedCode;
    final boolean isV3;
    final LongAdder ok = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final Map<String, LongAdder> unexpected = new ConcurrentHashMap<>();
    final AtomicReference<String> firstUnexpected = new AtomicReference<>();
    final LongAccumulator firstMs = new LongAccumulator(Math::min, Long.MAX_VALUE);
    final LongAccumulator lastMs = new LongAccumulator(Math::max, Long.MIN_VALUE);

    Phase(String request, String expectedCode, boolean isV3) {
      this.request = request;
      this.expectedCode = expectedCode;
      this.isV3 = isV3;
    }

    /** "ok", or why the request counts as failed: the expected throttling, or anything else. */
    String classify(String body) {
      long now = System.currentTimeMillis();
      firstMs.accumulate(now);
      lastMs.accumulate(now);
      String code;
      try {
        JsonNode root = KmsHttp.JSON.readTree(body);
        code = isV3 ? root.path("Response").path("Error").path("Code").asText(null) : root.path("code").asText(null);
        if (isV3 && code == null && root.path("Response").path("RequestId").isMissingNode()) {
          code = "no API 3.0 envelope";
        }
        if (!isV3 && code == null) {
          code = "no API 2.0 envelope";
        }
      } catch (IOException | RuntimeException e) {
        code = "not JSON";
      }
      if (code == null || (!isV3 && code.equals("0"))) {
        ok.increment();
        return "ok";
      }
      if (code.equals(expectedCode)) {
        throttled.increment();
        return "throttled " + code;
      }
      unexpected.computeIfAbsent(code, c -> new LongAdder()).increment();
      firstUnexpected.compareAndSet(null, code);
      return "unexpected " + code;
    }

    long total() {
      return ok.sum() + throttled.sum() + unexpected.values().stream().mapToLong(LongAdder::sum).sum();
    }
  }

  {
    String group = Settings.str("throttle.group", "crypto");
    if (!group.equals("crypto") && !group.equals("management")) {
      throw new IllegalArgumentException("-Dthrottle.group must be crypto or management");
    }
    crypto = group.equals("crypto");
    limit = MixSimulation.positiveRate("throttle.limit", crypto ? 50 : 100);
    double factor = Settings.decimal("throttle.factor", 3);
    if (!(factor > 1.2)) {
      throw new IllegalArgumentException("-Dthrottle.factor must be > 1.2 to throttle measurably");
    }
    rate = limit * factor;
    phase = MixSimulation.positive("load.duration", "10s");
    tolerance = Settings.decimal("throttle.tolerance", 0.05);
    v3 = new Phase(crypto ? "v3 Encrypt over the limit" : "v3 DescribeKey over the limit", "RequestLimitExceeded", true);
    v2 = new Phase(crypto ? "v2 Encrypt over the limit" : "v2 GetKeyAttributes over the limit", crypto ? "4420" : "4480", false);

    Duration warmUp = Settings.duration("throttle.warmUp", "5s");
    ScenarioBuilder warmUpScenario = scenario("warm-up under the limit").exec(crypto
        ? kms.v3("v3 Encrypt under the limit", "Encrypt", s -> body("KeyId", keyId, "Plaintext", "aGVsbG8gd29ybGQ=", "EncryptionContext", Fixtures.CONTEXT), Kms.v3Ok())
        : kms.v3("v3 DescribeKey under the limit", "DescribeKey", s -> body("KeyId", keyId), Kms.v3Ok()));
    ScenarioBuilder v3Scenario = scenario("API 3.0 over the limit").exec(crypto
        ? kms.v3(v3.request, "Encrypt", s -> body("KeyId", keyId, "Plaintext", "aGVsbG8gd29ybGQ=", "EncryptionContext", Fixtures.CONTEXT), checks(v3))
        : kms.v3(v3.request, "DescribeKey", s -> body("KeyId", keyId), checks(v3)))
        .exec(stopOnUnexpected(v3));
    ScenarioBuilder v2Scenario = scenario("API 2.0 over the limit").exec(crypto
        ? kms.v2(v2.request, "Encrypt", s -> Map.of("keyId", keyId, "plaintext", "aGVsbG8gd29ybGQ=", "encryptionContext", Fixtures.CONTEXT), checks(v2))
        : kms.v2(v2.request, "GetKeyAttributes", s -> Map.of("keyId", keyId), checks(v2)))
        .exec(stopOnUnexpected(v2));

    double[] bounds = bounds();
    List<Assertion> assertions = new ArrayList<>();
    assertions.add(global().allRequests().count().gt(0L));
    assertions.add(global().responseTime().percentile(99.0).lte(Settings.integer("assert.p99Ms", 500)));
    if (!warmUp.isZero()) {
      assertions.add(details(crypto ? "v3 Encrypt under the limit" : "v3 DescribeKey under the limit").failedRequests().count().is(0L));
    }
    for (Phase p : List.of(v3, v2)) {
      assertions.add(details(p.request).failedRequests().percent().between(bounds[0] * 100, bounds[1] * 100));
    }
    // The bucket refills to full during the 2 s pauses, so both phases start from the same state.
    PopulationBuilder measured = v3Scenario.injectOpen(nothingFor(Duration.ofSeconds(2)), constantUsersPerSec(rate).during(phase))
        .andThen(v2Scenario.injectOpen(nothingFor(Duration.ofSeconds(2)), constantUsersPerSec(rate).during(phase)));
    setUp(warmUp.isZero() ? measured : warmUpScenario.injectOpen(constantUsersPerSec(limit / 2).during(warmUp)).andThen(measured))
        .protocols(kms.protocol())
        .assertions(assertions);
  }

  private static String body(String... nameValues) {
    var o = KmsHttp.JSON.createObjectNode();
    for (int i = 0; i < nameValues.length; i += 2) {
      o.put(nameValues[i], nameValues[i + 1]);
    }
    return o.toString();
  }

  /** Any answer but success or the expected throttling code fails the whole run at once. */
  private static ChainBuilder stopOnUnexpected(Phase p) {
    return crashLoadGeneratorIf(
        s -> p.request + " answered " + p.firstUnexpected.get() + ", expected success or " + p.expectedCode,
        s -> p.firstUnexpected.get() != null);
  }

  private static List<CheckBuilder> checks(Phase p) {
    return List.of(status().is(200), bodyString().transform(p::classify).is("ok").name("KMS result").logActualValueInError(true));
  }

  /** The allowed throttled share [low, high]. */
  private double[] bounds() {
    double d = phase.toMillis() / 1000.0;
    double low = Math.max(0, 1 - limit * (d + 1) / (rate * d) - tolerance);
    double high = Math.min(1, 1 - limit / rate + tolerance);
    return new double[] {low, high};
  }

  @Override
  public void before() {
    String adminUrl = Settings.str("kms.adminUrl", null);
    if (adminUrl != null) {
      credentials = freshAccount(adminUrl);
      kms.use(credentials);
    }
    keyId = Fixtures.createKey(new KmsHttp(settings, credentials), "throttle-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36));
    System.out.printf("tkms load: ThrottleCheck (%s group) against %s as %s: limit %.0f/s, %.0f/s for %s per protocol%n",
        crypto ? "crypto" : "management", settings.url, credentials.secretId(), limit, rate, phase);
  }

  private static Settings.Credentials freshAccount(String adminUrl) {
    String token = Settings.str("kms.adminToken", null);
    String tokenFile = Settings.str("kms.adminTokenFile", null);
    if (token == null && tokenFile != null) {
      try {
        token = Files.readString(Path.of(tokenFile)).trim();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + tokenFile, e);
      }
    }
    if (token == null) {
      throw new IllegalArgumentException("-Dkms.adminUrl needs -Dkms.adminToken or -Dkms.adminTokenFile");
    }
    String appId = "19" + (100_000_000L + ThreadLocalRandom.current().nextLong(900_000_000L));
    KmsHttp.admin(adminUrl, token, "/admin/v1/accounts", KmsHttp.JSON.createObjectNode().put("appId", appId).put("uin", appId));
    JsonNode c = KmsHttp.admin(adminUrl, token, "/admin/v1/principals/" + appId + "/credentials", null);
    System.out.printf("tkms load: created account %s for the throttle check%n", appId);
    return new Settings.Credentials(c.path("secretId").asText(), c.path("secretKey").asText());
  }

  /** Prints what each phase saw; the pass/fail verdict is Gatling's (assertions and the crash above). */
  @Override
  public void after() {
    double[] b = bounds();
    for (Phase p : List.of(v3, v2)) {
      long total = p.total();
      double share = total == 0 ? 0 : (double) p.throttled.sum() / total;
      double span = total < 2 ? 0 : (p.lastMs.get() - p.firstMs.get()) / 1000.0;
      System.out.printf("tkms load: %s: %d answers over %.1f s, %d ok (%.0f/s), %d throttled with %s = %.1f %% (allowed %.1f-%.1f %%)%s%n",
          p.request, total, span, p.ok.sum(), span > 0 ? p.ok.sum() / span : 0.0, p.throttled.sum(), p.expectedCode, share * 100,
          b[0] * 100, b[1] * 100, p.unexpected.isEmpty() ? "" : ", unexpected " + p.unexpected);
      if (total > 0 && (share < b[0] || share > b[1])) {
        double planned = phase.toMillis() / 1000.0;
        if (span > planned * 1.2 + 1) {
          // Answers spread well beyond the phase: requests reached the server in bursts, and the
          // bucket refilled in the gaps, so fewer were throttled than the rate implies.
          System.out.printf("tkms load: %s: the answers spread over %.1f s instead of %.0f s: the server or this machine did not"
              + " keep up with %.0f req/s (see the p99), so the throttled share says little; retry on a quieter machine%n",
              p.request, span, planned, rate);
        } else {
          System.out.printf("tkms load: %s: throttled share outside the allowed range: is the server's %s %.0f?%n",
              p.request, crypto ? "KMS_DEFAULT_CRYPTO_QPS" : "KMS_DEFAULT_MANAGEMENT_QPS", limit);
        }
      }
    }
  }
}
