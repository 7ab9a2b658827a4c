package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Protocol;
import io.tkms.domain.KeyUsage;
import io.tkms.error.ErrorCode;

/** Values the two protocols spell differently, in both directions. */
final class Spellings {
  private Spellings() {}

  /**
   * How {@code protocol} writes {@code usage}: API 2.0 {@code ENCRYPT/DECRYPT}, API 3.0 {@code
   * ENCRYPT_DECRYPT}.
   */
  static String keyUsage(Protocol protocol, KeyUsage usage) {
    return protocol == Protocol.V2 ? usage.name().replace('_', '/') : usage.name();
  }

  /**
   * The usage {@code protocol} spells {@code text}.
   *
   * @throws io.tkms.error.KmsException INVALID_KEY_USAGE for any other text
   */
  static KeyUsage keyUsage(Protocol protocol, String text) {
    for (KeyUsage u : KeyUsage.values()) {
      if (keyUsage(protocol, u).equals(text)) {
        return u;
      }
    }
    throw ErrorCode.INVALID_KEY_USAGE.exception(
        protocol.fieldName("KeyUsage")
            + " must be "
            + keyUsage(protocol, KeyUsage.ENCRYPT_DECRYPT)
            + " on this server");
  }
}
