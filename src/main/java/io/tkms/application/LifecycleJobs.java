package io.tkms.application;

import io.tkms.application.port.ChangeBus;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyRepository;
import io.tkms.domain.KeyId;
import io.vertx.core.Future;
import java.util.List;

/**
 * The periodic jobs: purge keys whose deletion date has passed, rotate keys whose rotation is due,
 * remove imported material whose ValidTo has passed (the key goes back to PendingImport). Whether
 * something is due is decided by the database's clock; rows are claimed with {@code FOR UPDATE SKIP
 * LOCKED}, so every replica may run the jobs and each due key is handled once.
 */
public final class LifecycleJobs {
  private static final int BATCH = 100;
  private final KeyRepository repository;
  private final KeyMaterialCache cache;
  private final CryptoExecutor executor;
  private final Hsa hsa;
  private final ChangeBus bus;

  public LifecycleJobs(
      KeyRepository repository,
      KeyMaterialCache cache,
      CryptoExecutor executor,
      Hsa hsa,
      ChangeBus bus) {
    this.repository = repository;
    this.cache = cache;
    this.executor = executor;
    this.hsa = hsa;
    this.bus = bus;
  }

  private void changed(KeyId keyId) {
    cache.invalidate(keyId);
    bus.publish(new ChangeBus.Change(ChangeBus.Kind.KEY, keyId.toString()));
  }

  /** What one run did; {@code expired}: EXTERNAL keys whose material reached its ValidTo. */
  public record Report(List<KeyId> purged, List<KeyId> rotated, List<KeyId> expired) {}

  /** Runs both jobs once. Call on an event loop (or from a test thread). */
  public Future<Report> runOnce() {
    return repository
        .purgeDue(BATCH)
        .compose(
            purged -> {
              purged.forEach(this::changed);
              return repository
                  .rotateDue(
                      BATCH,
                      (appId, region, keyId, version, algorithm) ->
                          executor.execute(
                              () ->
                                  hsa.generateWrapped(
                                      KeyMaterialCache.wrapContext(appId, region, keyId, version),
                                      algorithm.materialLength())))
                  .compose(
                      rotated -> {
                        rotated.forEach(this::changed);
                        return repository
                            .expireMaterialDue(BATCH)
                            .map(
                                expired -> {
                                  expired.forEach(this::changed);
                                  return new Report(purged, rotated, expired);
                                });
                      });
            });
  }
}
