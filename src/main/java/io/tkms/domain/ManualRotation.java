package io.tkms.domain;

import io.tkms.error.ErrorCode;
import java.time.Duration;

/**
 * The rules of rotation on demand ({@code RotateKey}) that hold whatever the key's state: which
 * keys can be rotated at all, and how often. The state table ({@link KeyState}) decides the rest.
 */
public final class ManualRotation {
  private ManualRotation() {}

  /** At most one manual rotation per key within this window (Tencent's documented limit). */
  public static final Duration MIN_INTERVAL = Duration.ofHours(24);

  /**
   * Refuses keys a new version makes no sense for: an asymmetric key's material is its identity
   * (its public key is out in the world), and an imported key's material is its owner's to replace.
   * Only symmetric keys whose material this server made can be rotated.
   *
   * @throws io.tkms.error.KmsException ROTATE_NOT_SUPPORTED for any other key
   */
  public static void checkRotatable(KeyUsage usage, KeyOrigin origin) {
    if (usage != KeyUsage.ENCRYPT_DECRYPT || origin != KeyOrigin.TENCENT_KMS) {
      throw ErrorCode.ROTATE_NOT_SUPPORTED.exception(
          "only symmetric keys with material made by this server can be rotated (KeyUsage "
              + usage.name()
              + ", Origin "
              + origin.name()
              + ")");
    }
  }
}
