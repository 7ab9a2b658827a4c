package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.application.port.Hsa;
import io.tkms.application.port.RootKeyring;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every HSA adapter must do, run against each ({@link SoftwareHsaContractIT}, {@link
 * Pkcs11HsaContractIT}): wrap and unwrap under the current version with a bound context, keep old
 * versions opening after a new one is in use, open versions again from what Postgres would keep,
 * refuse tampering and wrong contexts with INTERNAL_ERROR, forget and destroy versions.
 */
abstract class HsaContract {
  private static final String CONTEXT = "tkms/cmk/v2/1250000001/ap-guangzhou/key/1";

  /** A keyring with version 1 created and in use; {@code stored} records what create returned. */
  abstract RootKeyring newKeyring(Map<Integer, byte[]> stored);

  /** A second keyring over the same custody (a restart, another replica), with no version open. */
  abstract RootKeyring reopen();

  RootKeyring hsa;
  final Map<Integer, byte[]> stored = new java.util.HashMap<>();

  @BeforeEach
  void create() {
    stored.clear();
    hsa = newKeyring(stored);
  }

  @Test
  void wrapsAndUnwraps_underTheCurrentVersion_boundToItsContext() {
    byte[] secret = "thirty-two bytes of key material".getBytes(StandardCharsets.US_ASCII);
    Hsa.Wrapped w = hsa.wrap(secret, CONTEXT);
    assertThat(w.rootVersion()).isEqualTo(1);
    assertThat(w.bytes()).hasSize(12 + secret.length + 16);
    try (SecretBytes back = hsa.unwrap(w, CONTEXT)) {
      assertThat(back.bytes()).isEqualTo(secret);
    }
    assertThatThrownBy(() -> hsa.unwrap(w, CONTEXT.replace("/1", "/2")))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
    byte[] tampered = w.bytes().clone();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> hsa.unwrap(new Hsa.Wrapped(1, tampered), CONTEXT))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
  }

  @Test
  void generatedMaterial_isFreshEachTime_andNeverTheSameNonce() {
    Hsa.Wrapped a = hsa.generateWrapped(CONTEXT, 32);
    Hsa.Wrapped b = hsa.generateWrapped(CONTEXT, 32);
    Hsa.Wrapped sm = hsa.generateWrapped(CONTEXT, 16);
    try (SecretBytes ma = hsa.unwrap(a, CONTEXT);
        SecretBytes mb = hsa.unwrap(b, CONTEXT);
        SecretBytes msm = hsa.unwrap(sm, CONTEXT)) {
      assertThat(ma.length()).isEqualTo(32);
      assertThat(ma.bytes()).isNotEqualTo(mb.bytes());
      assertThat(msm.length()).isEqualTo(16);
    }
    assertThat(Arrays.copyOf(a.bytes(), 12)).isNotEqualTo(Arrays.copyOf(b.bytes(), 12));
    byte[] r1 = new byte[32];
    byte[] r2 = new byte[32];
    hsa.random(r1);
    hsa.random(r2);
    assertThat(r1).isNotEqualTo(r2);
  }

  @Test
  void aNewVersion_takesNewWraps_whileOldWrapsStillOpen() {
    Hsa.Wrapped old = hsa.wrap(new byte[32], CONTEXT);
    stored.put(2, hsa.create(2));
    assertThat(hsa.rootVersion()).isEqualTo(1); // created, not yet in use
    hsa.use(2);
    Hsa.Wrapped fresh = hsa.wrap(new byte[32], CONTEXT);
    assertThat(fresh.rootVersion()).isEqualTo(2);
    assertThat(hsa.versions()).containsExactly(1, 2);
    try (SecretBytes a = hsa.unwrap(old, CONTEXT);
        SecretBytes b = hsa.unwrap(fresh, CONTEXT)) {
      assertThat(a.bytes()).isEqualTo(b.bytes());
    }
    // A wrap under one version never opens as another.
    assertThatThrownBy(() -> hsa.unwrap(new Hsa.Wrapped(1, fresh.bytes()), CONTEXT))
        .isInstanceOf(KmsException.class);
  }

  @Test
  void versions_openAgain_fromWhatPostgresKeeps() {
    stored.put(2, hsa.create(2));
    hsa.use(2);
    Hsa.Wrapped w1 = hsa.wrap(new byte[] {1, 2, 3}, CONTEXT);
    RootKeyring again = reopen();
    assertThat(again.opens(2)).isFalse();
    assertThatThrownBy(() -> again.unwrap(w1, CONTEXT)).isInstanceOf(KmsException.class);
    again.open(1, stored.get(1));
    again.open(2, stored.get(2));
    again.use(2);
    try (SecretBytes back = again.unwrap(w1, CONTEXT)) {
      assertThat(back.bytes()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void forgottenAndDestroyedVersions_noLongerOpen_andTheCurrentOneCannotGo() {
    Hsa.Wrapped w1 = hsa.wrap(new byte[] {7}, CONTEXT);
    stored.put(2, hsa.create(2));
    hsa.use(2);
    assertThatThrownBy(() -> hsa.forget(2)).isInstanceOf(IllegalStateException.class);
    hsa.destroy(1);
    assertThat(hsa.opens(1)).isFalse();
    assertThatThrownBy(() -> hsa.unwrap(w1, CONTEXT))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
    RootKeyring again = reopen();
    assertDestroyedEverywhere(again, 1);
  }

  /** After {@code destroy(version)}, another keyring over the same custody cannot open it. */
  abstract void assertDestroyedEverywhere(RootKeyring again, int version);

  @Test
  void answers_andSaysItsCustody() {
    assertThat(hsa.probe()).isTrue();
    assertThat(hsa.up()).isTrue();
    assertThat(hsa.custody()).isIn("software", "pkcs11");
    assertThat(hsa.toString()).doesNotContainIgnoringCase("key=");
  }
}
