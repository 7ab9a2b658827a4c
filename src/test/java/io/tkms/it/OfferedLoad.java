package io.tkms.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Offers requests at a fixed total rate for a fixed time, round-robin over targets, each request on
 * its own thread so a slow answer never delays the next offer; records every answer's code and
 * latency. Bounded in count and time; loopback only.
 */
public final class OfferedLoad {
  /** One answer: the target's index, the code it answered ("0" for success) and the latency. */
  public record Answer(int target, String code, long nanos) {}

  /** All answers and the time from the first offer to the last. */
  public record Result(List<Answer> answers, double seconds) {
    public long admitted() {
      return answers.stream().filter(a -> a.code().equals("0")).count();
    }

    public long admitted(int target) {
      return answers.stream().filter(a -> a.target() == target && a.code().equals("0")).count();
    }

    /** Codes other than success, counted. */
    public Map<String, Long> refusals() {
      return answers.stream()
          .filter(a -> !a.code().equals("0"))
          .collect(Collectors.groupingBy(Answer::code, Collectors.counting()));
    }

    public long maxMillis() {
      return answers.stream().mapToLong(Answer::nanos).max().orElse(0) / 1_000_000;
    }

    @Override
    public String toString() {
      return String.format(
          "%d offered over %.2f s: %d admitted, refusals %s, slowest %d ms",
          answers.size(), seconds, admitted(), refusals(), maxMillis());
    }
  }

  private OfferedLoad() {}

  /**
   * Offers {@code perSecond} requests per second for {@code duration}, spread over {@code targets}.
   */
  public static Result run(List<Callable<String>> targets, int perSecond, Duration duration)
      throws Exception {
    int total = (int) (perSecond * duration.toMillis() / 1000);
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    ExecutorService pool = Executors.newFixedThreadPool(48);
    try {
      List<Future<Answer>> pending = new ArrayList<>(total);
      long start = System.nanoTime();
      long last = start;
      for (int i = 0; i < total; i++) {
        long due = start + i * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        last = System.nanoTime();
        int target = i % targets.size();
        Callable<String> call = targets.get(target);
        pending.add(
            pool.submit(
                () -> {
                  long t0 = System.nanoTime();
                  String code;
                  try {
                    code = call.call();
                  } catch (Exception | AssertionError e) {
                    code = "failed: " + e;
                  }
                  return new Answer(target, code, System.nanoTime() - t0);
                }));
      }
      List<Answer> answers = new ArrayList<>(total);
      for (Future<Answer> f : pending) {
        answers.add(f.get(60, TimeUnit.SECONDS));
      }
      return new Result(answers, (last - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
