package io.tkms.adapter.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Readiness of this process: unsealed and migrated (true once the API is deployed, since boot does
 * both first), not draining, and the database answering. The HSA's state is reported, not judged.
 * Also holds the in-flight count a drain waits on.
 */
public final class Readiness {
  /** A database check unanswered for this long counts as the database being down. */
  public static final Duration DATABASE_STALL = Duration.ofSeconds(5);

  private static final long DATABASE_STALL_NANOS = DATABASE_STALL.toNanos();

  private final Supplier<Future<Void>> databaseCheck;
  private final Supplier<JsonObject> details;
  private final InFlightRequests inFlight = new InFlightRequests();
  private volatile boolean draining;

  /** Whether the last database check answered (true until the first one completes). */
  private volatile boolean databaseAnswered = true;

  /** {@link System#nanoTime()} when the oldest unanswered check began; 0 when none is pending. */
  private final AtomicLong pendingSince = new AtomicLong();

  /**
   * {@code details} gives the members the body adds: the HSA's and Redis's state. They do not
   * decide readiness: cached keys and the Redis fallbacks keep serving while those are away.
   */
  public Readiness(Supplier<Future<Void>> databaseCheck, Supplier<JsonObject> details) {
    this.databaseCheck = databaseCheck;
    this.details = details;
  }

  /**
   * The body's extra members: {@code hsa} (which HSA, whether it answers, the root-key versions and
   * what each protects) and, with Redis, {@code redis} (connected, breaker, live replicas).
   */
  public JsonObject details() {
    return details.get();
  }

  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** The API requests in flight, counted by the API verticles. */
  public InFlightRequests inFlight() {
    return inFlight;
  }

  /** Runs the database check ({@code SELECT 1}); its outcome also sets {@link #databaseUp()}. */
  public Future<Void> checkDatabase() {
    long started = System.nanoTime();
    pendingSince.compareAndSet(0, started == 0 ? 1 : started);
    return databaseCheck
        .get()
        .andThen(
            ar -> {
              databaseAnswered = ar.succeeded();
              pendingSince.set(0);
            });
  }

  /**
   * Whether the database answered the last check and no check has waited longer than {@link
   * #DATABASE_STALL}: a database that hangs counts as down before the pool's own timeouts fire.
   */
  public boolean databaseUp() {
    long pending = pendingSince.get();
    return databaseAnswered && (pending == 0 || System.nanoTime() - pending < DATABASE_STALL_NANOS);
  }
}
