package io.tkms.adapter.http.action;

import io.tkms.application.CryptoService;
import io.tkms.error.ErrorCode;
import java.util.Arrays;
import java.util.Base64;

/** The Encrypt plaintext rule both protocols share: base64 of 1 to 4096 bytes. */
final class Plaintexts {
  private static final int MAX_BASE64 = (CryptoService.MAX_PLAINTEXT + 2) / 3 * 4;

  private Plaintexts() {}

  /**
   * The decoded plaintext; the caller owns (and zeroes) the array.
   *
   * @throws io.tkms.error.KmsException PLAINTEXT_NOT_BASE64, PLAINTEXT_TOO_LONG, or
   *     INVALID_PARAMETER_VALUE for an empty plaintext
   */
  static byte[] decode(String base64, String name) {
    // Checked before decoding, so an oversized value costs no allocation.
    if (base64.length() > MAX_BASE64 + 2) {
      throw ErrorCode.PLAINTEXT_TOO_LONG.exception();
    }
    byte[] plaintext;
    try {
      plaintext = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.PLAINTEXT_NOT_BASE64.exception();
    }
    if (plaintext.length > CryptoService.MAX_PLAINTEXT) {
      Arrays.fill(plaintext, (byte) 0);
      throw ErrorCode.PLAINTEXT_TOO_LONG.exception();
    }
    if (plaintext.length == 0) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          "parameter " + name + " must hold 1 to 4096 bytes");
    }
    return plaintext;
  }
}
