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
  private final Supplier<JsonObject> hsa;
  private final InFlightRequests inFlight = new InFlightRequests();
  private volatile boolean draining;

  /**
   * {@code hsa} describes the HSA for the body (it does not decide readiness: cached keys keep
   * serving while it does not answer).
   */
  public Readiness(Supplier<Future<Void>> databaseCheck, Supplier<JsonObject> hsa) {
    this.databaseCheck = databaseCheck;
    this.hsa = hsa;
  }

  /** Which HSA is in use, whether it answers, its root-key versions and what each protects. */
  public JsonObject hsa() {
    return hsa.get();
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
