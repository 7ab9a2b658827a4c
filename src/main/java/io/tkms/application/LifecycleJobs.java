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

  /**
   * Runs the jobs once: purge, rotation, expiry of imported material, each even when an earlier one
   * failed (a purge that cannot run must not keep expired material stored). Fails with the first
   * failure, after all three ran. Call on an event loop (or from a test thread).
   */
  public Future<Report> runOnce() {
    Future<List<KeyId>> purged =
        repository.purgeDue(BATCH).onSuccess(keys -> keys.forEach(this::changed));
    Future<List<KeyId>> rotated =
        purged
            .otherwise(List.of())
            .compose(
                x ->
                    repository.rotateDue(
                        BATCH,
                        (appId, region, keyId, version, algorithm) ->
                            executor.execute(
                                () ->
                                    hsa.generateWrapped(
                                        KeyMaterialCache.wrapContext(appId, region, keyId, version),
                                        algorithm.materialLength()))))
            .onSuccess(keys -> keys.forEach(this::changed));
    Future<List<KeyId>> expired =
        rotated
            .otherwise(List.of())
            .compose(x -> repository.expireMaterialDue(BATCH))
            .onSuccess(keys -> keys.forEach(this::changed));
    return expired
        .otherwise(List.of())
        .compose(
            x -> purged.compose(p -> rotated.compose(r -> expired.map(e -> new Report(p, r, e)))));
  }
}
