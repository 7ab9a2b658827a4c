package io.tkms.error;

/**
 * The one exception type for client-visible failures. Stackless: expected outcomes (not found,
 * disabled, throttled) are cheap to raise on the hot path. The message must be safe to return to a
 * client and must never hold secret material.
 */
public final class KmsException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ErrorCode code;
  private final String internalDetail;

  public KmsException(ErrorCode code, String message) {
    this(code, message, null);
  }

  private KmsException(ErrorCode code, String message, String internalDetail) {
    super(message, null, false, false);
    this.code = code;
    this.internalDetail = internalDetail;
  }

  /**
   * An INTERNAL_ERROR that remembers, for the operator's log only, what went wrong (a class name or
   * a database state — never a value). The request pipeline logs it once, with the request id.
   */
  public static KmsException internal(String internalDetail) {
    return new KmsException(
        ErrorCode.INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR.message(), internalDetail);
  }

  /** What the operator's log should say about an internal error; null for client errors. */
  public String internalDetail() {
    return internalDetail;
  }

  public ErrorCode code() {
    return code;
  }

  /** Wraps any throwable: a {@link KmsException} as is, anything else as INTERNAL_ERROR. */
  public static KmsException of(Throwable t) {
    return t instanceof KmsException k ? k : ErrorCode.INTERNAL_ERROR.exception();
  }
}
