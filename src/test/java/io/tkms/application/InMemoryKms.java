package io.tkms.application;

import io.tkms.application.fakes.FakeHsa;
import io.tkms.application.fakes.InMemoryAccountRepository;
import io.tkms.application.fakes.InMemoryKeyRepository;
import io.tkms.application.fakes.InlineExecutor;
import io.tkms.application.fakes.ManualClock;
import io.tkms.application.fakes.ManualEventLoops;
import io.tkms.application.fakes.RecordingChangeBus;
import io.tkms.application.port.ChangeBus;
import io.tkms.crypto.MessageCipher;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyState;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The use cases of one replica wired as {@code KmsServer} wires them, over the in-memory fakes of
 * their ports. Every future completes before the call returns; nothing runs on another thread.
 */
final class InMemoryKms {
  /** CMKs allowed per account and region. */
  static final int QUOTA = 5;

  static final Caller ALICE = new Caller("1250000001", "1250000001", "AKIDalice", "ap-guangzhou");
  static final Caller ALICE_IN_SHANGHAI =
      new Caller("1250000001", "1250000001", "AKIDalice", "ap-shanghai");
  static final Caller BOB = new Caller("1250000002", "1250000002", "AKIDbob", "ap-guangzhou");

  /** The region of the SM profile: symmetric keys created there are SM4. */
  static final String SM_REGION = "ap-beijing";

  static final Caller ALICE_IN_BEIJING =
      new Caller("1250000001", "1250000001", "AKIDalice", SM_REGION);

  final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
  final InMemoryKeyRepository keyRepository = new InMemoryKeyRepository(clock);
  final InMemoryAccountRepository accounts = new InMemoryAccountRepository(clock);
  final FakeHsa hsa = new FakeHsa();
  final InlineExecutor executor = new InlineExecutor();
  final RecordingChangeBus bus = new RecordingChangeBus();
  final ManualEventLoops loops = new ManualEventLoops();
  final RandomSource random = RandomSource.secure();

  final KeyMaterialCache keyCache =
      new KeyMaterialCache(keyRepository, executor, hsa, loops, 1000, Duration.ofMinutes(5));
  final CredentialCache credentials =
      new CredentialCache(accounts, executor, hsa, loops, Duration.ofMinutes(5));
  final KeyService keys =
      new KeyService(
          keyRepository, keyCache, executor, hsa, random, clock, QUOTA, bus, Set.of(SM_REGION));

  /** Runs the per-message AES-GCM (inline on the event loop in production). */
  final InlineExecutor aead = new InlineExecutor();

  final CryptoService crypto =
      new CryptoService(keyCache, executor, aead, new MessageCipher(random), hsa, clock);
  final ImportService imports =
      new ImportService(keyRepository, keyCache, executor, hsa, clock, bus);
  final AsymmetricService asymmetric = new AsymmetricService(keyCache, executor, hsa);
  final LifecycleJobs jobs = new LifecycleJobs(keyRepository, keyCache, executor, hsa, bus);
  final AdminService admin = new AdminService(accounts, credentials, executor, hsa, bus);

  InMemoryKms() {
    CacheInvalidation.wire(bus, keyCache, credentials);
  }

  /**
   * Puts {@code keyId} in {@code state} behind the use cases' backs, and announces it as the
   * replica that made the change would, so cached copies are dropped (test setup).
   */
  void putInState(KeyId keyId, KeyState state) {
    keyRepository.forceState(keyId, state);
    bus.deliver(new ChangeBus.Change(ChangeBus.Kind.KEY, keyId.toString()));
  }

  /** A new enabled key of {@code caller} with this alias. */
  KeyId newKey(Caller caller, String alias) {
    return io.tkms.application.fakes.Outcomes.succeeded(
            keys.create(caller, KeyService.NewKey.DEFAULT.withAlias(alias)))
        .keyId();
  }
}
