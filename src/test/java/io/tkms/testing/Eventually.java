package io.tkms.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.function.Executable;

/**
 * Waiting for a condition instead of sleeping for a guess: the check runs at once and then every
 * {@value #POLL_MILLIS} ms until it passes or {@code timeout} has passed, then the last failure is
 * thrown. Timeouts are generous bounds on a busy machine, never what a test measures.
 *
 * <pre>{@code
 * eventually(Duration.ofSeconds(10), () -> assertThat(c.call("ListKey").getInteger("code")).isEqualTo(4100));
 * eventually(Duration.ofSeconds(10), "three live replicas", () -> stats().liveReplicas() == 3);
 * }</pre>
 */
public final class Eventually {
  static final long POLL_MILLIS = 50;

  private Eventually() {}

  /**
   * Runs {@code check} until it completes without an {@link AssertionError} or exception; after
   * {@code timeout} the last one is rethrown, wrapped in an AssertionError that says so. Any other
   * {@link Error} stops the waiting at once and propagates as is.
   */
  public static void eventually(Duration timeout, Executable check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Throwable last;
      try {
        check.execute();
        return;
      } catch (AssertionError | Exception e) {
        last = e;
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("not within " + timeout + ": " + last.getMessage(), last);
      }
      pause();
    }
  }

  /** Waits until {@code condition} is true; fails naming {@code what} after {@code timeout}. */
  public static void eventually(Duration timeout, String what, BooleanSupplier condition) {
    eventually(
        timeout,
        () -> {
          if (!condition.getAsBoolean()) {
            throw new AssertionError("still waiting for " + what);
          }
        });
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
