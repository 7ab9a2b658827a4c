package io.tkms.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closed-loop load for the fault tests: each named kind of request runs on its own threads until
 * {@link #stop()}, and every single answer is classified and counted, with the time it took:
 *
 * <ul>
 *   <li>{@code OK}: success with the right result;
 *   <li>{@code REFUSED}: an error code in the protocol's envelope (counted per code);
 *   <li>{@code TIMED_OUT}: no answer within the request deadline plus a margin (or none at all);
 *   <li>{@code WRONG}: a success with a wrong result, or an acknowledged write that is gone.
 * </ul>
 *
 * Each test prints the counts it saw; WRONG must be zero.
 */
final class FaultLoad implements AutoCloseable {
  enum Outcome {
    OK,
    REFUSED,
    TIMED_OUT,
    WRONG
  }

  /** One request: returns null on a right success, an error code, or throws {@link Wrong}. */
  @FunctionalInterface
  interface Request {
    String send() throws Exception;
  }

  /** Thrown by a request whose success carried a wrong result. */
  static final class Wrong extends Exception {
    private static final long serialVersionUID = 1L;

    Wrong(String what) {
      super(what);
    }
  }

  /** One answer: its kind, outcome, code (null for success), start and latency. */
  record Answer(String kind, Outcome outcome, String code, long startNanos, long nanos) {}

  private final long answerWithinNanos;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final List<Answer> answers = new CopyOnWriteArrayList<>();
  private final Map<String, String> wrongs = new ConcurrentHashMap<>();

  /** Answers slower than {@code answerWithin} count as timed out. */
  FaultLoad(Duration answerWithin) {
    this.answerWithinNanos = answerWithin.toNanos();
  }

  /** Runs {@code request} in a loop on {@code threads} threads, each pausing {@code pause}. */
  FaultLoad run(String kind, int threadCount, Duration pause, Request request) {
    for (int i = 0; i < threadCount; i++) {
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  answers.add(one(kind, request));
                  if (!pause.isZero()) {
                    sleep(pause.toMillis());
                  }
                }
              },
              "fault-load-" + kind + "-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    return this;
  }

  private Answer one(String kind, Request request) {
    long t0 = System.nanoTime();
    String code;
    Outcome outcome;
    try {
      code = request.send();
      outcome = code == null ? Outcome.OK : Outcome.REFUSED;
    } catch (Wrong w) {
      code = "wrong";
      outcome = Outcome.WRONG;
      wrongs.putIfAbsent(kind, w.getMessage());
    } catch (Exception | AssertionError e) {
      code = "no answer: " + e.getClass().getSimpleName();
      outcome = Outcome.TIMED_OUT;
    }
    long nanos = System.nanoTime() - t0;
    if (nanos > answerWithinNanos && outcome != Outcome.WRONG) {
      outcome = Outcome.TIMED_OUT;
    }
    return new Answer(kind, outcome, code, t0, nanos);
  }

  /** Marks now as the start of the phases {@link #since} counts from. */
  long mark() {
    return System.nanoTime();
  }

  /** Answers to requests started at or after {@code mark}. */
  List<Answer> since(long mark) {
    return answers.stream().filter(a -> a.startNanos() >= mark).toList();
  }

  /** Answers to requests started between two marks. */
  List<Answer> between(long from, long to) {
    return answers.stream().filter(a -> a.startNanos() >= from && a.startNanos() < to).toList();
  }

  List<Answer> all() {
    return List.copyOf(answers);
  }

  /** Stops every loop and waits for the requests in flight. */
  void stop() {
    running.set(false);
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Counts per kind and outcome, refusals per code, slowest answer, and the first wrong answer. */
  static String report(String phase, List<Answer> list, Map<String, String> wrongs) {
    Map<String, Map<Outcome, Long>> counts = new TreeMap<>();
    Map<String, Long> codes = new TreeMap<>();
    long slowest = 0;
    for (Answer a : list) {
      counts
          .computeIfAbsent(a.kind(), k -> new EnumMap<>(Outcome.class))
          .merge(a.outcome(), 1L, Long::sum);
      if (a.outcome() == Outcome.REFUSED || a.outcome() == Outcome.TIMED_OUT) {
        codes.merge(a.code(), 1L, Long::sum);
      }
      slowest = Math.max(slowest, a.nanos());
    }
    StringBuilder b = new StringBuilder(phase).append(": ");
    counts.forEach(
        (kind, byOutcome) -> {
          b.append(kind).append(" [");
          for (Outcome o : Outcome.values()) {
            b.append(o.name().toLowerCase(java.util.Locale.ROOT))
                .append(' ')
                .append(byOutcome.getOrDefault(o, 0L))
                .append(o == Outcome.WRONG ? "" : ", ");
          }
          b.append("] ");
        });
    b.append("refusals ").append(codes).append(", slowest ").append(slowest / 1_000_000);
    b.append(" ms");
    if (!wrongs.isEmpty()) {
      b.append(", first wrong ").append(wrongs);
    }
    return b.toString();
  }

  /** Prints and returns {@link #report} of these answers. */
  String print(String phase, List<Answer> list) {
    String r = report(phase, list, wrongs);
    System.out.println(r);
    return r;
  }

  static long count(List<Answer> list, String kind, Outcome outcome) {
    return list.stream().filter(a -> a.kind().equals(kind) && a.outcome() == outcome).count();
  }

  static long count(List<Answer> list, Outcome outcome) {
    return list.stream().filter(a -> a.outcome() == outcome).count();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
