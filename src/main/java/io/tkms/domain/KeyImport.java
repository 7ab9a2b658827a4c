package io.tkms.domain;

import io.tkms.error.ErrorCode;
import java.time.Duration;
import java.util.Base64;

/**
 * The rules of bring-your-own-key inputs that need no key: the ImportToken's form, ValidTo, the
 * wrapping key spec and the EncryptedKeyMaterial's encoding. Every refusal is INVALID_PARAMETER.
 */
public final class KeyImport {
  private KeyImport() {}

  /** Random bytes in an ImportToken (sent as their base64). */
  public static final int TOKEN_BYTES = 32;

  /** How long an ImportToken and its wrapping key are valid. */
  public static final Duration PARAMETERS_LIFETIME = Duration.ofHours(24);

  /** The latest ValidTo Tencent accepts, Unix seconds. */
  public static final long MAX_VALID_TO = 2_147_443_200L;

  /** The largest EncryptedKeyMaterial, raw bytes (an RSA-4096 block; RSA-2048 needs 256). */
  public static final int MAX_ENCRYPTED_MATERIAL = 512;

  /** The only wrapping key spec. */
  public static final String WRAPPING_KEY_SPEC = "RSA_2048";

  private static final int TOKEN_BASE64 = (TOKEN_BYTES + 2) / 3 * 4;

  /** The text of a token. */
  public static String encodeToken(byte[] token) {
    return Base64.getEncoder().encodeToString(token);
  }

  /**
   * The bytes of an ImportToken: the canonical base64 of exactly {@value #TOKEN_BYTES} bytes.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER for any other text
   */
  public static byte[] parseToken(String text) {
    if (text.length() != TOKEN_BASE64) {
      throw invalidToken();
    }
    byte[] token;
    try {
      token = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw invalidToken();
    }
    // The decoder ignores the unused low bits of the last character: one spelling per token.
    if (token.length != TOKEN_BYTES || !encodeToken(token).equals(text)) {
      throw invalidToken();
    }
    return token;
  }

  /** The answer for a token that is not the key's current one, or not a token at all. */
  public static io.tkms.error.KmsException invalidToken() {
    return ErrorCode.INVALID_PARAMETER.exception(
        "ImportToken is not the key's current one (call GetParametersForImport)");
  }

  /**
   * ValidTo as a request carries it, a number or a numeric string: 0 (never) or a Unix time up to
   * {@value #MAX_VALID_TO}. Whether it is in the future is checked where the clock is.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER for anything else
   */
  public static long parseValidTo(String text) {
    if (text.isEmpty() || text.length() > 10) {
      throw invalidValidTo();
    }
    long v = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch < '0' || ch > '9') {
        throw invalidValidTo();
      }
      v = v * 10 + (ch - '0');
    }
    if (v > MAX_VALID_TO) {
      throw invalidValidTo();
    }
    return v;
  }

  /** The answer for a ValidTo that is not 0 nor a future time up to {@value #MAX_VALID_TO}. */
  public static io.tkms.error.KmsException invalidValidTo() {
    return ErrorCode.INVALID_PARAMETER.exception(
        "ValidTo must be 0 (never) or a future Unix time not after " + MAX_VALID_TO);
  }

  /**
   * The wrapping key spec; only {@value #WRAPPING_KEY_SPEC}.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER for any other
   */
  public static String parseWrappingKeySpec(String text) {
    if (!WRAPPING_KEY_SPEC.equals(text)) {
      throw ErrorCode.INVALID_PARAMETER.exception("WrappingKeySpec must be RSA_2048");
    }
    return text;
  }

  /**
   * The bytes of EncryptedKeyMaterial: base64 of 1 to {@value #MAX_ENCRYPTED_MATERIAL} bytes.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER otherwise
   */
  public static byte[] parseEncryptedMaterial(String text) {
    if (text.length() > (MAX_ENCRYPTED_MATERIAL + 2) / 3 * 4) {
      throw ErrorCode.INVALID_PARAMETER.exception("EncryptedKeyMaterial is too long");
    }
    byte[] out;
    try {
      out = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_PARAMETER.exception("EncryptedKeyMaterial is not base64");
    }
    if (out.length == 0) {
      throw ErrorCode.INVALID_PARAMETER.exception("EncryptedKeyMaterial is empty");
    }
    return out;
  }
}
