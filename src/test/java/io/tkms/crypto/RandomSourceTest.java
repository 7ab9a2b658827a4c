package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.domain.KeyId;
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
}
