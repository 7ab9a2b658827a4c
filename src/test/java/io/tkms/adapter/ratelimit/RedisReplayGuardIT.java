package io.tkms.adapter.ratelimit;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.port.ReplayGuard;
import io.tkms.it.TestRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Redis replay guard against the {@link ReplayGuardContract}, plus sharing across replicas. */
class RedisReplayGuardIT extends ReplayGuardContract {
  private final List<RedisFixture> fixtures = new ArrayList<>();

  private RedisFixture fixture() {
    RedisFixture f = new RedisFixture(TestRedis.url());
    fixtures.add(f);
    return f;
  }

  @AfterEach
  void cleanUp() {
    fixtures.forEach(RedisFixture::close);
  }

  private static ReplayGuard replica(RedisBackend backend) {
    return new RedisReplayGuard(backend, new LocalReplayGuard(CLOCK, 10_000), CLOCK).warmUp();
  }

  @Override
  protected ReplayGuard guard() {
    return replica(fixture().backend());
  }

  /**
   * Replaces the contract's: a replica's own in-process guard keeps refusing a triple a few seconds
   * past its expiry (LocalReplayGuard), while Redis forgets it at its expiry, so a replica that has
   * not seen it accepts it again.
   */
  @Override
  @Test
  void triple_isForgottenAfterItsExpiry() {
    RedisFixture f = fixture();
    ReplayGuard a = replica(f.backend());
    long ts = record(a);
    // Redis drops the key at its EXAT second by its own clock: real time must pass, so wait for it,
    // bounded. Every attempt asks a replica that has not seen the triple: only Redis can refuse it.
    RedisBackend other = f.backend();
    eventually(
        EXPIRY_WAIT,
        () ->
            assertThat(first(replica(other), "AKIDexp", ts, "7", expiryOf(ts)))
                .as("Redis has forgotten it")
                .isTrue());
    assertThat(other.stats().nonceFallbacks()).as("decided by Redis, not by a fallback").isZero();
    // Its own guard keeps the triple a grace period past the expiry second, which has only just
    // passed.
    assertThat(first(a, "AKIDexp", ts, "7", expiryOf(ts)))
        .as("the replica that saw it still refuses it")
        .isFalse();
  }

  @Test
  void tripleSeenByOneReplica_isRefusedByAnother() {
    RedisFixture f = fixture();
    ReplayGuard a = replica(f.backend());
    ReplayGuard b = replica(f.backend());
    long ts = now();
    assertThat(first(a, "AKIDshared", ts, "5", ts + 300)).isTrue();
    assertThat(first(b, "AKIDshared", ts, "5", ts + 300)).isFalse();
    assertThat(first(b, "AKIDshared", ts, "6", ts + 300)).isTrue();
    assertThat(first(a, "AKIDshared", ts, "6", ts + 300)).isFalse();
    assertThat(f.backend().stats().nonceFallbacks()).isZero();
  }
}
