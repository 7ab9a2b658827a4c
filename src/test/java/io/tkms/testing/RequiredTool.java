package io.tkms.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A command-line tool a test needs (promtool, prometheus, …): its path, or the test is skipped with
 * a loud message, except under {@code CI=true}, where a missing tool is a failure ({@code .ci/run}
 * installs them).
 */
public final class RequiredTool {
  private RequiredTool() {}

  /** The absolute path of {@code name} on the PATH; skips (fails under CI) when it is not there. */
  public static String path(String name, String installedBy) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    String msg =
        "\n********************************************************************************\n"
            + "*** SKIPPED: "
            + name
            + " is not on the PATH (it comes with "
            + installedBy
            + ").\n"
            + "********************************************************************************";
    System.err.println(msg);
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + name + " is missing: " + installedBy);
    }
    Assumptions.abort(msg);
    throw new AssertionError("unreachable");
  }
}
