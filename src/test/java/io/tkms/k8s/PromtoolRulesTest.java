package io.tkms.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code promtool} (Prometheus' own checker, Debian's {@code prometheus} package) accepts the alert
 * rules and passes their unit tests, {@code k8s/monitoring/alerts.test.yaml}. Without promtool on
 * the PATH the tests are skipped with a loud message, except under {@code CI=true}, where that is a
 * failure ({@code .ci/run} installs it).
 */
class PromtoolRulesTest {
  @Test
  void promtool_checksTheRules() throws Exception {
    Run r = promtool("check", "rules", AlertRules.RULES.toString());
    assertThat(r.exit())
        .as("promtool check rules " + AlertRules.RULES + ":\n" + r.output())
        .isZero();
    assertThat(r.output()).contains("SUCCESS: " + AlertRules.alerts().size() + " rules found");
  }

  @Test
  void promtool_passesTheRulesUnitTests() throws Exception {
    Run r = promtool("test", "rules", AlertRules.TESTS.toString());
    assertThat(r.exit())
        .as("promtool test rules " + AlertRules.TESTS + ":\n" + r.output())
        .isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  private record Run(int exit, String output) {}

  private static Run promtool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("promtool"));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      unavailable("promtool is not on the PATH (" + e.getMessage() + ")");
      throw e;
    }
    p.getOutputStream().close();
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(output unreadable: " + e + ")";
              }
            });
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 120 s");
    }
    return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS));
  }

  private static void unavailable(String why) {
    String msg =
        "\n********************************************************************************\n"
            + "*** Alert rule tests SKIPPED: "
            + why
            + ".\n"
            + "*** The rules are NOT checked: install Debian's prometheus\n"
            + "*** (apt-get install --no-install-recommends prometheus) for promtool.\n"
            + "********************************************************************************";
    System.err.println(msg);
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and no promtool for the alert rule tests: " + why);
    }
    Assumptions.abort(msg);
  }
}
