package io.tkms.adapter.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * Readiness of this process: unsealed and migrated (true once the API is deployed, since boot does
 * both first), not draining, and the database answering. The HSA's state is reported, not judged.
 * Also holds the in-flight count a drain waits on.
 */
public final class Readiness {
  private final Supplier<Future<Void>> databaseCheck;
  private final Supplier<JsonObject> details;
  private final InFlightRequests inFlight = new InFlightRequests();
  private volatile boolean draining;

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

  public Future<Void> checkDatabase() {
    return databaseCheck.get();
  }
}
