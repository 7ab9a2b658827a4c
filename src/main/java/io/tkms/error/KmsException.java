package io.tkms.error;

/**
 * The one exception type for client-visible failures. Stackless: expected outcomes (not found,
 * disabled, throttled) are cheap to raise on the hot path. The message must be safe to return to
 * a client and must never hold secret material.
 */
public final class KmsException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ErrorCode code;

  public KmsException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** Wraps any throwable: a {@link KmsException} as is, anything else as INTERNAL_ERROR. */
  public static KmsException of(Throwable t) {
    return t instanceof KmsException k ? k : ErrorCode.INTERNAL_ERROR.exception();
  }
}
