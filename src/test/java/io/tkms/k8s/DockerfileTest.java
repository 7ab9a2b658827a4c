package io.tkms.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tkms.config.ConfigLoader;
import io.tkms.config.KmsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, checked statically (no container engine runs on the build machines): pinned base
 * images, a numeric non-root user matching the Deployment, the ports of the configuration, and an
 * exec-form java entrypoint.
 */
class DockerfileTest {
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

  @Test
  void baseImages_arePinnedByTag() {
    List<String> froms = args("FROM");
    Set<String> stages = new HashSet<>();
    assertThat(froms).as("multi-stage: a build and a runtime stage").hasSizeGreaterThanOrEqualTo(2);
    for (String from : froms) {
      String[] words = from.split("\\s+");
      String image = words[0];
      if (!stages.contains(image)) {
        String afterRegistry = image.substring(image.lastIndexOf('/') + 1);
        assertThat(afterRegistry)
            .as("FROM " + from + " names a tag or digest")
            .containsAnyOf(":", "@");
        String tag =
            afterRegistry.contains("@")
                ? "digest"
                : afterRegistry.substring(afterRegistry.indexOf(':') + 1);
        assertThat(tag).as("FROM " + from).isNotEqualTo("latest").matches(".*[0-9].*");
      }
      if (words.length == 3 && words[1].equalsIgnoreCase("AS")) {
        stages.add(words[2]);
      }
    }
    assertThat(froms.get(froms.size() - 1))
        .as("the runtime stage is a JRE 17")
        .contains("17")
        .contains("jre");
  }

  @Test
  void build_usesTheWrapper_andTheRuntimeCopiesTheJarAndConfig() {
    assertThat(args("RUN"))
        .anyMatch(r -> r.contains("./mvnw") && r.contains("package") && r.contains("-DskipTests"));
    assertThat(args("COPY")).anyMatch(c -> c.startsWith("--from=") && c.contains("target/kms.jar"));
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
  void dockerignore_keepsBuildOutputLocalStateAndGitOut() throws Exception {
    List<String> ignored =
        Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip).toList();
    assertThat(ignored).contains("target/", "data/", ".git");
  }
}
