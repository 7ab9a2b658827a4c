package io.tkms.adapter.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The circuit breaker in front of Redis. After {@code threshold} consecutive failures it opens:
 * calls are refused at once (the caller uses its fallback) for {@code openNanos}; then exactly one
 * trial call is let through (half-open), whose outcome closes the breaker or opens it again. Any
 * success (including the replica heartbeat, which bypasses the breaker) closes it. Lock-free and
 * safe from any thread; never blocks.
 */
final class CircuitBreaker {
  /** The breaker's state. */
  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  /** Told about transitions (for logging); called on the thread that caused them. */
  interface Listener {
    /** The breaker opened, from closed or after a failed trial. */
    void opened();

    void closed();
  }

  private final int threshold;
  private final long openNanos;
  private final LongSupplier nanoTime;
  private final Listener listener;
  private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicLong openedAt = new AtomicLong();
  private final AtomicLong openings = new AtomicLong();

  CircuitBreaker(int threshold, long openNanos, LongSupplier nanoTime, Listener listener) {
    this.threshold = threshold;
    this.openNanos = openNanos;
    this.nanoTime = nanoTime;
    this.listener = listener;
  }

  /** True when the call may go to Redis; false when the caller must use its fallback now. */
  boolean allow() {
    State s = state.get();
    if (s == State.CLOSED) {
      return true;
    }
    if (s == State.OPEN && nanoTime.getAsLong() - openedAt.get() >= openNanos) {
      return state.compareAndSet(State.OPEN, State.HALF_OPEN);
    }
    return false;
  }

  void onSuccess() {
    failures.set(0);
    if (state.getAndSet(State.CLOSED) != State.CLOSED) {
      listener.closed();
    }
  }

  void onFailure() {
    State s = state.get();
    if (s == State.HALF_OPEN) {
      trip(State.HALF_OPEN);
    } else if (s == State.CLOSED && failures.incrementAndGet() >= threshold) {
      trip(State.CLOSED);
    }
  }

  private void trip(State from) {
    openedAt.set(nanoTime.getAsLong());
    if (state.compareAndSet(from, State.OPEN)) {
      openings.incrementAndGet();
      listener.opened();
    }
  }

  State state() {
    return state.get();
  }

  /** How often the breaker went from closed to open or from half-open back to open. */
  long openings() {
    return openings.get();
  }
}
