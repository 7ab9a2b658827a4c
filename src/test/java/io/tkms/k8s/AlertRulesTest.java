package io.tkms.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.k8s.AlertRules.Alert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules are complete and agree with what refers to them: every alert says how bad it is,
 * what it means and where its runbook is (a heading of docs/operations.md), fires in a promtool
 * unit test, is listed in docs/metrics.md, and is carried unchanged by the PrometheusRule; and
 * {@code set-runbook-base.sh} rewrites the runbook links and nothing else. Whether the rules are
 * valid PromQL and behave as their tests say is {@link PromtoolRulesTest}'s job.
 */
class AlertRulesTest {
  private static final Pattern NAME = Pattern.compile("Kms[A-Z][A-Za-z0-9]*");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning");
  private static final Pattern RUNBOOK_URL = Pattern.compile("(https?://[^#\\s]+)#([^#\\s]+)");

  @TempDir Path tmp;

  @Test
  void everyAlert_isNamedSeveredSummarisedDescribed() {
    List<Alert> alerts = AlertRules.alerts();
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(12);
    assertThat(alerts.stream().map(Alert::name)).doesNotHaveDuplicates();
    for (Alert a : alerts) {
      String what = a.name() + " (group " + a.group() + ")";
      assertThat(a.name()).as(what + ": CamelCase, prefixed Kms").matches(NAME);
      assertThat(a.rule()).as(what).containsKeys("expr", "labels", "annotations");
      assertThat(String.valueOf(a.labels().get("severity")))
          .as(what + " labels.severity")
          .isIn(SEVERITIES);
      assertThat(a.annotations())
          .as(what + " annotations")
          .containsOnlyKeys("summary", "description", "runbook_url");
      assertThat(a.annotation("summary")).as(what + " summary").isNotBlank().contains("$labels.");
      assertThat(a.annotation("description"))
          .as(what + " description: says what it means, with its thresholds")
          .hasSizeGreaterThan(80)
          .containsPattern("[0-9]");
      if (!a.expr().contains("without (instance")) {
        assertThat(a.annotation("summary"))
            .as(what + " summary names the replica")
            .contains("{{ $labels.instance }}");
      }
      if (a.expr().contains("kms_limiter_throttled_by_account")) {
        assertThat(a.annotation("summary"))
            .as(what + " summary names the account")
            .contains("{{ $labels.account }}");
      }
      if (a.expr().contains("without (protocol, result)")
          || a.expr().contains("without (protocol, outcome)")) {
        assertThat(a.annotation("summary"))
            .as(what + " summary names the action")
            .contains("{{ $labels.action }}");
      }
    }
  }

  @Test
  void runbookUrls_pointAtTheAlertsHeadingInOperationsMd() throws IOException {
    String runbook = Files.readString(AlertRules.RUNBOOK);
    Set<String> anchors = AlertRules.headingAnchors(runbook);
    List<String> alertHeadings = AlertRules.subheadings(runbook, "Alerts", 3);
    Set<String> bases = new TreeSet<>();
    for (Alert a : AlertRules.alerts()) {
      Matcher m = RUNBOOK_URL.matcher(a.annotation("runbook_url"));
      assertThat(m.matches())
          .as(a.name() + " runbook_url <base>#<anchor>: " + a.annotation("runbook_url"))
          .isTrue();
      bases.add(m.group(1));
      assertThat(m.group(2))
          .as(a.name() + ": the anchor of its heading in docs/operations.md")
          .isEqualTo(a.name().toLowerCase(Locale.ROOT));
      assertThat(anchors)
          .as(a.name() + ": docs/operations.md has a heading whose anchor is " + m.group(2))
          .contains(m.group(2));
      assertThat(alertHeadings)
          .as("docs/operations.md, section Alerts, has a heading ### " + a.name())
          .contains(a.name());
    }
    assertThat(bases).as("one runbook base for every alert").hasSize(1);
    assertThat(bases.iterator().next()).endsWith("/docs/operations.md");
    assertThat(alertHeadings)
        .as("docs/operations.md, section Alerts: one heading per alert, none for an alert gone")
        .containsExactlyInAnyOrderElementsOf(
            AlertRules.alerts().stream().map(Alert::name).toList());
  }

  @Test
  void headingAnchors_followGitHub() {
    assertThat(
            AlertRules.headingAnchors(
                "# Operations\n## When things fail\n```\n# not a heading\n```\n"
                    + "### Start on a PKCS#11 token (SoftHSM2 as the example)\n### KmsHsaDown\n"
                    + "## When things fail\n"))
        .containsExactly(
            "operations",
            "when-things-fail",
            "start-on-a-pkcs11-token-softhsm2-as-the-example",
            "kmshsadown",
            "when-things-fail-1");
  }

