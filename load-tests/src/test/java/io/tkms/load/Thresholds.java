package io.tkms.load;

import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Assertion;
import java.util.List;

/**
 * The pass/fail criteria: at least one request, an error percentage at most {@code
 * assert.maxErrorPercent}, and a 99th percentile response time at most {@code assert.p99Ms}.
 * With {@code -Dassert.smoke=true} only "requests > 0 and no failure" (the CI smoke run).
 */
public final class Thresholds {
  private Thresholds() {}

  public static List<Assertion> standard(double defaultMaxErrorPercent, int defaultP99Ms) {
    if (Settings.bool("assert.smoke", false)) {
      return List.of(global().allRequests().count().gt(0L), global().failedRequests().count().is(0L));
    }
    return List.of(
        global().allRequests().count().gt(0L),
        global().failedRequests().percent().lte(Settings.decimal("assert.maxErrorPercent", defaultMaxErrorPercent)),
        global().responseTime().percentile(99.0).lte(Settings.integer("assert.p99Ms", defaultP99Ms)));
  }
}
