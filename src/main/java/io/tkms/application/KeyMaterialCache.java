package io.tkms.application;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyRepository;
import io.tkms.domain.KeyId;
import io.tkms.domain.SecretBytes;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Unwrapped CMKs in memory (Caffeine: bounded size and TTL; material zeroed on eviction once no
 * request uses it), so a hot key costs no database round trip and no unwrap. Loads go to the
 * repository, then unwrap in the {@link CryptoExecutor}; concurrent loads of one key share one.
 */
public final class KeyMaterialCache {
  private final AsyncCache<KeyId, LoadedKey> cache;
  private final KeyRepository repository;
  private final CryptoExecutor executor;
  private final Hsa hsa;

  public KeyMaterialCache(KeyRepository repository, CryptoExecutor executor, Hsa hsa, int maxSize, Duration ttl) {
    this.repository = repository;
    this.executor = executor;
    this.hsa = hsa;
    this.cache =
        Caches.onCallingThread()
            .maximumSize(maxSize)
            .expireAfterWrite(ttl)
            .recordStats()
            .removalListener((KeyId k, LoadedKey v, RemovalCause c) -> {
              if (v != null) {
                v.release();
              }
            })
            .buildAsync();
  }

  /** The wrap context binding material to its key and version. */
  static String wrapContext(KeyId keyId, int version) {
    return "tkms/cmk/" + keyId + "/" + version;
  }

  /**
   * A retained key, or null when it does not exist. The caller must {@link LoadedKey#release()}
   * it. Call on an event loop.
   */
  public Future<LoadedKey> acquire(KeyId keyId) {
    return acquire(keyId, 0);
  }

  private Future<LoadedKey> acquire(KeyId keyId, int attempt) {
    CompletableFuture<LoadedKey> cf = cache.get(keyId, (k, ignored) -> load(k));
    return Caches.future(cf).compose(
        lk -> {
          if (lk == null) {
            return Future.succeededFuture(null);
          }
          if (lk.retain()) {
            return Future.succeededFuture(lk);
          }
          // Evicted and zeroed between lookup and retain: load afresh (bounded).
          cache.asMap().remove(keyId, cf);
          return attempt < 3 ? acquire(keyId, attempt + 1) : Future.failedFuture(io.tkms.error.KmsException.internal("key cache: retries exhausted"));
        });
  }

  private CompletableFuture<LoadedKey> load(KeyId keyId) {
    return repository
        .find(keyId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.<LoadedKey>succeededFuture(null);
              }
              KeyRepository.StoredKey sk = found.get();
              return executor.execute(
                  () -> {
                    Map<Integer, SecretBytes> m = new HashMap<>();
                    try {
                      for (KeyRepository.StoredVersion v : sk.versions()) {
                        m.put(v.version(), hsa.unwrap(v.material(), wrapContext(keyId, v.version())));
                      }
                    } catch (RuntimeException e) {
                      m.values().forEach(SecretBytes::close);
                      throw e;
                    }
                    return new LoadedKey(sk.metadata(), m);
                  });
            })
        .toCompletionStage()
        .toCompletableFuture();
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
