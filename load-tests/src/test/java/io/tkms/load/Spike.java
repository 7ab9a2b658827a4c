package io.tkms.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;

import io.gatling.javaapi.core.OpenInjectionStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A burst on top of a steady base: the 70/20/10 mix at {@code load.rate} for {@code
 * spike.baseline}, a ramp to {@code spike.factor} times that rate over {@code spike.ramp}, held
 * for {@code spike.hold}, a ramp back, and the base rate again for {@code spike.baseline} (to see
 * the server recover).
 *
 * <p>{@code -Dload.rate=20}, {@code -Dspike.factor=5}, {@code -Dspike.hold=30s}, {@code
 * -Dspike.ramp=10s}, {@code -Dspike.baseline=30s}; thresholds {@code -Dassert.maxErrorPercent=1},
 * {@code -Dassert.p99Ms=1000}.
 */
public class Spike extends MixSimulation {
  {
    double base = positiveRate("load.rate", 20);
    double factor = positiveRate("spike.factor", 5);
    Duration hold = positive("spike.hold", "30s");
    Duration ramp = Settings.duration("spike.ramp", "10s");
    Duration baseline = Settings.duration("spike.baseline", "30s");
    setUp(mix.populations(share -> {
      double low = base * share;
      double high = base * factor * share;
      List<OpenInjectionStep> steps = new ArrayList<>();
      if (!baseline.isZero()) {
        steps.add(constantUsersPerSec(low).during(baseline));
      }
      ramp(steps, low, high, ramp);
      steps.add(constantUsersPerSec(high).during(hold));
      ramp(steps, high, low, ramp);
      if (!baseline.isZero()) {
        steps.add(constantUsersPerSec(low).during(baseline));
      }
      return steps;
    }))
        .protocols(kms.protocol())
        .assertions(Thresholds.standard(1.0, 1000));
  }
}
