package io.tkms.domain;

import io.tkms.error.ErrorCode;
import java.nio.charset.StandardCharsets;

/** The description rule of both protocols: any text of at most 1024 UTF-8 bytes. */
public final class Description {
  /** The longest description, in UTF-8 bytes. */
  public static final int MAX_BYTES = 1024;

  private Description() {}

  /**
   * Validates {@code description}; {@code field} names the parameter in the failure's message.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER_VALUE when it is longer than 1024 bytes
   */
  public static String validate(String description, String field) {
    if (description.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          field + " must be at most " + MAX_BYTES + " bytes");
    }
    return description;
  }
}
