package io.tkms.application;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.EventLoops;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyRepository;
import io.tkms.application.port.RootKeyCatchUp;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.SecretBytes;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Unwrapped CMKs in memory (Caffeine: bounded size and TTL; material zeroed on eviction once no
 * request uses it), so a hot key costs no database round trip and no unwrap. Loads go to the
 * repository, then unwrap in the {@link CryptoExecutor}; concurrent loads of one key share one, and
 * the misses of one event-loop turn load together (one {@link KeyRepository#findAll} query and one
 * executor task for all of them: under a cold working set this is most of the cost of a miss).
 */
public final class KeyMaterialCache {
  private final AsyncCache<KeyId, LoadedKey> cache;
  private final KeyRepository repository;
  private final CryptoExecutor executor;
  private final Hsa hsa;
  private final EventLoops loops;
  private volatile RootKeyCatchUp rootKeys = RootKeyCatchUp.NONE;

  /** The misses of the current event-loop turn, per event-loop thread. */
  @SuppressWarnings(
      "ThreadLocalUsage") // per instance on purpose: each cache batches its own misses
  private final ThreadLocal<Map<KeyId, CompletableFuture<LoadedKey>>> pending = new ThreadLocal<>();

  /** At most this many keys per load (one query's array parameter). */
  static final int MAX_BATCH = 64;

  public KeyMaterialCache(
      KeyRepository repository,
      CryptoExecutor executor,
      Hsa hsa,
      EventLoops loops,
      int maxSize,
      Duration ttl) {
    this.repository = repository;
    this.executor = executor;
    this.hsa = hsa;
    this.loops = loops;
    this.cache =
        Caches.onCallingThread()
            .maximumSize(maxSize)
            .expireAfterWrite(ttl)
            .recordStats()
            .removalListener(
                (KeyId k, LoadedKey v, RemovalCause c) -> {
                  if (v != null) {
                    v.release();
                  }
                })
            .buildAsync();
  }

  /**
   * The wrap context (AAD) binding material to its account, region, key and version: material moved
   * in the database to another account, region, key or version no longer unwraps. All parts are
   * constrained (digits, a region name, a UUID, a number), so "/" cannot be forged into them.
   */
  public static String wrapContext(String appId, String region, KeyId keyId, int version) {
    return "tkms/cmk/v2/" + appId + "/" + region + "/" + keyId + "/" + version;
  }

  /** The context of material wrapped before contexts named the account: only for re-wrapping. */
  public static String legacyWrapContext(KeyId keyId, int version) {
    return "tkms/cmk/" + keyId + "/" + version;
  }

  /**
   * The key, retained for the caller, or {@link KeyLookup.Missing} when no key has that id. The
   * caller must {@link LoadedKey#release()} a found key. Call on an event loop.
   */
  public Future<KeyLookup> acquire(KeyId keyId) {
    return acquire(keyId, 0);
  }

  private static final Future<KeyLookup> MISSING =
      Future.succeededFuture(KeyLookup.Missing.INSTANCE);

  private Future<KeyLookup> acquire(KeyId keyId, int attempt) {
    CompletableFuture<LoadedKey> cf = cache.get(keyId, (k, ignored) -> load(k));
    return Caches.future(cf, loops)
        .compose(
            lk -> {
              if (lk == null) {
                return MISSING;
              }
              if (lk.retain()) {
                return Future.<KeyLookup>succeededFuture(lk);
              }
              // Evicted and zeroed between lookup and retain: load afresh (bounded).
              cache.asMap().remove(keyId, cf);
              return attempt < 3
                  ? acquire(keyId, attempt + 1)
                  : Future.failedFuture(
                      io.tkms.error.KmsException.internal("key cache: retries exhausted"));
            });
  }

  /**
   * A miss's load. It completes with null when no key has the id: that is how Caffeine's async
   * cache is told "absent, keep nothing", so a key id nobody has is asked again next time.
   */
  private CompletableFuture<LoadedKey> load(KeyId keyId) {
    CompletableFuture<LoadedKey> f = new CompletableFuture<>();
    if (!loops.inEventLoop()) {
      loadBatch(Map.of(keyId, f));
      return f;
    }
    // Misses of one event-loop turn (the requests of one batch of ready connections) wait for the
    // turn to end and load together: one query and one worker task instead of one each.
    Map<KeyId, CompletableFuture<LoadedKey>> batch = pending.get();
    if (batch == null) {
      Map<KeyId, CompletableFuture<LoadedKey>> fresh = new LinkedHashMap<>();
      pending.set(fresh);
      loops.afterThisTurn(
          () -> {
            if (pending.get() == fresh) {
              pending.remove();
            }
            loadBatch(fresh);
          });
      batch = fresh;
    }
    batch.put(keyId, f);
    if (batch.size() >= MAX_BATCH) {
      pending.remove(); // full: its scheduled load still runs it; later misses start a new batch
    }
    return f;
  }

  /**
   * Material wrapped under a root-key version this process has not opened yet (a rotation on
   * another replica a moment ago) makes the load catch up with {@code rootKeys} first.
   */
  public void followRootKeys(RootKeyCatchUp rootKeys) {
    this.rootKeys = rootKeys;
  }

  private Future<Map<KeyId, KeyRepository.StoredKey>> caughtUp(
      Map<KeyId, KeyRepository.StoredKey> found) {
    RootKeyCatchUp r = rootKeys;
    if (allOpen(found, r)) {
      return Future.succeededFuture(found);
    }
    // A catch-up already under way may have read the versions before the one needed: once more if
    // so. A failure fails only the keys under versions still unknown (at their unwrap).
    return r.catchUp()
        .compose(x -> allOpen(found, r) ? Future.succeededFuture() : r.catchUp())
        .map(x -> found)
        .otherwise(found);
  }

  private static boolean allOpen(Map<KeyId, KeyRepository.StoredKey> found, RootKeyCatchUp r) {
    for (KeyRepository.StoredKey k : found.values()) {
      for (KeyRepository.StoredVersion v : k.versions()) {
        if (!r.opens(v.material().rootVersion())) {
          return false;
        }
      }
    }
    return true;
  }

  /** One repository round trip and one worker task for {@code batch}; completes every future. */
  private void loadBatch(Map<KeyId, CompletableFuture<LoadedKey>> batch) {
    repository
        .findAll(List.copyOf(batch.keySet()))
        .compose(this::caughtUp)
        .compose(
            found ->
                found.isEmpty()
                    ? Future.succeededFuture(Unwrapped.NONE)
                    : executor.execute(() -> unwrapAll(found)))
        .onFailure(e -> batch.values().forEach(f -> f.completeExceptionally(e)))
        .onSuccess(
            unwrapped ->
                batch.forEach(
                    (id, f) -> {
                      RuntimeException failure = unwrapped.failures().get(id);
                      if (failure != null) {
                        f.completeExceptionally(failure);
                      } else {
                        f.complete(
                            unwrapped.keys().get(id)); // null when there is no such key (see load)
                      }
                    }));
  }

  /** The keys of one batch that unwrapped, and the unwrap failures of the others. */
  private record Unwrapped(Map<KeyId, LoadedKey> keys, Map<KeyId, RuntimeException> failures) {
    static final Unwrapped NONE = new Unwrapped(Map.of(), Map.of());
  }

  /** Each found key unwrapped; one key's failure fails only that key. */
  private Unwrapped unwrapAll(Map<KeyId, KeyRepository.StoredKey> found) {
    Map<KeyId, LoadedKey> keys = new HashMap<>();
    Map<KeyId, RuntimeException> failures = new HashMap<>();
    found.forEach(
        (keyId, sk) -> {
          Map<Integer, SecretBytes> m = new HashMap<>();
          try {
            for (KeyRepository.StoredVersion v : sk.versions()) {
              KeyMetadata md = sk.metadata();
              m.put(
                  v.version(),
                  hsa.unwrap(
                      v.material(), wrapContext(md.appId(), md.region(), keyId, v.version())));
            }
            keys.put(keyId, new LoadedKey(sk.metadata(), m));
          } catch (RuntimeException e) {
            m.values().forEach(SecretBytes::close);
            failures.put(keyId, e);
          }
        });
    return new Unwrapped(keys, failures);
  }

  /** Hits, misses, loads and evictions so far (for metrics); cheap, any thread. */
  public CacheStats stats() {
    return cache.synchronous().stats();
  }

  /** About how many keys are held now. */
  public long estimatedSize() {
    return cache.synchronous().estimatedSize();
  }

  /** Drops a key so the next request reloads it (after a state or alias change). */
  public void invalidate(KeyId keyId) {
    cache.synchronous().invalidate(keyId);
  }

  /** Drops everything (tests, shutdown). */
  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }
}
