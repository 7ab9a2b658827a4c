package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.domain.KeyId;
import java.security.DrbgParameters;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RandomSourceTest {

  @Test
  void secure_isOneSharedInstance() {
    assertThat(RandomSource.secure()).isSameAs(RandomSource.secure());
  }

  @Test
  void secure_fillsTheWholeArrayDifferentlyEachTime() {
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    RandomSource.secure().nextBytes(a);
    RandomSource.secure().nextBytes(b);
    assertThat(a).isNotEqualTo(new byte[32]).isNotEqualTo(b);
  }

  @Test
  void accept_delegatesToNextBytes_soDomainCodeCanTakeARandomSource() {
    FixedRandomSource fixed = new FixedRandomSource(new byte[16]);
    KeyId id = KeyId.random(fixed);
    assertThat(id).hasToString("00000000-0000-4000-8000-000000000000");
    assertThat(fixed.exhausted()).isTrue();
  }

  @Test
  void secure_isADrbgAt256BitStrengthThatReseeds() {
    SecureRandomSource source = (SecureRandomSource) RandomSource.secure();
    assertThat(source.parameters())
        .isInstanceOfSatisfying(
            DrbgParameters.Instantiation.class,
            p -> {
              assertThat(p.getStrength()).isEqualTo(256);
              assertThat(p.getCapability().supportsReseeding()).isTrue();
            });
  }

  @Test
  void aReseedComesEvery2To20Draws() {
    SecureRandomSource source = new SecureRandomSource(Jca.newSecureRandom(), () -> 0L);
    byte[] b = new byte[1];
    for (long i = 1; i < SecureRandomSource.RESEED_DRAWS; i++) {
      source.nextBytes(b);
    }
    assertThat(source.reseeds()).isZero();
    source.nextBytes(b);
    assertThat(source.reseeds()).isEqualTo(1);
  }

  @Test
  void aReseedComesEveryHour_evenWithFewDraws() {
    AtomicLong now = new AtomicLong();
    SecureRandomSource source = new SecureRandomSource(Jca.newSecureRandom(), now::get);
    byte[] b = new byte[1];
    source.nextBytes(b);
    now.addAndGet(SecureRandomSource.RESEED_NANOS - 1);
    source.nextBytes(b);
    assertThat(source.reseeds()).isZero();
    now.incrementAndGet();
    source.nextBytes(b);
    source.nextBytes(b);
    assertThat(source.reseeds()).isEqualTo(1);
  }
}
