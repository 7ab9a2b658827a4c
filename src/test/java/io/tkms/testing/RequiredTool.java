package io.tkms.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What tests need from outside the JVM (a command such as promtool, prometheus or openssl, a Redis,
 * a token): found, or the test is skipped with a loud message, except under {@code CI=true}, where
 * anything missing is a failure ({@code .ci/run} installs and starts what the tests need).
 */
public final class RequiredTool {
  private RequiredTool() {}

  /** The absolute path of {@code name} on the PATH; skips (fails under CI) when it is not there. */
  public static String path(String name, String installedBy) {
    Path found = find(name);
    if (found == null) {
      unavailable(
          name + " tests", name + " is not on the PATH (it comes with " + installedBy + ")");
    }
    return found.toString();
  }

  /** Whether {@code name} is an executable on the PATH. */
  public static boolean onPath(String name) {
    return find(name) != null;
  }

  private static Path find(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name);
      }
    }
    return null;
  }

  /**
   * Skips the calling test with a loud message naming {@code tests} and {@code why}; under {@code
   * CI=true} fails instead. Never returns normally.
   */
  public static void unavailable(String tests, String why) {
    String msg =
        "\n********************************************************************************\n"
            + "*** "
            + tests
            + " SKIPPED: "
            + why
            + ".\n"
            + "********************************************************************************";
    System.err.println(msg);
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + tests + " cannot run: " + why);
    }
    Assumptions.abort(msg);
    throw new AssertionError("unreachable");
  }
}