  @Test
  void everyAlert_firesInAPromtoolTest() {
    assertThat(AlertRules.load(AlertRules.TESTS))
        .extracting(t -> AlertRules.map(t).get("rule_files"))
        .isEqualTo(List.of("alerts.yaml"));
    Set<String> fired = AlertRules.alertsExpectedToFire(AlertRules.TESTS);
    for (Alert a : AlertRules.alerts()) {
      assertThat(fired)
          .as(a.name() + ": alerts.test.yaml has a test whose exp_alerts expects it to fire")
          .contains(a.name());
    }
  }

  @Test
  void prometheusRule_carriesExactlyTheGroupsOfAlertsYaml() {
    assertThat(AlertRules.prometheusRuleGroups(AlertRules.PROMETHEUS_RULE))
        .as(
            "spec.groups of "
                + AlertRules.PROMETHEUS_RULE
                + " must equal the groups of "
                + AlertRules.RULES
                + ": copy them with the command in the PrometheusRule's header comment")
        .isEqualTo(AlertRules.groups(AlertRules.RULES));
  }

  @Test
  void metricsMd_listsEveryAlertWithItsSeverity() throws IOException {
    String metrics = Files.readString(Path.of("docs", "metrics.md"));
    int section = metrics.indexOf("\n## Alerts and the monitoring component\n");
    assertThat(section).as("docs/metrics.md has the section on alerts").isPositive();
    String text = metrics.substring(section);
    for (Alert a : AlertRules.alerts()) {
      assertThat(text)
          .as("docs/metrics.md's alert table has a row for " + a.name() + " with its severity")
          .containsPattern(
              "(?m)^\\| \\[?" + a.name() + "\\b.*\\| " + a.labels().get("severity") + " \\|");
    }
  }

  @Test
  void setRunbookBase_rewritesOnlyTheRunbookUrls() throws Exception {
    Path monitoring = Files.createDirectories(tmp.resolve("k8s/monitoring"));
    Path component = Files.createDirectories(tmp.resolve("k8s/components/monitoring"));
    Path script =
        Files.copy(AlertRules.SET_RUNBOOK_BASE, monitoring.resolve("set-runbook-base.sh"));
    Path rules = Files.copy(AlertRules.RULES, monitoring.resolve("alerts.yaml"));
    Path rule = Files.copy(AlertRules.PROMETHEUS_RULE, component.resolve("prometheusrule.yaml"));
    String base = "https://git.example.com/infra/tkms/-/blob/v2/docs/operations.md";

    Run ok = run(script.toString(), base);
    assertThat(ok.exit()).as(ok.output()).isZero();

    for (Path[] pair :
        new Path[][] {{AlertRules.RULES, rules}, {AlertRules.PROMETHEUS_RULE, rule}}) {
      List<String> before = Files.readAllLines(pair[0]);
      List<String> after = Files.readAllLines(pair[1]);
      assertThat(after).hasSameSizeAs(before);
      int changed = 0;
      for (int i = 0; i < before.size(); i++) {
        String was = before.get(i);
        if (was.strip().startsWith("runbook_url:")) {
          String anchor = was.substring(was.indexOf('#'));
          assertThat(after.get(i))
              .isEqualTo(
                  was.substring(0, was.indexOf("runbook_url:")) + "runbook_url: " + base + anchor);
          changed++;
        } else {
          assertThat(after.get(i)).as(pair[1] + " line " + (i + 1) + " unchanged").isEqualTo(was);
        }
      }
      assertThat(changed).isEqualTo(AlertRules.alerts().size());
    }
    assertThat(AlertRules.prometheusRuleGroups(rule)).isEqualTo(AlertRules.groups(rules));
    assertThat(AlertRules.alerts(AlertRules.groups(rules)))
        .allSatisfy(a -> assertThat(a.annotation("runbook_url")).startsWith(base + "#"));

    String edited = Files.readString(rules);
    for (String bad : List.of("https://x.example/a b", "https://x.example/a#b", "x.example/a")) {
      Run refused = run(script.toString(), bad);
      assertThat(refused.exit()).as(bad + ": " + refused.output()).isEqualTo(2);
    }
    assertThat(Files.readString(rules)).as("a refused base changes nothing").isEqualTo(edited);
    assertThat(run(script.toString()).exit()).as("no base: usage").isEqualTo(2);
  }

  private record Run(int exit, String output) {}

  private Run run(String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash"));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", cmd) + " finishes").isTrue();
    return new Run(p.exitValue(), out);
  }
}
