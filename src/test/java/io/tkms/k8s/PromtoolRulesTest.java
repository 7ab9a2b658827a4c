package io.tkms.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code promtool} (Prometheus' own checker) accepts the alert rules and passes their unit tests,
 * {@code k8s/monitoring/alerts.test.yaml}. Without promtool on the PATH the tests are skipped with
 * a loud message, except under {@code CI=true}, where that is a failure ({@code .ci/run} installs
 * Debian's {@code prometheus}, which brings it).
 */
class PromtoolRulesTest {
  private static final String INSTALLED_BY =
      "Debian's prometheus: apt-get install --no-install-recommends prometheus";

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
    List<String> cmd = new ArrayList<>(List.of(RequiredTool.path("promtool", INSTALLED_BY)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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
}
