package io.tkms.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tkms.config.ConfigLoader;
import io.tkms.config.KmsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, checked statically: a pinned JRE 17 runtime base (overridable with the build
 * argument {@code RUNTIME_IMAGE}), no build inside the image (it copies the jar the Maven build
 * made), a numeric non-root user matching the Deployment, the ports of the configuration, an
 * exec-form java entrypoint, and a build context of only what it copies. {@code k8s/image-test.sh}
 * (run by {@code .ci/run}) builds and runs the image for real.
 */
class DockerfileTest {
  /** Words that name a build tool or a package manager: none belongs in the runtime image. */
  static final Pattern BUILD_TOOLS =
      Pattern.compile(
          "\\b(mvnw?|gradlew?|javac|gcc|g\\+\\+|make|apt-get|apt|apk|yum|dnf|microdnf)\\b");

  static List<String[]> instructions;

  @BeforeAll
  static void parse() throws Exception {
    instructions = new ArrayList<>();
    StringBuilder logical = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
      String t = line.strip();
      if (logical.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
        continue;
      }
      if (t.endsWith("\\")) {
        logical.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      logical.append(t);
      String[] parts = logical.toString().split("\\s+", 2);
      instructions.add(
          new String[] {
            parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1].strip() : ""
          });
      logical.setLength(0);
    }
  }

  static List<String> args(String instruction) {
    return instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).toList();
  }

  /** The ARGs declared before the first FROM (the only ones a FROM line can use), with defaults. */
  static Map<String, String> globalArgs() {
    Map<String, String> global = new HashMap<>();
    for (String[] i : instructions) {
      if (i[0].equals("FROM")) {
        break;
      }
      if (i[0].equals("ARG")) {
        String[] nameDefault = i[1].split("=", 2);
        global.put(nameDefault[0].strip(), nameDefault.length > 1 ? unquote(nameDefault[1]) : null);
      }
    }
    return global;
  }

  static String unquote(String s) {
    String t = s.strip();
    return t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\""))
        ? t.substring(1, t.length() - 1)
        : t;
  }

  /** The image a FROM line names when built without build arguments. */
  static String defaultImage(String from) {
    String image = from.split("\\s+")[0];
    Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(image);
    StringBuilder resolved = new StringBuilder();
    Map<String, String> global = globalArgs();
    while (m.find()) {
      String value = global.get(m.group(1));
      assertThat(value)
          .as("FROM " + from + ": " + m.group(1) + " is an ARG with a default before the FROM")
          .isNotNull();
      m.appendReplacement(resolved, Matcher.quoteReplacement(value));
    }
    return m.appendTail(resolved).toString();
  }

  @Test
  void runtimeImage_isAPinnedJre17_overridableByBuildArg() {
    List<String> froms = args("FROM");
    assertThat(froms).as("one stage: the image is made from the jar built on the host").hasSize(1);
    assertThat(froms.get(0)).as("the base comes from a build argument").contains("RUNTIME_IMAGE");
    String image = defaultImage(froms.get(0));
    String afterRegistry = image.substring(image.lastIndexOf('/') + 1);
    assertThat(afterRegistry)
        .as("default " + image + " names a tag or digest")
        .containsAnyOf(":", "@");
    String tag =
        afterRegistry.contains("@")
            ? "digest"
            : afterRegistry.substring(afterRegistry.indexOf(':') + 1);
    assertThat(tag).as("default " + image).isNotEqualTo("latest").matches(".*[0-9].*");
    assertThat(image)
        .as("the default runtime is a JRE 17, not a JDK")
        .contains("17")
        .contains("jre");
    assertThat(image).doesNotContain("jdk").doesNotContain("maven").doesNotContain("gradle");
  }

  @Test
  void image_runsNoBuild_andCopiesTheHostBuiltJarAndConfig() {
    for (String[] i : instructions) {
      if (i[0].equals("RUN") || i[0].equals("ENTRYPOINT") || i[0].equals("CMD")) {
        assertThat(BUILD_TOOLS.matcher(i[1]).find()).as(i[0] + " " + i[1]).isFalse();
      }
    }
    assertThat(args("COPY")).noneMatch(c -> c.startsWith("--from="));
    assertThat(args("COPY")).contains("target/kms.jar /app/kms.jar");
    assertThat(args("COPY")).anyMatch(c -> c.startsWith("conf/"));
  }

  @Test
  void user_isNumericNonRoot_andMatchesTheDeployment() {
    List<String> users = args("USER");
    assertThat(users).isNotEmpty();
    String user = users.get(users.size() - 1);
    assertThat(user)
        .as("numeric uid[:gid], so runAsNonRoot can verify it")
        .matches("[0-9]+(:[0-9]+)?");
    long uid = Long.parseLong(user.split(":")[0]);
    assertThat(uid).isPositive();
    Deployment d = Manifests.server(Manifests.parseFile(Manifests.BASE.resolve("deployment.yaml")));
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser())
        .isEqualTo(uid);
    // The last USER must follow the last FROM, or the runtime stage would run as root.
    int lastFrom = -1;
    int lastUser = -1;
    for (int i = 0; i < instructions.size(); i++) {
      lastFrom = instructions.get(i)[0].equals("FROM") ? i : lastFrom;
      lastUser = instructions.get(i)[0].equals("USER") ? i : lastUser;
    }
    assertThat(lastUser).isGreaterThan(lastFrom);
  }

  @Test
  void exposedPorts_areTheConfiguredDefaults() {
    KmsConfig c = ConfigLoader.load(Map.of(), Path.of("conf", "kms.yaml")).config();
    Set<Integer> exposed = new HashSet<>();
    for (String e : args("EXPOSE")) {
      for (String p : e.split("\\s+")) {
        exposed.add(Integer.parseInt(p.replace("/tcp", "")));
      }
    }
    assertThat(exposed)
        .containsExactlyInAnyOrder(
            c.http().port(), c.admin().port(), c.observability().metricsPort());
  }

  @Test
  void entrypoint_isExecFormJava() {
    List<String> entry = args("ENTRYPOINT");
    assertThat(entry).hasSize(1);
    assertThat(entry.get(0))
        .as("exec form, so java is PID 1 and receives SIGTERM")
        .startsWith("[\"java\"");
    assertThat(entry.get(0)).contains("kms.jar");
  }

  @Test
  void dockerignore_letsThroughOnlyWhatIsCopied() throws Exception {
    List<String> patterns =
        Files.readAllLines(Path.of(".dockerignore")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertThat(patterns.get(0))
        .as("everything is left out first: local state (data/), target/ and .git never enter")
        .isEqualTo("*");
    List<String> letThrough =
        patterns.stream().filter(p -> p.startsWith("!")).map(p -> p.substring(1)).toList();
    assertThat(letThrough)
        .as("only the jar of target/ and the configuration")
        .containsExactlyInAnyOrder("target/kms.jar", "conf/");
    for (String copy : args("COPY")) {
      String source = copy.split("\\s+")[0];
      assertThat(letThrough).as("COPY " + copy + " has its source in the context").contains(source);
    }
  }
}
