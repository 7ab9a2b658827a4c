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
   * The spec named {@code name}.
   *
   * @throws io.tkms.error.KmsException INVALID_KEY_SPEC for any other name
   */
  public static KeySpec parse(String name) {
    for (KeySpec s : values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw ErrorCode.INVALID_KEY_SPEC.exception("KeySpec must be AES_128 or AES_256");
  }
}
