package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.adapter.hsa.pkcs11.Pkcs11Hsa;
import io.tkms.application.port.RootKeyring;
import io.tkms.crypto.Pkcs11Token;
import io.tkms.crypto.SecureRandomSource;
import io.tkms.error.KmsException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HSA contract against a SoftHSM2 token, plus what only a token does. */
class Pkcs11HsaContractIT extends HsaContract {
  private String label;

  @Override
  RootKeyring newKeyring(Map<Integer, byte[]> stored) {
    label = SoftHsm.uniqueLabel();
    Pkcs11Hsa hsa = open();
    stored.put(1, hsa.create(1));
    hsa.use(1);
    return hsa;
  }

  private Pkcs11Hsa open() {
    SoftHsm softHsm = SoftHsm.get();
    return new Pkcs11Hsa(
        Pkcs11Token.open(
            softHsm.libraryCopy(),
            0,
            SoftHsm.PIN.toCharArray(),
            label,
            Path.of(System.getProperty("java.io.tmpdir"), "tkms-pkcs11-test")),
        SecureRandomSource.process());
  }

  @Override
  RootKeyring reopen() {
    return open();
  }

  @Override
  void assertDestroyedEverywhere(RootKeyring again, int version) {
    assertThat(((Pkcs11Hsa) again).token().has(version)).isFalse();
    assertThatThrownBy(() -> again.open(version, null)).isInstanceOf(KmsException.class);
  }

  @Test
  void storesNothingInPostgres_andNeverOverwritesAnObject() {
    assertThat(stored.get(1)).isNull();
    Pkcs11Hsa p = (Pkcs11Hsa) hsa;
    assertThat(p.token().versions()).containsExactly(1);
    io.tkms.application.port.Hsa.Wrapped w = p.wrap(new byte[] {9}, "c");
    assertThatThrownBy(() -> p.create(1)).isInstanceOf(KmsException.class);
    try (var back = reopenWith1().unwrap(w, "c")) {
      assertThat(back.bytes()).containsExactly(9); // version 1 is still the key it was
    }
  }

  private Pkcs11Hsa reopenWith1() {
    Pkcs11Hsa again = open();
    again.open(1, null);
    return again;
  }

  @Test
  void wrongPin_isRefusedWithAClearMessage() {
    SoftHsm softHsm = SoftHsm.get();
    assertThatThrownBy(
            () ->
                Pkcs11Token.open(
                    softHsm.libraryCopy(), 0, "0000".toCharArray(), label, Path.of("/tmp")))
        .isInstanceOf(Pkcs11Token.TokenException.class)
        .hasMessageContaining("refused the login")
        .hasMessageNotContaining("0000");
  }
}
