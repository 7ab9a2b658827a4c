package io.tkms.boot;

import io.tkms.adapter.hsa.software.SoftwareHsa;
import io.tkms.adapter.pg.Migrator;
import io.tkms.adapter.pg.PgRewrap;
import io.tkms.adapter.pg.PgRootKeyStore;
import io.tkms.adapter.worker.WorkerCryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.RootKeyStore.SealedRootKey;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.RandomSource;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unseal step of start-up: migrates the schema and, under the migrator's advisory lock, opens
 * the sealed root key stored in Postgres, or creates root key version 1 on an empty database, and
 * then runs the one Java migration ({@link PgRewrap}). The unseal key is zeroed afterwards. Blocks:
 * call from the starting thread, never an event loop.
 */
final class RootKey {
  private static final Logger LOG = LoggerFactory.getLogger(RootKey.class);

  private final Pool pool;
  private final PgRootKeyStore store;
  private final WorkerCryptoExecutor executor;
  private final RandomSource random;
  private final byte[] unsealKey;
  private final AtomicReference<Hsa> hsa = new AtomicReference<>();

  /** Why the stored key did not open: the worker pool maps unknown exceptions to INTERNAL_ERROR. */
  private final AtomicReference<String> refusal = new AtomicReference<>();

  private RootKey(Pool pool, WorkerCryptoExecutor executor, RandomSource random, byte[] unsealKey) {
    this.pool = pool;
    this.store = new PgRootKeyStore(pool);
    this.executor = executor;
    this.random = random;
    this.unsealKey = unsealKey;
  }

  /**
   * The unsealed HSA.
   *
   * @throws BootException on a wrong unseal key or a database that cannot be prepared
   */
  static Hsa unseal(
      KmsConfig config, Pool pool, WorkerCryptoExecutor executor, RandomSource random) {
    byte[] unsealKey = UnsealKeys.resolve(config, random);
    try {
      return new RootKey(pool, executor, random, unsealKey).migrateAndOpen();
    } finally {
      Arrays.fill(unsealKey, (byte) 0);
    }
  }

  private Hsa migrateAndOpen() {
    try {
      new Migrator(pool).migrateThen(this::openOrCreate).await();
      if (refusal.get() != null) {
        throw new BootException(refusal.get());
      }
    } catch (BootException e) {
      throw e;
    } catch (SoftwareHsa.UnsealException e) {
      throw new BootException(e.getMessage());
    } catch (KmsException e) {
      throw new BootException("cannot unseal the root key");
    } catch (RuntimeException e) {
      if (e.getCause() instanceof SoftwareHsa.UnsealException u) {
        throw new BootException(u.getMessage());
      }
      throw new BootException(
          "cannot prepare the database: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"));
    }
    return hsa.get();
  }

  /**
   * Runs under the migration lock: opens or creates the root key, then re-wraps rows that earlier
   * versions wrapped under unbound contexts (once per database; {@link PgRewrap}).
   */
  private Future<Void> openOrCreate() {
    return store
        .loadCurrent()
        .compose(existing -> existing.isPresent() ? open(existing.get()) : create())
        .compose(v -> hsa.get() == null ? Future.succeededFuture() : rewrap());
  }

  private Future<Void> rewrap() {
    return PgRewrap.runOnce(pool, hsa.get(), executor)
        .map(
            done -> {
              done.ifPresent(
                  r -> {
                    LOG.info(
                        "re-wrapped {} CMK versions and {} credentials under contexts that name"
                            + " their account and principal",
                        r.keyVersions(),
                        r.credentials());
                    if (r.unopened() > 0) {
                      LOG.warn(
                          "{} wrapped rows did not open under their old context and were left"
                              + " as they were",
                          r.unopened());
                    }
                  });
              return null;
            });
  }

  private Future<Void> open(SealedRootKey stored) {
    // Carry the refusal out as a value, not an exception the worker pool would hide.
    return executor.execute(
        () -> {
          try {
            hsa.set(SoftwareHsa.open(unsealKey, stored, random));
          } catch (SoftwareHsa.UnsealException e) {
            refusal.set(e.getMessage());
          }
          return (Void) null;
        });
  }

  private Future<Void> create() {
    return executor
        .execute(() -> SoftwareHsa.create(unsealKey, random))
        .compose(
            created -> {
              hsa.set(created.hsa());
              LOG.info(
                  "created root key version {} (stored sealed in Postgres)",
                  created.sealed().version());
              return store.insert(created.sealed());
            });
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
