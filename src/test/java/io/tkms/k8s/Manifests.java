package io.tkms.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Reads the Kubernetes manifests under {@code k8s/} into fabric8's typed model, strictly: a field
 * the model does not know (a typo, or a field of another API version) fails instead of vanishing
 * into {@code additionalProperties}. The Prometheus Operator's kinds, which the model lacks, are
 * read as {@link GenericKubernetesResource} and checked against {@link MonitoringKinds}. Renders
 * overlays with {@code kubectl kustomize}.
 */
final class Manifests {
  static final Path K8S = Path.of("k8s");
  static final Path BASE = K8S.resolve("base");

  /** Prometheus' and Grafana's own files (rules, their unit tests, the dashboard): no objects. */
  static final Path PROMETHEUS_FILES = K8S.resolve("monitoring");

  static final List<String> OVERLAYS = List.of("dev", "prod");
  private static final Map<String, List<HasMetadata>> RENDERED = new ConcurrentHashMap<>();

  private Manifests() {}

  /**
   * Every manifest file: all YAML under k8s/ but the kustomizations, the config copy and
   * Prometheus' files.
   */
  static List<Path> files() {
    try (Stream<Path> s = Files.walk(K8S)) {
      return s.filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .filter(p -> !p.equals(BASE.resolve("kms.yaml")))
          .filter(p -> !p.startsWith(PROMETHEUS_FILES))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<HasMetadata> parseFile(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One or more YAML documents as typed objects; fails on unknown kinds and unknown fields. The
   * Prometheus Operator's kinds come back as {@link GenericKubernetesResource}: their metadata is
   * checked like any other, their spec against {@link MonitoringKinds}. {@code Serialization} is
   * deprecated in fabric8 8 in favour of an instance of {@code KubernetesSerialization}; it behaves
   * the same, including the silent additionalProperties.
   */
  @SuppressWarnings("deprecation")
  static List<HasMetadata> parse(String yaml, String where) {
    Object parsed = Serialization.unmarshal(yaml);
    List<?> items = parsed instanceof List<?> l ? l : List.of(parsed);
    List<HasMetadata> out = new ArrayList<>();
    for (Object item : items) {
      if (item instanceof GenericKubernetesResource g && MonitoringKinds.knows(g)) {
        String what = where + " " + g.getKind() + "/" + g.getMetadata().getName();
        requireNoUnknownFields(g.getMetadata(), what + " metadata");
        MonitoringKinds.requireKnownFields(g, what);
        out.add(g);
        continue;
      }
      if (!(item instanceof HasMetadata r) || item instanceof GenericKubernetesResource) {
        fail(where + ": not a Kubernetes kind the model knows: " + item);
        return out;
      }
      requireNoUnknownFields(r, where + " " + r.getKind() + "/" + r.getMetadata().getName());
      out.add(r);
    }
    return out;
  }

  /** Strict mode: walks the whole object graph and fails on any non-empty additionalProperties. */
  static void requireNoUnknownFields(Object root, String where) {
    List<String> unknown = new ArrayList<>();
    walk(root, "", unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
    assertThat(unknown)
        .as(where + ": fields the Kubernetes model does not know (typo or wrong level?)")
        .isEmpty();
  }

  private static void walk(Object o, String path, List<String> unknown, Set<Object> seen) {
    if (o instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", unknown, seen);
      }
    } else if (o instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
    } else if (o != null && o.getClass().getName().startsWith("io.fabric8.") && seen.add(o)) {
      for (Class<?> c = o.getClass(); c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers())) {
            continue;
          }
          Object v = read(f, o);
          if (f.getName().equals("additionalProperties")) {
            if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
              unknown.add((path.isEmpty() ? "." : path) + " " + extra.keySet());
            }
          } else {
            walk(v, path + "." + f.getName(), unknown, seen);
          }
        }
      }
    }
  }

  private static Object read(Field f, Object o) {
    try {
      f.setAccessible(true);
      return f.get(o);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code kubectl kustomize k8s/overlays/<overlay>}, parsed strictly. Without kubectl the calling
   * test is skipped (loudly), except with {@code CI=true}, where it fails.
   */
  static List<HasMetadata> rendered(String overlay) {
    return RENDERED.computeIfAbsent(
        overlay,
        o -> parse(render(K8S.resolve("overlays").resolve(o)), "kubectl kustomize overlays/" + o));
  }

  private static String render(Path dir) {
    Process p;
    try {
      p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
    } catch (IOException e) {
      String why =
          "kubectl is not installed ("
              + e.getMessage()
              + "): the rendered overlays are NOT checked";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + "; CI=true requires kubectl");
      }
      System.err.println("*** SKIPPED: " + why + " ***");
      Assumptions.abort(why);
      throw new IllegalStateException(e);
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("kubectl kustomize " + dir + " did not finish in 120 s");
      }
      assertThat(p.exitValue()).as("kubectl kustomize " + dir + ": " + err.get()).isZero();
      return out.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String drain(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- lookups -------------------------------------------------------------------------------

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind, String name) {
    List<T> found =
        all(objects, kind).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
    assertThat(found).as(kind.getSimpleName() + " " + name).hasSize(1);
    return found.get(0);
  }

  /** The objects of a kind the model lacks ({@link MonitoringKinds}), e.g. "ServiceMonitor". */
  static List<GenericKubernetesResource> custom(List<HasMetadata> objects, String kind) {
    return all(objects, GenericKubernetesResource.class).stream()
        .filter(g -> g.getKind().equals(kind))
        .toList();
  }

  /** The server's Deployment and its container. */
  static Deployment server(List<HasMetadata> objects) {
    return one(objects, Deployment.class, "kms");
  }

  static Container serverContainer(List<HasMetadata> objects) {
    List<Container> cs = server(objects).getSpec().getTemplate().getSpec().getContainers();
    assertThat(cs).extracting(Container::getName).containsExactly("kms");
    return cs.get(0);
  }

  static ConfigMap serverConfigMap(List<HasMetadata> objects) {
    List<ConfigMap> cms =
        all(objects, ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().startsWith("kms-config"))
            .toList();
    assertThat(cms).as("the generated kms-config ConfigMap").hasSize(1);
    return cms.get(0);
  }

  /** Pod templates of every workload, by "Kind/name". */
  static Map<String, PodTemplateSpec> podTemplates(List<HasMetadata> objects) {
    Map<String, PodTemplateSpec> out = new LinkedHashMap<>();
    all(objects, Deployment.class)
        .forEach(
            d -> out.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
    all(objects, StatefulSet.class)
        .forEach(
            s -> out.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
    return out;
  }

  /** The example Secrets (every *.example.yaml): name to key to value. */
  static Map<String, Map<String, String>> exampleSecrets() {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (Path f : files()) {
      if (f.getFileName().toString().endsWith(".example.yaml")) {
        for (Secret s : all(parseFile(f), Secret.class)) {
          Map<String, String> values = new TreeMap<>(s.getStringData());
          s.getData()
              .forEach(
                  (k, v) ->
                      values.put(
                          k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
          out.merge(
              s.getMetadata().getName(),
              values,
              (a, b) -> {
                a.putAll(b);
                return a;
              });
        }
      }
    }
    return out;
  }

  /** Label-selector semantics (matchLabels and the four matchExpressions operators). */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
      String v = labels.get(r.getKey());
      boolean ok =
          switch (r.getOperator()) {
            case "In" -> v != null && r.getValues().contains(v);
            case "NotIn" -> v == null || !r.getValues().contains(v);
            case "Exists" -> v != null;
            case "DoesNotExist" -> v == null;
            default -> throw new IllegalArgumentException("operator " + r.getOperator());
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A Service's selector: every label must match; an empty one selects nothing. */
  static boolean selects(Map<String, String> serviceSelector, Map<String, String> labels) {
    return !serviceSelector.isEmpty()
        && serviceSelector.entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
