package io.tkms.domain;

/**
 * Lifecycle state of a CMK, with the wire names both protocols use. What each state allows is
 * decided in one place, {@link #check(Operation)}, so the table is testable as a whole.
 */
public enum KeyState {
  ENABLED("Enabled"),
  DISABLED("Disabled"),
  PENDING_DELETE("PendingDelete");

  /** What a caller wants to do with a key. */
  public enum Operation {
    ENCRYPT,
    DECRYPT,
    GENERATE_DATA_KEY,
    DESCRIBE,
    SET_ALIAS,
    ENABLE,
    DISABLE
  }

  private final String wireName;

  KeyState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static KeyState fromWireName(String name) {
    for (KeyState s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown key state");
  }

  /**
   * Whether {@code op} is allowed in this state.
   *
   * @throws io.tkms.error.KmsException KEY_DISABLED naming the state when it is not
   */
  public void check(Operation op) {
    boolean allowed =
        switch (op) {
          case DESCRIBE, SET_ALIAS -> true;
          case ENCRYPT, DECRYPT, GENERATE_DATA_KEY -> this == ENABLED;
          case ENABLE, DISABLE -> this != PENDING_DELETE;
        };
    if (!allowed) {
      throw io.tkms.error.ErrorCode.KEY_DISABLED.exception("key is " + wireName.toLowerCase(java.util.Locale.ROOT)
          + " (state " + wireName + ")");
    }
  }
}
