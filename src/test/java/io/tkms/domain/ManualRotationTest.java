package io.tkms.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which keys RotateKey may rotate, whatever their state, and how often. */
class ManualRotationTest {
  @Test
  void aSymmetricKeyOfMaterialMadeHere_canRotate() {
    assertThatCode(
            () -> ManualRotation.checkRotatable(KeyUsage.ENCRYPT_DECRYPT, KeyOrigin.TENCENT_KMS))
        .doesNotThrowAnyException();
  }

  @Test
  void aKeyOfImportedMaterial_failsWithRotateNotSupported() {
    KmsException e =
        catchThrowableOfType(
            KmsException.class,
            () -> ManualRotation.checkRotatable(KeyUsage.ENCRYPT_DECRYPT, KeyOrigin.EXTERNAL));
    assertThat(e.code()).isEqualTo(ErrorCode.ROTATE_NOT_SUPPORTED);
    assertThat(e.getMessage()).contains("EXTERNAL");
  }

  /** Every usage but ENCRYPT_DECRYPT is an asymmetric one: none rotates, of either origin. */
  @Test
  void everyOtherKeyUsage_failsWithRotateNotSupported_ofEitherOrigin() {
    for (KeyUsage usage : KeyUsage.values()) {
      if (usage == KeyUsage.ENCRYPT_DECRYPT) {
        continue;
      }
      for (KeyOrigin origin : KeyOrigin.values()) {
        KmsException e =
            catchThrowableOfType(
                KmsException.class, () -> ManualRotation.checkRotatable(usage, origin));
        assertThat(e.code()).as("%s, %s", usage, origin).isEqualTo(ErrorCode.ROTATE_NOT_SUPPORTED);
      }
    }
  }

  @Test
  void theLimit_isOneManualRotationPer24Hours() {
    assertThat(ManualRotation.MIN_INTERVAL).isEqualTo(Duration.ofHours(24));
    assertThat(ErrorCode.ROTATE_RATE_LIMITED.message()).contains("24 hours");
  }
}
