package io.tkms.load;

import java.time.Duration;

/**
 * The 70/20/10 mix at a moderate constant rate for hours: finds leaks, cache churn (keys expire
 * from the server's key cache every few minutes), the TC3 day rollover, connection-pool and GC
 * drift.
 *
 * <p>{@code -Dload.rate=20} requests/s, {@code -Dload.duration=2h} (e.g. {@code 8h}, {@code
 * 1h30m}), {@code -Dload.rampUp=1m}; thresholds {@code -Dassert.maxErrorPercent=0.1}, {@code
 * -Dassert.p99Ms=500}.
 */
public class Soak extends MixSimulation {
  {
    double rate = positiveRate("load.rate", 20);
    Duration duration = positive("load.duration", "2h");
    Duration rampUp = Settings.duration("load.rampUp", "1m");
    setUp(mix.populations(share -> steady(rate * share, rampUp, duration)))
        .protocols(kms.protocol())
        .assertions(Thresholds.standard(0.1, 500));
  }
}
