package io.tkms.load;

import java.time.Duration;

/**
 * A constant arrival rate of the 70/20/10 Decrypt/Encrypt/GenerateDataKey mix.
 *
 * <p>{@code -Dload.rate=50} requests/s (both protocols together), {@code -Dload.duration=60s},
 * {@code -Dload.rampUp=0s}; thresholds {@code -Dassert.maxErrorPercent=1}, {@code -Dassert.p99Ms=500}.
 */
public class SteadyMix extends MixSimulation {
  {
    double rate = positiveRate("load.rate", 50);
    Duration duration = positive("load.duration", "60s");
    Duration rampUp = Settings.duration("load.rampUp", "0s");
    setUp(mix.populations(share -> steady(rate * share, rampUp, duration)))
        .protocols(kms.protocol())
        .assertions(Thresholds.standard(1.0, 500));
  }
}
