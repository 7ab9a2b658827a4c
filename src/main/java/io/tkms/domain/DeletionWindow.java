package io.tkms.domain;

import io.tkms.error.ErrorCode;

/** How long a key waits in PendingDelete before it is purged: 7 to 30 days, chosen per request. */
public final class DeletionWindow {
  public static final int MIN_DAYS = 7;
  public static final int MAX_DAYS = 30;

  private DeletionWindow() {}

  /**
   * {@code days} as a window length.
   *
   * @throws io.tkms.error.KmsException INVALID_PENDING_WINDOW outside 7..30
   */
  public static int days(long days) {
    if (days < MIN_DAYS || days > MAX_DAYS) {
      throw ErrorCode.INVALID_PENDING_WINDOW.exception();
    }
    return (int) days;
  }
}
