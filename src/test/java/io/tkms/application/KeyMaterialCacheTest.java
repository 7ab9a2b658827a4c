package io.tkms.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyRepository;
import io.tkms.application.port.KeyRepository.StoredKey;
import io.tkms.application.port.KeyRepository.StoredVersion;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.SecretBytes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The key cache's batched loading, against an in-memory repository and HSA (fakes of the ports). */
class KeyMaterialCacheTest {
  private static final byte BAD = (byte) 0xFF; // material the fake HSA refuses to unwrap

  private final Vertx vertx = Vertx.vertx();
  private final Map<KeyId, StoredKey> stored = new HashMap<>();
  private final List<List<KeyId>> findAllCalls = new CopyOnWriteArrayList<>();
  private volatile boolean failNextQuery;

  private final KeyRepository repository = (KeyRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {KeyRepository.class}, (proxy, method, args) -> {
        if (method.getName().equals("findAll")) {
          @SuppressWarnings("unchecked")
          List<KeyId> ids = (List<KeyId>) args[0];
          findAllCalls.add(List.copyOf(ids));
          if (failNextQuery) {
            failNextQuery = false;
            return Future.failedFuture(new IllegalStateException("database down"));
          }
          Map<KeyId, StoredKey> found = new HashMap<>();
          ids.forEach(id -> {
            if (stored.containsKey(id)) {
              found.put(id, stored.get(id));
            }
          });
          // Answered later, as a real database would be.
          return Future.future(p -> vertx.setTimer(5, t -> p.complete(found)));
        }
        throw new UnsupportedOperationException(method.getName());
      });

  private final Hsa hsa = (Hsa) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Hsa.class},
      (proxy, method, args) -> {
        if (method.getName().equals("unwrap")) {
          byte[] b = ((Hsa.Wrapped) args[0]).bytes();
          if (b[0] == BAD) {
            throw new IllegalStateException("unwrap failed");
          }
          return SecretBytes.copyOf(b);
        }
        throw new UnsupportedOperationException(method.getName());
      });

  private final CryptoExecutor worker = new CryptoExecutor() {
    @Override
    public <T> Future<T> execute(Callable<T> task) {
      return vertx.executeBlocking(task, false);
    }
  };

  private final KeyMaterialCache cache = new KeyMaterialCache(repository, worker, hsa, new io.tkms.adapter.worker.VertxEventLoops(), 1000, Duration.ofMinutes(5));

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private KeyId store(byte first) {
    KeyId id = new KeyId(UUID.randomUUID());
    byte[] material = new byte[32];
    Arrays.fill(material, first);
    stored.put(id, new StoredKey(KeyMetadata.created(id, "1300000001", "ap-guangzhou", null, "", 0, "1"),
        List.of(new StoredVersion(1, new Hsa.Wrapped(1, material)))));
    return id;
  }

  /** Runs {@code acquires} in one event-loop turn and waits for all of them to settle. */
  private List<CompletableFuture<KeyLookup>> inOneTurn(Supplier<List<Future<KeyLookup>>> acquires) throws Exception {
    CompletableFuture<List<Future<KeyLookup>>> started = new CompletableFuture<>();
    vertx.runOnContext(v -> started.complete(acquires.get()));
    List<CompletableFuture<KeyLookup>> out = new ArrayList<>();
    for (Future<KeyLookup> f : started.get(10, TimeUnit.SECONDS)) {
      out.add(f.toCompletionStage().toCompletableFuture());
    }
    CompletableFuture.allOf(out.toArray(new CompletableFuture<?>[0])).handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    return out;
  }

  private static byte firstByte(KeyLookup k) {
    return ((LoadedKey) k).material(1).bytes()[0];
  }

  private static LoadedKey loaded(CompletableFuture<KeyLookup> f) {
    return (LoadedKey) f.join();
  }

  @Test
  void theMissesOfOneTurnLoadInOneQueryAndEachGetsItsOwnKey() throws Exception {
    KeyId a = store((byte) 1);
    KeyId b = store((byte) 2);
    KeyId c = store((byte) 3);
    KeyId missing = new KeyId(UUID.randomUUID());
    List<CompletableFuture<KeyLookup>> got = inOneTurn(
        () -> List.of(cache.acquire(a), cache.acquire(b), cache.acquire(missing), cache.acquire(c), cache.acquire(a)));

    assertThat(findAllCalls).hasSize(1);
    assertThat(findAllCalls.get(0)).containsExactly(a, b, missing, c); // the repeated key is asked once
    assertThat(firstByte(got.get(0).join())).isEqualTo((byte) 1);
    assertThat(firstByte(got.get(1).join())).isEqualTo((byte) 2);
    assertThat(got.get(2).join()).isEqualTo(KeyLookup.Missing.INSTANCE);
    assertThat(firstByte(got.get(3).join())).isEqualTo((byte) 3);
    assertThat(loaded(got.get(4)).metadata().keyId()).isEqualTo(a);

    // Loaded keys are hits from now on: no more queries.
    inOneTurn(() -> List.of(cache.acquire(a), cache.acquire(c)));
    assertThat(findAllCalls).hasSize(1);
  }

  @Test
  void aKeyThatFailsToUnwrapFailsOnlyItsOwnRequests() throws Exception {
    KeyId good = store((byte) 7);
    KeyId bad = store(BAD);
    List<CompletableFuture<KeyLookup>> got = inOneTurn(() -> List.of(cache.acquire(bad), cache.acquire(good)));

    assertThat(got.get(0)).isCompletedExceptionally();
    assertThat(firstByte(got.get(1).join())).isEqualTo((byte) 7);
  }

  @Test
  void aFailedQueryFailsItsBatchAndTheNextMissAsksAgain() throws Exception {
    KeyId a = store((byte) 1);
    KeyId b = store((byte) 2);
    failNextQuery = true;
    List<CompletableFuture<KeyLookup>> failed = inOneTurn(() -> List.of(cache.acquire(a), cache.acquire(b)));
    assertThat(failed).allSatisfy(f -> assertThat(f).isCompletedExceptionally());

    List<CompletableFuture<KeyLookup>> retried = inOneTurn(() -> List.of(cache.acquire(a), cache.acquire(b)));
    assertThat(findAllCalls).hasSize(2);
    assertThat(firstByte(retried.get(0).join())).isEqualTo((byte) 1);
    assertThat(firstByte(retried.get(1).join())).isEqualTo((byte) 2);
  }

  @Test
  void moreMissesThanOneBatchHoldsAreSplitAndAllAnswered() throws Exception {
    List<KeyId> ids = new ArrayList<>();
    for (int i = 0; i < KeyMaterialCache.MAX_BATCH * 2 + 5; i++) {
      ids.add(store((byte) (i % 100)));
    }
    List<CompletableFuture<KeyLookup>> got = inOneTurn(() -> ids.stream().map(cache::acquire).toList());

    assertThat(findAllCalls).extracting(List::size)
        .containsExactly(KeyMaterialCache.MAX_BATCH, KeyMaterialCache.MAX_BATCH, 5);
    for (int i = 0; i < ids.size(); i++) {
      assertThat(loaded(got.get(i)).metadata().keyId()).isEqualTo(ids.get(i));
      assertThat(firstByte(got.get(i).join())).isEqualTo((byte) (i % 100));
    }
  }

  @Test
  void aMissOffTheEventLoopLoadsAtOnce() throws Exception {
    KeyId a = store((byte) 9);
    KeyLookup k = cache.acquire(a).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(findAllCalls).containsExactly(List.of(a));
    assertThat(firstByte(k)).isEqualTo((byte) 9);
  }
}
