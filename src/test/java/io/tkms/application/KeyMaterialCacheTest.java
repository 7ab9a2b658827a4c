package io.tkms.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.fakes.FakeHsa;
import io.tkms.application.fakes.InMemoryKeyRepository;
import io.tkms.application.fakes.InlineExecutor;
import io.tkms.application.fakes.ManualClock;
import io.tkms.application.fakes.ManualEventLoops;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyRepository.StoredKey;
import io.tkms.application.port.KeyRepository.StoredVersion;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The key cache's batched loading, against in-memory fakes of its ports and an event loop whose
 * turns the test runs by hand.
 */
class KeyMaterialCacheTest {
  private final InMemoryKeyRepository repository =
      new InMemoryKeyRepository(new ManualClock(Instant.EPOCH));
  private final FakeHsa hsa = new FakeHsa();
  private final InlineExecutor worker = new InlineExecutor();
  private final ManualEventLoops loops = new ManualEventLoops();
  private final KeyMaterialCache cache =
      new KeyMaterialCache(repository, worker, hsa, loops, 1000, Duration.ofMinutes(5));

  private KeyId store(byte first) {
    return store(first, false);
  }

  /**
   * A stored key whose version-1 material is 32 times {@code first}; {@code refused}: it does not
   * unwrap.
   */
  private KeyId store(byte first, boolean refused) {
    KeyId id = new KeyId(UUID.randomUUID());
    byte[] material = new byte[32];
    Arrays.fill(material, first);
    Hsa.Wrapped wrapped =
        hsa.wrap(material, KeyMaterialCache.wrapContext("1300000001", "ap-guangzhou", id, 1));
    if (refused) {
      hsa.refuse(wrapped);
    }
    repository.put(
        new StoredKey(
            KeyMetadata.created(id, "1300000001", "ap-guangzhou", "", "", 0, "1"),
            List.of(new StoredVersion(1, wrapped))));
    return id;
  }

  /** Runs {@code acquires} in one event-loop turn; their loads run when the turn ends. */
  private List<CompletableFuture<KeyLookup>> inOneTurn(Supplier<List<Future<KeyLookup>>> acquires) {
    List<Future<KeyLookup>> started = loops.turn(acquires);
    List<CompletableFuture<KeyLookup>> out = new ArrayList<>();
    for (Future<KeyLookup> f : started) {
      assertThat(f.isComplete()).as("settled once the turn and its deferred loads ran").isTrue();
      out.add(f.toCompletionStage().toCompletableFuture());
    }
    return out;
  }

  private static byte firstByte(KeyLookup k) {
    return ((LoadedKey) k).material(1).bytes()[0];
  }

  private static LoadedKey loaded(CompletableFuture<KeyLookup> f) {
    return (LoadedKey) f.join();
  }

  @Test
  void theMissesOfOneTurnLoadInOneQueryAndEachGetsItsOwnKey() {
    KeyId a = store((byte) 1);
    KeyId b = store((byte) 2);
    KeyId c = store((byte) 3);
    KeyId missing = new KeyId(UUID.randomUUID());
    List<CompletableFuture<KeyLookup>> got =
        inOneTurn(
            () ->
                List.of(
                    cache.acquire(a),
                    cache.acquire(b),
                    cache.acquire(missing),
                    cache.acquire(c),
                    cache.acquire(a)));

    assertThat(repository.findAllCalls()).hasSize(1);
    assertThat(repository.findAllCalls().get(0))
        .containsExactly(a, b, missing, c); // the repeated key is asked once
    assertThat(firstByte(got.get(0).join())).isEqualTo((byte) 1);
    assertThat(firstByte(got.get(1).join())).isEqualTo((byte) 2);
    assertThat(got.get(2).join()).isEqualTo(KeyLookup.Missing.INSTANCE);
    assertThat(firstByte(got.get(3).join())).isEqualTo((byte) 3);
    assertThat(loaded(got.get(4)).metadata().keyId()).isEqualTo(a);

    // Loaded keys are hits from now on: no more queries.
    inOneTurn(() -> List.of(cache.acquire(a), cache.acquire(c)));
    assertThat(repository.findAllCalls()).hasSize(1);
  }

  @Test
  void theMissesOfOneTurnUnwrapInOneExecutorTask() {
    KeyId a = store((byte) 1);
    KeyId b = store((byte) 2);
    inOneTurn(() -> List.of(cache.acquire(a), cache.acquire(b)));
    assertThat(worker.tasks()).isEqualTo(1);
    assertThat(hsa.unwraps()).isEqualTo(2);
  }

