package io.tkms.domain;

import io.tkms.error.ErrorCode;

/** The data key specs of GenerateDataKey, with their lengths. */
public enum KeySpec {
  AES_128(16),
  AES_256(32);

  private final int bytes;

  KeySpec(int bytes) {
    this.bytes = bytes;
  }

  /** The data key's length in bytes. */
  public int bytes() {
    return bytes;
  }

  /**
   * The spec named {@code text}; {@code field} names the parameter in the failure's message.
   *
   * @throws io.tkms.error.KmsException INVALID_KEY_SPEC for any other text
   */
  public static KeySpec parse(String text, String field) {
    for (KeySpec s : values()) {
      if (s.name().equals(text)) {
        return s;
      }
    }
    throw ErrorCode.INVALID_KEY_SPEC.exception(field + " must be AES_128 or AES_256");
  }
}
