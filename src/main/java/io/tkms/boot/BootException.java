package io.tkms.boot;

/** A start-up failure whose message tells the operator what to fix; printed without a trace. */
public final class BootException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BootException(String message) {
    super(message, null, false, false);
  }
}
