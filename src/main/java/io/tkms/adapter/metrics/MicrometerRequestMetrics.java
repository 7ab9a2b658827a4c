package io.tkms.adapter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.application.port.RequestMetrics;
import io.tkms.error.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * {@link RequestMetrics} on Micrometer. Label values come from closed vocabularies (the two
 * protocols, the action catalog's names, our error codes), so the number of series is bounded
 * whatever clients send: anything else is counted as {@code other}. Meters are resolved once per
 * (protocol, action, result) and kept in arrays, so a request costs two index look-ups and two
 * lock-free increments. Thread-safe.
 *
 * <p>Meters: {@code kms_requests_total{protocol,action,result}}, {@code
 * kms_request_duration_seconds{protocol,action,outcome}} (a histogram with Prometheus buckets;
 * outcome {@code success} or {@code error}, to keep the bucket count bounded) and {@code
 * kms_limiter_decisions_total{group,decision}}, and {@code
 * kms_limiter_throttled_by_account{account}}: refusals in the last minute of the {@value
 * #TOP_THROTTLED_ACCOUNTS} accounts refused most (see {@link ThrottledAccounts}).
 */
public final class MicrometerRequestMetrics implements RequestMetrics {
  /** The label value of names outside the vocabulary. */
  public static final String OTHER = "other";

  static final List<String> PROTOCOLS = List.of("v2", "v3");
  private static final String SUCCESS = "0";

  private final MeterRegistry registry;
  private final Map<String, Integer> protocolIndex = new HashMap<>();
  private final Map<String, Integer> actionIndex = new HashMap<>();
  private final Map<String, Integer> resultIndex = new HashMap<>();
  private final String[] protocols;
  private final String[] actions;
  private final String[] results;

  /** (protocol, action, result) → counter, filled on first use. */
  private final AtomicReferenceArray<Counter> counters;

  /** (protocol, action, success?) → timer, filled on first use. */
  private final AtomicReferenceArray<Timer> timers;

  private final Counter[] limiter = new Counter[Group.values().length * 2];

  /** How many accounts {@code kms_limiter_throttled_by_account} names at most. */
  public static final int TOP_THROTTLED_ACCOUNTS = 10;

  /** Accounts tracked by name per ten-second slot of the throttled-accounts window. */
  static final int TRACKED_ACCOUNTS_PER_SLOT = 10_000;

  private final ThrottledAccounts throttled;
  private final MultiGauge throttledGauge;

  /**
   * @param actionNames the vocabulary of the {@code action} label: every action of Tencent KMS API
   *     2.0 and 3.0, implemented here or not (a client calling one we do not serve is still worth
   *     seeing by name)
   */
  public MicrometerRequestMetrics(MeterRegistry registry, List<String> actionNames) {
    this(registry, actionNames, System::currentTimeMillis);
  }

  /** With the clock the throttled-accounts window reads (tests move it by hand). */
  public MicrometerRequestMetrics(
      MeterRegistry registry, List<String> actionNames, LongSupplier clockMillis) {
    this.registry = registry;
    this.throttled = new ThrottledAccounts(TRACKED_ACCOUNTS_PER_SLOT, clockMillis);
    this.throttledGauge =
        MultiGauge.builder("kms.limiter.throttled.by.account")
            .description(
                "Requests the account limiter refused in the last minute, for the "
                    + TOP_THROTTLED_ACCOUNTS
                    + " accounts with the most")
            .register(registry);
    protocols = index(PROTOCOLS, protocolIndex);
    actions = index(actionNames, actionIndex);
    Set<String> codes = new LinkedHashSet<>();
    codes.add(SUCCESS);
    for (ErrorCode c : ErrorCode.values()) {
      codes.add(c.v3Code());
    }
    results = index(new ArrayList<>(codes), resultIndex);
    counters = new AtomicReferenceArray<>(protocols.length * actions.length * results.length);
    timers = new AtomicReferenceArray<>(protocols.length * actions.length * 2);
    for (Group g : Group.values()) {
      for (boolean admitted : new boolean[] {true, false}) {
        limiter[slot(g, admitted)] =
            Counter.builder("kms.limiter.decisions")
                .description("Account limiter decisions")
                .tag("group", g.name().toLowerCase(java.util.Locale.ROOT))
                .tag("decision", admitted ? "admitted" : "rejected")
                .register(registry);
      }
    }
  }

  /** The names in order plus {@code other} last; fills {@code index}. */
  private static String[] index(List<String> names, Map<String, Integer> index) {
    String[] all = new String[names.size() + 1];
    for (int i = 0; i < names.size(); i++) {
      all[i] = names.get(i);
      index.putIfAbsent(names.get(i), i);
    }
    all[names.size()] = OTHER;
    return all;
  }

  private static int lookup(Map<String, Integer> index, String name, int other) {
    Integer i = name == null ? null : index.get(name);
    return i == null ? other : i;
  }

  @SuppressWarnings("EnumOrdinal") // a dense index into this class's own array, never stored
  private static int slot(Group g, boolean admitted) {
    return g.ordinal() * 2 + (admitted ? 0 : 1);
  }

  @Override
  public void request(String protocol, String action, String result, long latencyNanos) {
    int p = lookup(protocolIndex, protocol, protocols.length - 1);
    int a = lookup(actionIndex, action, actions.length - 1);
    int r = lookup(resultIndex, result, results.length - 1);
    int ci = (p * actions.length + a) * results.length + r;
    Counter c = counters.get(ci);
    if (c == null) {
      c =
          Counter.builder("kms.requests")
              .description("API requests answered, by protocol, action and result code")
              .tag("protocol", protocols[p])
              .tag("action", actions[a])
              .tag("result", results[r])
              .register(registry);
      counters.set(ci, c);
    }
    c.increment();
    boolean ok = r == 0;
    int ti = (p * actions.length + a) * 2 + (ok ? 0 : 1);
    Timer t = timers.get(ti);
    if (t == null) {
      t =
          Timer.builder("kms.request.duration")
              .description("Time from the request to its answer")
              .tag("protocol", protocols[p])
              .tag("action", actions[a])
              .tag("outcome", ok ? "success" : "error")
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(100_000))
              .maximumExpectedValue(Duration.ofSeconds(10))
              .register(registry);
      timers.set(ti, t);
    }
    t.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void limiter(String appId, Group group, boolean admitted) {
    limiter[slot(group, admitted)].increment();
    if (!admitted) {
      throttled.refused(appId);
    }
  }

  /**
   * Sets {@code kms_limiter_throttled_by_account} to the last minute's top accounts; called before
   * each scrape (accounts that left the top lose their series).
   */
  public void refreshThrottledAccounts() {
    throttledGauge.register(
        throttled.top(TOP_THROTTLED_ACCOUNTS).stream()
            .map(
                c ->
                    MultiGauge.Row.of(
                        Tags.of("account", c.account()), (Number) Long.valueOf(c.refusals())))
            .toList(),
        true);
  }
}
