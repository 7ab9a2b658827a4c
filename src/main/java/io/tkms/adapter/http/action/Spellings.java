package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Protocol;
import io.tkms.domain.KeyUsage;
import io.tkms.error.ErrorCode;

/** Values the two protocols spell differently, in both directions. */
final class Spellings {
  private Spellings() {}

  /**
   * How {@code protocol} writes {@code usage}: API 2.0 {@code ENCRYPT/DECRYPT}, API 3.0 {@code
   * ENCRYPT_DECRYPT}; the asymmetric usages (API 3.0 only) as API 3.0 names them in both.
   */
  static String keyUsage(Protocol protocol, KeyUsage usage) {
    return protocol == Protocol.V2 && usage == KeyUsage.ENCRYPT_DECRYPT
        ? "ENCRYPT/DECRYPT"
        : usage.name();
  }

  /**
   * The usage {@code protocol} spells {@code text}: any usage in API 3.0, only {@code
   * ENCRYPT/DECRYPT} in API 2.0.
   *
   * @throws io.tkms.error.KmsException INVALID_KEY_USAGE for any other text
   */
  static KeyUsage keyUsage(Protocol protocol, String text) {
    if (protocol == Protocol.V2) {
      if (text.equals(keyUsage(protocol, KeyUsage.ENCRYPT_DECRYPT))) {
        return KeyUsage.ENCRYPT_DECRYPT;
      }
    } else {
      for (KeyUsage u : KeyUsage.values()) {
        if (u.name().equals(text)) {
          return u;
        }
      }
    }
    throw ErrorCode.INVALID_KEY_USAGE.exception(
        protocol == Protocol.V2
            ? "keyUsage must be ENCRYPT/DECRYPT"
            : "KeyUsage must be ENCRYPT_DECRYPT or one of the ASYMMETRIC_ usages");
  }
}
