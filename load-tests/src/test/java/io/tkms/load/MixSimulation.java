package io.tkms.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link SteadyMix}, {@link Spike} and {@link Soak} share: the settings, the fixtures made in
 * {@link #before()}, the 70/20/10 {@link Mix} and its signed requests.
 */
abstract class MixSimulation extends Simulation {
  protected final Settings settings = Settings.get();
  protected final Fixtures fixtures = new Fixtures();
  protected final Kms kms = new Kms(settings, settings.credentials);
  protected final Mix mix = new Mix(kms, fixtures);

  @Override
  public void before() {
    System.out.printf("tkms load: %s against %s as %s%n", getClass().getSimpleName(), settings.url, settings.credentials.secretId());
    fixtures.create(new KmsHttp(settings, settings.credentials),
        Settings.integer("load.keys", 10), Settings.integer("load.ciphertextsPerKey", 4), Settings.integer("load.plaintextBytes", 256));
  }

  /** An arrival rate (requests per second) that must be positive. */
  static double positiveRate(String name, double def) {
    double r = Settings.decimal(name, def);
    if (!(r > 0)) {
      throw new IllegalArgumentException("-D" + name + " must be > 0");
    }
    return r;
  }

  static Duration positive(String name, String def) {
    Duration d = Settings.duration(name, def);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("-D" + name + " must be > 0");
    }
    return d;
  }

  /** A linear ramp from {@code from} to {@code to} requests per second, skipped when {@code d} is zero. */
  static void ramp(List<OpenInjectionStep> steps, double from, double to, Duration d) {
    if (!d.isZero()) {
      steps.add(rampUsersPerSec(from).to(to).during(d));
    }
  }

  /** A ramp from ~0 over {@code rampUp} (if any), then {@code rate} for {@code duration}. */
  static List<OpenInjectionStep> steady(double rate, Duration rampUp, Duration duration) {
    List<OpenInjectionStep> steps = new ArrayList<>();
    ramp(steps, Math.min(1, rate), rate, rampUp);
    steps.add(constantUsersPerSec(rate).during(duration));
    return steps;
  }
}