  @Test
  void aMissOnTheLoop_waitsForTheEndOfTheTurn() {
    KeyId a = store((byte) 1);
    List<CompletableFuture<KeyLookup>> got =
        inOneTurn(
            () -> {
              Future<KeyLookup> f = cache.acquire(a);
              assertThat(f.isComplete()).as("loaded only when the turn ends").isFalse();
              assertThat(repository.findAllCalls()).isEmpty();
              return List.of(f);
            });
    assertThat(firstByte(got.get(0).join())).isEqualTo((byte) 1);
  }

  @Test
  void aKeyThatFailsToUnwrapFailsOnlyItsOwnRequests() {
    KeyId good = store((byte) 7);
    KeyId bad = store((byte) 8, true);
    List<CompletableFuture<KeyLookup>> got =
        inOneTurn(() -> List.of(cache.acquire(bad), cache.acquire(good)));

    assertThat(got.get(0)).isCompletedExceptionally();
    assertThat(firstByte(got.get(1).join())).isEqualTo((byte) 7);
  }

  @Test
  void aFailedQueryFailsItsBatchAndTheNextMissAsksAgain() {
    KeyId a = store((byte) 1);
    KeyId b = store((byte) 2);
    repository.failNextFindAll(new IllegalStateException("database down"));
    List<CompletableFuture<KeyLookup>> failed =
        inOneTurn(() -> List.of(cache.acquire(a), cache.acquire(b)));
    assertThat(failed).allSatisfy(f -> assertThat(f).isCompletedExceptionally());

    List<CompletableFuture<KeyLookup>> retried =
        inOneTurn(() -> List.of(cache.acquire(a), cache.acquire(b)));
    assertThat(repository.findAllCalls()).hasSize(2);
    assertThat(firstByte(retried.get(0).join())).isEqualTo((byte) 1);
    assertThat(firstByte(retried.get(1).join())).isEqualTo((byte) 2);
  }

  @Test
  void moreMissesThanOneBatchHoldsAreSplitAndAllAnswered() {
    List<KeyId> ids = new ArrayList<>();
    for (int i = 0; i < KeyMaterialCache.MAX_BATCH * 2 + 5; i++) {
      ids.add(store((byte) (i % 100)));
    }
    List<CompletableFuture<KeyLookup>> got =
        inOneTurn(() -> ids.stream().map(cache::acquire).toList());

    assertThat(repository.findAllCalls())
        .extracting(List::size)
        .containsExactly(KeyMaterialCache.MAX_BATCH, KeyMaterialCache.MAX_BATCH, 5);
    for (int i = 0; i < ids.size(); i++) {
      assertThat(loaded(got.get(i)).metadata().keyId()).isEqualTo(ids.get(i));
      assertThat(firstByte(got.get(i).join())).isEqualTo((byte) (i % 100));
    }
  }

  @Test
  void aMissOffTheEventLoopLoadsAtOnce() throws Exception {
    KeyId a = store((byte) 9);
    KeyLookup k =
        cache.acquire(a).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(repository.findAllCalls()).containsExactly(List.of(a));
    assertThat(firstByte(k)).isEqualTo((byte) 9);
  }

  @Test
  void aMissingKeyIsNotRemembered_theNextLookupAsksAgain() {
    KeyId missing = new KeyId(UUID.randomUUID());
    assertThat(cache.acquire(missing).result()).isEqualTo(KeyLookup.Missing.INSTANCE);
    assertThat(cache.acquire(missing).result()).isEqualTo(KeyLookup.Missing.INSTANCE);
    assertThat(repository.findAllCalls()).hasSize(2);
  }

  @Test
  void anEvictedKey_isZeroedOnlyWhenItsLastUserReleasesIt() {
    KeyId a = store((byte) 5);
    LoadedKey inUse = (LoadedKey) cache.acquire(a).result();
    cache.invalidate(a);
    assertThat(inUse.material(1).isDestroyed()).as("a request still uses it").isFalse();
    inUse.release();
    assertThat(inUse.material(1).isDestroyed()).isTrue();

    LoadedKey fresh = (LoadedKey) cache.acquire(a).result();
    assertThat(fresh).as("loaded afresh").isNotSameAs(inUse);
    assertThat(firstByte(fresh)).isEqualTo((byte) 5);
  }
}
