package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.hsa.software.SoftwareHsa;
import io.tkms.application.port.RootKeyring;
import io.tkms.crypto.RandomSource;
import java.util.Map;

/** The HSA contract against the software seal. */
class SoftwareHsaContractIT extends HsaContract {
  private static final byte[] UNSEAL_KEY = new byte[32];
  private byte[] sealedKeyring;

  @Override
  RootKeyring newKeyring(Map<Integer, byte[]> stored) {
    SoftwareHsa.Created c = SoftwareHsa.createKeyring(UNSEAL_KEY, RandomSource.secure());
    sealedKeyring = c.sealedKeyringKey();
    stored.put(1, c.hsa().create(1));
    c.hsa().use(1);
    return c.hsa();
  }

  @Override
  RootKeyring reopen() {
    return SoftwareHsa.openKeyring(UNSEAL_KEY, sealedKeyring, RandomSource.secure());
  }

  @Override
  void assertDestroyedEverywhere(RootKeyring again, int version) {
    // The software seal's version lives on only in its row, which the store deletes first; the
    // keyring key alone does not bring it back.
    assertThat(again.opens(version)).isFalse();
  }
}
