package io.tkms.cli;

/**
 * A failure the command line reports as one line on stderr and an exit code from {@link ExitCodes}.
 * Stackless: it is an expected outcome, not a bug. Messages never hold the admin token or a
 * credential's secret.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final int httpStatus;
  private final String serverError;

  private CliException(int exitCode, String message, int httpStatus, String serverError) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.httpStatus = httpStatus;
    this.serverError = serverError;
  }

  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message, 0, "");
  }

  static CliException unavailable(String message) {
    return new CliException(ExitCodes.UNAVAILABLE, message, 0, "");
  }

  /**
   * The server answered {@code status}; {@code serverError} is its {@code error} text ("" if none).
   */
  static CliException answered(int exitCode, String message, int status, String serverError) {
    return new CliException(exitCode, message, status, serverError);
  }

  int exitCode() {
    return exitCode;
  }

  /** The HTTP status the server answered, or 0 when there was no answer. */
  int httpStatus() {
    return httpStatus;
  }

  /** The server's {@code error} message, or "". */
  String serverError() {
    return serverError;
  }
}
