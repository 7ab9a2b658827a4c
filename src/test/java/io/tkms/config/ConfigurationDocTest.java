package io.tkms.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md}'s table of settings is generated from the {@link Setting} registry,
 * so it cannot drift: this test renders the table and fails when the file differs. After changing a
 * setting, regenerate it with {@code ./mvnw test -Dtest=ConfigurationDocTest
 * -Dkms.docs.regenerate=true} and commit the file.
 */
class ConfigurationDocTest {
  static final Path DOC = Path.of("docs", "configuration.md");
  static final String BEGIN =
      "<!-- BEGIN GENERATED settings: rendered from io.tkms.config.Setting by ConfigurationDocTest; do not edit by hand -->";
  static final String END = "<!-- END GENERATED settings -->";

  /** The table, one row per setting in registry order. */
  static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Variable | `conf/kms.yaml` key | Default | Secret | Meaning |\n");
    sb.append("|---|---|---|---|---|\n");
    for (Setting s : Setting.values()) {
      String variable = "`" + s.env() + "`" + (s.secret() ? " / `" + s.env() + "_FILE`" : "");
      String key = "`" + s.key() + "`" + (s.secret() ? " / `" + s.key() + "_file`" : "");
      String def = s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
      sb.append("| ")
          .append(variable)
          .append(" | ")
          .append(key)
          .append(" | ")
          .append(def)
          .append(" | ")
          .append(s.secret() ? "yes" : "")
          .append(" | ")
          .append(s.description().replace("|", "\\|"))
          .append(" |\n");
    }
    return sb.toString();
  }

  @Test
  void settingsTable_isTheRegistryRendered() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("%s holds the line %s", DOC, BEGIN).isNotNegative();
    assertThat(end).as("%s holds the line %s", DOC, END).isGreaterThan(begin);
    String expected =
        doc.substring(0, begin + BEGIN.length()) + "\n" + render() + doc.substring(end);
    if (!expected.equals(doc) && Boolean.getBoolean("kms.docs.regenerate")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
      return;
    }
    assertThat(doc)
        .as(
            "%s is out of date with the Setting registry: run"
                + " ./mvnw test -Dtest=ConfigurationDocTest -Dkms.docs.regenerate=true and commit the file",
            DOC)
        .isEqualTo(expected);
  }

  @Test
  void everySecretSetting_isMarkedAsOne() {
    // The _FILE spelling is documented only for secrets, which are the only settings that accept
    // it.
    for (Setting s : Setting.values()) {
      assertThat(Setting.isKnownEnv(s.env() + "_FILE")).as(s.env()).isEqualTo(s.secret());
    }
  }
}
