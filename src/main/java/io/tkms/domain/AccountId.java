package io.tkms.domain;

/** AppIds and uins are decimal unsigned 64-bit numbers carried as strings. */
public final class AccountId {
  private AccountId() {}

  /**
   * True when {@code s} is a canonical decimal unsigned 64-bit number (no sign, no leading zero).
   */
  public static boolean isDecimalU64(String s) {
    if (s == null || s.isEmpty() || s.length() > 20) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    if (s.length() > 1 && s.charAt(0) == '0') {
      return false;
    }
    try {
      Long.parseUnsignedLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
