package io.tkms.application;

import io.tkms.application.port.ChangeBus;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.RootKeyCatchUp;
import io.tkms.application.port.RootKeyStore;
import io.tkms.application.port.RootKeyStore.StoredVersion;
import io.tkms.application.port.RootKeyring;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Root-key rotation, online. A rotation records a new version (serialised across replicas by the
 * store), makes it the one new wraps use here at once and tells the other replicas, which open it
 * ({@link #catchUp}); the re-wrap job then moves every wrapped item to the newest version in
 * batches ({@link #rewrap}); an old version is destroyed only when an operator asks and nothing is
 * wrapped under it any more (the database refuses otherwise).
 */
public final class RootKeyService implements RootKeyCatchUp {
  private static final int REWRAP_BATCH = 200;

  private final RootKeyStore store;
  private final RootKeyring hsa;
  private final CryptoExecutor executor;
  private final ChangeBus bus;
  private final AtomicReference<Future<Void>> catchingUp = new AtomicReference<>();
  private final AtomicBoolean rewrapping = new AtomicBoolean();
  private volatile List<RootKeyStore.Usage> lastUsage = List.of();
  private volatile Consumer<List<RootKeyStore.Usage>> usageListener = u -> {};

  public RootKeyService(
      RootKeyStore store, RootKeyring hsa, CryptoExecutor executor, ChangeBus bus) {
    this.store = store;
    this.hsa = hsa;
    this.executor = executor;
    this.bus = bus;
  }

  /**
   * Follows other replicas' rotations and destructions; call once at wiring time. A failure to
   * follow goes to {@code problems} (the periodic job catches up later).
   */
  public void subscribe(Consumer<Throwable> problems) {
    bus.subscribe(
        change -> {
          if (change.kind() == ChangeBus.Kind.ROOT_KEY || change.kind() == ChangeBus.Kind.ALL) {
            catchUp().compose(v -> rewrap()).onFailure(problems::accept);
          }
        });
  }

  /** What {@code GET /admin/v1/root-key} shows. */
  public record Status(
      String custody, boolean up, int current, List<RootKeyStore.Usage> versions) {}

  public Future<Status> status() {
    return refreshUsage().map(u -> new Status(hsa.custody(), hsa.up(), hsa.rootVersion(), u));
  }

  /** Counts what each version protects, and keeps the result for {@link #lastUsage}. */
  public Future<List<RootKeyStore.Usage>> refreshUsage() {
    return store
        .usage()
        .map(
            u -> {
              lastUsage = List.copyOf(u);
              usageListener.accept(lastUsage);
              return lastUsage;
            });
  }

  /** Receives every fresh count (the metrics); the last one at once. */
  public void onUsage(Consumer<List<RootKeyStore.Usage>> listener) {
    usageListener = listener;
    listener.accept(lastUsage);
  }

  /**
   * The counts of the last {@link #refreshUsage} (the periodic jobs run it): for {@code /readyz}
   * and the metrics, which must not count rows on every scrape.
   */
  public List<RootKeyStore.Usage> lastUsage() {
    return lastUsage;
  }

  /** The HSA in use, whether it answers, and the version new wraps use (no database round trip). */
  public RootKeyring keyring() {
    return hsa;
  }

  /**
   * Creates the next version and makes new wraps use it on every replica; starts the re-wrap.
   *
   * @return the new version
   */
  public Future<Integer> rotate() {
    AtomicReference<Integer> created = new AtomicReference<>();
    return store
        .rotate(
            hsa.custody(),
            hsa.keyringSeal(),
            next ->
                executor.execute(
                    () -> {
                      byte[] stored = hsa.create(next);
                      created.set(next);
                      return stored;
                    }))
        .compose(
            version -> {
              synchronized (this) {
                hsa.use(version);
              }
              bus.publish(new ChangeBus.Change(ChangeBus.Kind.ROOT_KEY, Integer.toString(version)));
              rewrap();
              return Future.succeededFuture(version);
            },
            failure -> {
              // Created in custody but never recorded: undo it, so no orphan blocks the next try.
              Integer orphan = created.get();
              if (orphan == null) {
                return Future.failedFuture(failure);
              }
              return executor
                  .execute(
                      () -> {
                        synchronized (this) {
                          if (orphan > hsa.rootVersion()) {
                            hsa.destroy(orphan);
                          }
                        }
                        return (Void) null;
                      })
                  .compose(
                      x -> Future.<Integer>failedFuture(failure),
                      e -> Future.<Integer>failedFuture(failure));
            });
  }

  /**
   * Destroys version {@code version}: its record, then its key in custody.
   *
   * @return whether the key was destroyed in custody too (false: a token object left behind, which
   *     the next start reports as unrecorded)
   * @throws io.tkms.error.KmsException (failed future) NOT_FOUND, or CONFLICT while it is the
   *     newest version or anything is wrapped under it
   */
  public Future<Boolean> destroy(int version) {
    if (version < 1) {
      return Future.failedFuture(
          ErrorCode.INVALID_PARAMETER_VALUE.exception("a root-key version is a positive number"));
    }
    return store
        .delete(version)
        .compose(
            v ->
                executor.execute(
                    () -> {
                      try {
                        synchronized (this) {
                          return hsa.destroy(version);
                        }
                      } catch (RuntimeException e) {
                        return false;
                      }
                    }))
        .map(
            destroyed -> {
              bus.publish(new ChangeBus.Change(ChangeBus.Kind.ROOT_KEY, "-" + version));
              refreshUsage();
              return destroyed;
            });
  }

  @Override
  public boolean opens(int version) {
    return hsa.opens(version);
  }

  /**
   * Opens the recorded versions this process lacks, uses the newest, forgets destroyed ones. One at
   * a time: a call during another shares it.
   */
  @Override
  public Future<Void> catchUp() {
    Future<Void> running = catchingUp.get();
    if (running != null && !running.isComplete()) {
      return running;
    }
    Future<Void> f = store.versions().compose(stored -> executor.execute(() -> apply(stored)));
    catchingUp.set(f);
    return f;
  }

  /** Serialised: two catch-ups must not open (and so replace) the same version at once. */
  private synchronized Void apply(List<StoredVersion> stored) {
    Set<Integer> recorded = new HashSet<>();
    int newest = 0;
    for (StoredVersion v : stored) {
      if (!v.custody().equals(hsa.custody())) {
        continue;
      }
      recorded.add(v.version());
      newest = Math.max(newest, v.version());
      if (!hsa.opens(v.version())) {
        hsa.open(v.version(), v.stored());
      }
    }
    if (newest > hsa.rootVersion()) {
      hsa.use(newest);
    }
    // Forget only what was destroyed: a version above the newest recorded one is a rotation of this
    // process whose record is being written right now.
    for (int v : hsa.versions()) {
      if (!recorded.contains(v) && v < newest && v != hsa.rootVersion()) {
        hsa.forget(v);
      }
    }
    return null;
  }

  /**
   * Moves wrapped items to the newest version in batches until none is left (or a batch moves
   * nothing: items that do not open stay where they are). One run at a time per process; replicas
   * share the work.
   *
   * @return how many items this run moved
   */
  public Future<Integer> rewrap() {
    if (!rewrapping.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    return rewrapFrom(0)
        .compose(n -> n > 0 ? refreshUsage().map(u -> n) : Future.succeededFuture(n))
        .eventually(
            () -> {
              rewrapping.set(false);
              return Future.succeededFuture();
            });
  }

  private Future<Integer> rewrapFrom(int done) {
    return store
        .rewrapBatch(hsa, executor, REWRAP_BATCH)
        .compose(n -> n < REWRAP_BATCH ? Future.succeededFuture(done + n) : rewrapFrom(done + n));
  }
}
