package io.tkms.domain;

import io.tkms.error.ErrorCode;

/**
 * The alias rule, shared by both protocols: {@code [A-Za-z0-9_-]}, first character a letter or
 * digit, case-sensitive, prefix {@code kms-} reserved, 1..maxLength characters.
 */
public final class Alias {
  /** API 2.0 allows up to 32 characters. */
  public static final int V2_MAX = 32;

  /** API 3.0 allows up to 60 characters. */
  public static final int V3_MAX = 60;

  private Alias() {}

  /**
   * Validates {@code alias}.
   *
   * @throws io.tkms.error.KmsException INVALID_ALIAS
   */
  public static String validate(String alias, int maxLength) {
    if (alias == null || alias.isEmpty() || alias.length() > maxLength) {
      throw ErrorCode.INVALID_ALIAS.exception("alias must be 1 to " + maxLength + " characters");
    }
    for (int i = 0; i < alias.length(); i++) {
      char c = alias.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!(alnum || (i > 0 && (c == '_' || c == '-')))) {
        throw ErrorCode.INVALID_ALIAS.exception(
            "alias may hold only letters, digits, '_' and '-', and must start with a letter or digit");
      }
    }
    if (alias.startsWith("kms-")) {
      throw ErrorCode.INVALID_ALIAS.exception("the alias prefix kms- is reserved");
    }
    return alias;
  }
}
