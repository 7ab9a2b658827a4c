package io.tkms.boot;

import io.tkms.adapter.hsa.software.SoftwareHsa;
import io.tkms.adapter.pg.Migrator;
import io.tkms.adapter.pg.PgRewrap;
import io.tkms.adapter.pg.PgRootKeyStore;
import io.tkms.adapter.worker.WorkerCryptoExecutor;
import io.tkms.application.port.RootKeyStore.StoredVersion;
import io.tkms.application.port.RootKeyring;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.RandomSource;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unseal step of start-up: migrates the schema and, under the migrator's advisory lock, opens
 * every recorded root-key version in the configured custody (the software seal's keyring under the
 * unseal key, or the token's objects), or creates version 1 on an empty database; then runs the
 * Java migrations ({@link PgRewrap}). The unseal key is zeroed afterwards. Blocks: call from the
 * starting thread, never an event loop.
 */
final class RootKey {
  private static final Logger LOG = LoggerFactory.getLogger(RootKey.class);

  private final Pool pool;
  private final PgRootKeyStore store;
  private final WorkerCryptoExecutor executor;
  private final Custody custody;
  private final AtomicReference<RootKeyring> hsa = new AtomicReference<>();

  /** Why the stored key did not open: the worker pool maps unknown exceptions to INTERNAL_ERROR. */
  private final AtomicReference<String> refusal = new AtomicReference<>();

  /** How the configured custody opens or creates its keyring (blocking; in the crypto executor). */
  interface Custody {
    /** {@code software} or {@code pkcs11}. */
    String name();

    /** Opens the recorded versions, or creates version 1 when there are none. */
    Opened open(PgRootKeyStore store, List<StoredVersion> recorded, byte[] sealedKeyring);
  }

  /** The opened keyring and what to write for it in one transaction (empty when nothing). */
  record Opened(RootKeyring hsa, byte[] sealedKeyring, List<StoredVersion> toWrite) {}

  private RootKey(Pool pool, WorkerCryptoExecutor executor, Custody custody) {
    this.pool = pool;
    this.store = new PgRootKeyStore(pool);
    this.executor = executor;
    this.custody = custody;
  }

  /**
   * The opened keyring, in the configured custody.
   *
   * @throws BootException on a wrong unseal key, a token that does not hold the recorded versions,
   *     a database kept in the other custody, or a database that cannot be prepared
   */
  static RootKeyring unseal(
      KmsConfig config, Pool pool, WorkerCryptoExecutor executor, RandomSource random) {
    if (config.seal().hsa() == KmsConfig.HsaType.PKCS11) {
      return new RootKey(pool, executor, Pkcs11Custody.of(config.seal(), random)).migrateAndOpen();
    }
    byte[] unsealKey = UnsealKeys.resolve(config, random);
    try {
      return new RootKey(pool, executor, new SoftwareCustody(unsealKey, random)).migrateAndOpen();
    } finally {
      Arrays.fill(unsealKey, (byte) 0);
    }
  }

  private RootKeyring migrateAndOpen() {
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
      if (e.getCause() instanceof BootException b) {
        throw b;
      }
      throw new BootException(
          "cannot prepare the database: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"));
    }
    return hsa.get();
  }

  /**
   * Runs under the migration lock: opens or creates the keyring, then re-wraps rows that earlier
   * versions wrapped under unbound contexts (once per database; {@link PgRewrap}).
   */
  private Future<Void> openOrCreate() {
    return store
        .versions()
        .compose(
            recorded -> store.keyring().compose(keyring -> open(recorded, keyring.orElse(null))))
        .compose(v -> hsa.get() == null ? Future.succeededFuture() : rewrap());
  }

  private Future<Void> open(List<StoredVersion> recorded, byte[] sealedKeyring) {
    // Carry a refusal out as a value, not an exception the worker pool would hide.
    return executor
        .execute(
            () -> {
              try {
                return custody.open(store, recorded, sealedKeyring);
              } catch (SoftwareHsa.UnsealException | BootException e) {
                refusal.set(e.getMessage());
                return null;
              }
            })
        .compose(
            opened -> {
              if (opened == null) {
                return Future.succeededFuture();
              }
              hsa.set(opened.hsa());
              if (opened.toWrite().isEmpty()) {
                return Future.succeededFuture();
              }
              return opened.sealedKeyring() == null
                  ? writeAll(opened.toWrite())
                  : store.writeKeyring(opened.sealedKeyring(), opened.toWrite());
            });
  }

  private Future<Void> writeAll(List<StoredVersion> versions) {
    Future<Void> f = Future.succeededFuture();
    for (StoredVersion v : versions) {
      f = f.compose(x -> store.insert(v));
    }
    return f;
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

  /** Refuses a database whose versions are kept in another custody than the configured one. */
  static void requireCustody(List<StoredVersion> recorded, String custody) {
    for (StoredVersion v : recorded) {
      if (!v.custody().equals(custody)) {
        throw new BootException(
            "root-key version "
                + v.version()
                + " of this database is kept by the "
                + v.custody()
                + " seal, but KMS_HSA is "
                + custody
                + ": set KMS_HSA="
                + v.custody()
                + ", or move the keys with java -jar kms.jar seal migrate --from "
                + v.custody()
                + " --to "
                + custody
                + " (docs/operations.md)");
      }
    }
  }

  /** The software seal: the keyring key sealed under the unseal key, each version under it. */
  static final class SoftwareCustody implements Custody {
    private final byte[] unsealKey;
    private final RandomSource random;

    SoftwareCustody(byte[] unsealKey, RandomSource random) {
      this.unsealKey = unsealKey;
      this.random = random;
    }

    @Override
    public String name() {
      return SoftwareHsa.CUSTODY;
    }

    @Override
    public Opened open(PgRootKeyStore store, List<StoredVersion> recorded, byte[] sealedKeyring) {
      requireCustody(recorded, SoftwareHsa.CUSTODY);
      if (sealedKeyring != null) {
        SoftwareHsa hsa = SoftwareHsa.openKeyring(unsealKey, sealedKeyring, random);
        int newest = 0;
        for (StoredVersion v : recorded) {
          hsa.open(v.version(), v.stored());
          newest = Math.max(newest, v.version());
        }
        if (newest == 0) {
          List<StoredVersion> first = List.of(version1(hsa));
          return new Opened(hsa, sealedKeyring, first);
        }
        hsa.use(newest);
        return new Opened(hsa, null, List.of());
      }
      SoftwareHsa.Created created = SoftwareHsa.createKeyring(unsealKey, random);
      SoftwareHsa hsa = created.hsa();
      if (recorded.isEmpty()) {
        LOG.info("created root key version 1 (stored in Postgres under a sealed keyring key)");
        return new Opened(hsa, created.sealedKeyringKey(), List.of(version1(hsa)));
      }
      // Versions stored before the keyring, sealed directly under the unseal key: move them.
      List<StoredVersion> moved = new ArrayList<>();
      int newest = 0;
      for (StoredVersion v : recorded) {
        moved.add(
            new StoredVersion(
                v.version(),
                SoftwareHsa.CUSTODY,
                hsa.adoptLegacy(unsealKey, v.version(), v.stored())));
        newest = Math.max(newest, v.version());
      }
      hsa.use(newest);
      LOG.info(
          "root-key versions {} now kept under a keyring key sealed by the unseal key",
          hsa.versions());
      return new Opened(hsa, created.sealedKeyringKey(), moved);
    }

    private static StoredVersion version1(SoftwareHsa hsa) {
      byte[] stored = hsa.create(1);
      hsa.use(1);
      return new StoredVersion(1, SoftwareHsa.CUSTODY, stored);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
