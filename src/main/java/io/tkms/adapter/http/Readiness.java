package io.tkms.adapter.http;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Readiness of this process: unsealed and migrated (true once the API is deployed, since boot does
 * both first), not draining, and the database answering. Also holds the in-flight count a drain
 * waits on.
 */
public final class Readiness {
  private final Supplier<Future<Void>> databaseCheck;
  private final InFlightRequests inFlight = new InFlightRequests();
  private volatile boolean draining;

  public Readiness(Supplier<Future<Void>> databaseCheck) {
    this.databaseCheck = databaseCheck;
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
