package io.tkms.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules of {@code k8s/monitoring/alerts.yaml}, their promtool unit tests and the
 * PrometheusRule that carries them, read as plain YAML; and the anchors GitHub gives the headings
 * of a Markdown document.
 */
final class AlertRules {
  static final Path DIR = Manifests.K8S.resolve("monitoring");
  static final Path RULES = DIR.resolve("alerts.yaml");
  static final Path TESTS = DIR.resolve("alerts.test.yaml");
  static final Path SET_RUNBOOK_BASE = DIR.resolve("set-runbook-base.sh");
  static final Path COMPONENT = Manifests.K8S.resolve("components").resolve("monitoring");
  static final Path PROMETHEUS_RULE = COMPONENT.resolve("prometheusrule.yaml");
  static final Path RUNBOOK = Path.of("docs", "operations.md");

  /** One alerting rule: its group, name and the rest of its fields as written. */
  record Alert(String group, String name, Map<String, Object> rule) {
    String expr() {
      return String.valueOf(rule.get("expr"));
    }

    Map<String, Object> labels() {
      return map(rule.get("labels"));
    }

    Map<String, Object> annotations() {
      return map(rule.get("annotations"));
    }

    String annotation(String key) {
      Object v = annotations().get(key);
      return v == null ? "" : v.toString();
    }
  }

  private AlertRules() {}

  static Object load(Path file) {
    try {
      return new Yaml().load(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code groups} of a rules file. */
  static List<Object> groups(Path rulesFile) {
    return list(map(load(rulesFile)).get("groups"));
  }

  /** The {@code spec.groups} of the PrometheusRule file. */
  static List<Object> prometheusRuleGroups(Path file) {
    return list(map(map(load(file)).get("spec")).get("groups"));
  }

  /** Every rule of the groups that has an {@code alert} name, in file order. */
  static List<Alert> alerts(List<Object> groups) {
    List<Alert> out = new ArrayList<>();
    for (Object g : groups) {
      Map<String, Object> group = map(g);
      for (Object r : list(group.get("rules"))) {
        Map<String, Object> rule = map(r);
        if (rule.containsKey("alert")) {
          out.add(new Alert(String.valueOf(group.get("name")), rule.get("alert").toString(), rule));
        }
      }
    }
    return out;
  }

  static List<Alert> alerts() {
    return alerts(groups(RULES));
  }

  /** The alerts some test of the promtool test file expects to fire, by name. */
  static Set<String> alertsExpectedToFire(Path testFile) {
    Set<String> out = new LinkedHashSet<>();
    for (Object t : list(map(load(testFile)).get("tests"))) {
      for (Object a : list(map(t).get("alert_rule_test"))) {
        Map<String, Object> check = map(a);
        if (!list(check.get("exp_alerts")).isEmpty()) {
          out.add(String.valueOf(check.get("alertname")));
        }
      }
    }
    return out;
  }

  /**
   * The anchors GitHub makes for a Markdown document's headings (outside fenced code): the text
   * lower-cased, every character but letters, digits, spaces, '-' and '_' dropped, spaces made '-';
   * a repeated anchor gets "-1", "-2", ...
   */
  static Set<String> headingAnchors(String markdown) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String heading : headings(markdown)) {
      String slug =
          heading
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum);
      out.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return out;
  }

  /** The text of every ATX heading ({@code #} to {@code ######}) outside fenced code. */
  static List<String> headings(String markdown) {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.matches("#{1,6} .*")) {
        out.add(line.replaceFirst("^#{1,6} +", "").replaceFirst(" +#* *$", "").strip());
      }
    }
    return out;
  }

  /** The headings of level {@code level} under the first heading "{@code ## title}". */
  static List<String> subheadings(String markdown, String title, int level) {
    List<String> out = new ArrayList<>();
    boolean inside = false;
    boolean fenced = false;
    String mark = "#".repeat(level) + " ";
    for (String line : markdown.split("\n", -1)) {
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.startsWith("## ")) {
        inside = line.equals("## " + title);
      } else if (!fenced && inside && line.startsWith(mark)) {
        out.add(line.substring(mark.length()).strip());
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }
}
