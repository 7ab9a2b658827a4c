package io.tkms.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The admin command line's exit codes; scripts rely on them, so they never change meaning. */
public final class ExitCodes {
  /** The server did what was asked. */
  public static final int OK = 0;

  /** The server refused the request (HTTP 4xx: bad token, bad input, unknown, conflict). */
  public static final int REFUSED = 1;

  /** The command line itself is wrong (unknown command or option, bad value, no token). */
  public static final int USAGE = 2;

  /** No usable answer: cannot connect, timed out, server error (5xx) or an unreadable answer. */
  public static final int UNAVAILABLE = 3;

  private ExitCodes() {}

  /** Code → meaning, in the order the help shows them. */
  static Map<String, String> described() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Integer.toString(OK), "done");
    m.put(
        Integer.toString(REFUSED),
        "the server refused the request (HTTP 4xx: wrong token, bad input, not found, conflict)");
    m.put(
        Integer.toString(USAGE),
        "usage error (unknown command or option, bad value, no admin token)");
    m.put(
        Integer.toString(UNAVAILABLE),
        "cannot connect, timed out, server error (HTTP 5xx) or unreadable answer");
    return m;
  }
}
