package io.tkms.k8s;

import static io.tkms.k8s.Manifests.all;
import static io.tkms.k8s.Manifests.custom;
import static io.tkms.k8s.Manifests.one;
import static io.tkms.k8s.Manifests.rendered;
import static io.tkms.k8s.Manifests.server;
import static io.tkms.k8s.Manifests.serverContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.tkms.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The monitoring component ({@code k8s/components/monitoring}): a kustomize Component whose
 * ServiceMonitor scrapes the server's metrics port through the Service, and whose PrometheusRule
 * carries the alert rules; the prod overlay includes it. The two kinds are the Prometheus
 * Operator's, which fabric8 has no classes for: {@link MonitoringKinds} checks their fields.
 */
class MonitoringManifestTest {
  private static final Map<String, String> LABELS =
      Map.of("app.kubernetes.io/name", "kms", "app.kubernetes.io/part-of", "tkms");

  @Test
  void component_isAKustomizeComponentOfTheTwoObjects() {
    Map<String, Object> k =
        AlertRules.map(AlertRules.load(AlertRules.COMPONENT.resolve("kustomization.yaml")));
    assertThat(k.get("apiVersion")).isEqualTo("kustomize.config.k8s.io/v1alpha1");
    assertThat(k.get("kind")).isEqualTo("Component");
    assertThat(AlertRules.list(k.get("resources")))
        .containsExactlyInAnyOrder("prometheusrule.yaml", "servicemonitor.yaml");
  }

  @Test
  void theDashboardCopy_isByteForByteTheShippedDashboard() throws Exception {
    assertThat(Files.readString(AlertRules.COMPONENT.resolve("dashboard.json")))
        .as("k8s/components/monitoring/dashboard.json: cp k8s/monitoring/dashboard.json there")
        .isEqualTo(Files.readString(Path.of("k8s", "monitoring", "dashboard.json")));
  }

  @Test
  void prod_rendersTheDashboard_asAConfigMapForGrafanasSidecar() throws Exception {
    List<HasMetadata> r = rendered("prod");
    ConfigMap dashboard = one(r, ConfigMap.class, "kms-dashboard");
    assertThat(dashboard.getMetadata().getNamespace())
        .isEqualTo(server(r).getMetadata().getNamespace());
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData())
        .containsOnlyKeys("dashboard.json")
        .containsEntry(
            "dashboard.json", Files.readString(Path.of("k8s", "monitoring", "dashboard.json")));
  }

  @Test
  void componentFiles_areTheOperatorsKinds_labelledLikeTheServer_withoutNamespace() {
    List<HasMetadata> rule = Manifests.parseFile(AlertRules.PROMETHEUS_RULE);
    List<HasMetadata> monitor =
        Manifests.parseFile(AlertRules.COMPONENT.resolve("servicemonitor.yaml"));
    assertThat(custom(rule, "PrometheusRule")).hasSize(1);
    assertThat(custom(monitor, "ServiceMonitor")).hasSize(1);
    Service service =
        one(Manifests.parseFile(Manifests.BASE.resolve("service.yaml")), Service.class, "kms");
    for (HasMetadata o : List.of(rule.get(0), monitor.get(0))) {
      String what = o.getKind() + "/" + o.getMetadata().getName();
      assertThat(o.getApiVersion()).as(what).isEqualTo(MonitoringKinds.API_VERSION);
      assertThat(o.getMetadata().getName()).as(what).isEqualTo("kms");
      assertThat(o.getMetadata().getNamespace()).as(what + ": the overlay sets it").isNull();
      assertThat(o.getMetadata().getLabels())
          .as(what + " labels, as the base's objects")
          .containsAllEntriesOf(LABELS)
          .containsAllEntriesOf(
              Map.of(
                  "app.kubernetes.io/part-of",
                  service.getMetadata().getLabels().get("app.kubernetes.io/part-of")));
    }
  }

  @Test
  void strictMode_rejectsFieldsTheOperatorsKindsDoNotHave() {
    String typo =
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: x\n"
            + "spec:\n  selector: {}\n  endpoints:\n    - port: metrics\n      intervall: 30s\n";
    assertThatThrownBy(() -> Manifests.parse(typo, "typo")).hasMessageContaining("intervall");
    String rule =
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: x\n"
            + "spec:\n  groups:\n    - name: g\n      rules:\n        - alert: A\n          expr: up\n"
            + "          annotation: {}\n";
    assertThatThrownBy(() -> Manifests.parse(rule, "rule")).hasMessageContaining("annotation");
    String other =
        "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata:\n  name: x\nspec: {}\n";
    assertThatThrownBy(() -> Manifests.parse(other, "other"))
        .hasMessageContaining("not a Kubernetes kind the model knows");
  }

  @Test
  void prod_rendersTheComponent_inTheServersNamespace() {
    List<HasMetadata> r = rendered("prod");
    String namespace = server(r).getMetadata().getNamespace();
    assertThat(namespace).isEqualTo("tkms");
    for (String kind : List.of("PrometheusRule", "ServiceMonitor")) {
      List<GenericKubernetesResource> found = custom(r, kind);
      assertThat(found).as("prod renders one " + kind).hasSize(1);
      assertThat(found.get(0).getMetadata().getNamespace()).as(kind).isEqualTo(namespace);
      assertThat(found.get(0).getMetadata().getLabels()).as(kind).containsAllEntriesOf(LABELS);
    }
    GenericKubernetesResource rule = custom(r, "PrometheusRule").get(0);
    assertThat(
            AlertRules.list(
                AlertRules.map(rule.getAdditionalProperties().get("spec")).get("groups")))
        .as("kustomize leaves the rules as alerts.yaml has them")
        .isEqualTo(AlertRules.groups(AlertRules.RULES));
  }

  @Test
  void serviceMonitor_selectsOnlyTheServersService_andScrapesItsMetricsPort() {
    List<HasMetadata> r = rendered("prod");
    GenericKubernetesResource monitor = custom(r, "ServiceMonitor").get(0);
    Map<String, Object> spec = AlertRules.map(monitor.getAdditionalProperties().get("spec"));
    assertThat(spec.get("namespaceSelector"))
        .as("no namespaceSelector: the Service is in the ServiceMonitor's namespace")
        .isNull();
    LabelSelector selector = selector(spec.get("selector"));
    Service kms = one(r, Service.class, "kms");
    // The dev overlay has Services of its own (postgres, redis): none may be scraped as the server.
    for (String overlay : Manifests.OVERLAYS) {
      for (Service s : all(rendered(overlay), Service.class)) {
        assertThat(Manifests.selects(selector, s.getMetadata().getLabels()))
            .as(overlay + ": the ServiceMonitor selects Service " + s.getMetadata().getName())
            .isEqualTo(s.getMetadata().getName().equals("kms"));
      }
    }

    int metricsPort = metricsPort(r);
    List<Object> endpoints = AlertRules.list(spec.get("endpoints"));
    assertThat(endpoints).hasSize(1);
    Map<String, Object> endpoint = AlertRules.map(endpoints.get(0));
    String portName = String.valueOf(endpoint.get("port"));
    ServicePort sp =
        kms.getSpec().getPorts().stream()
            .filter(p -> portName.equals(p.getName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("Service kms has no port named " + portName));
    ContainerPort target =
        serverContainer(r).getPorts().stream()
            .filter(
                cp ->
                    sp.getTargetPort().getIntVal() != null
                        ? cp.getContainerPort().equals(sp.getTargetPort().getIntVal())
                        : sp.getTargetPort().getStrVal().equals(cp.getName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("Service port " + portName + " targets no port"));
    assertThat(target.getContainerPort())
        .as("the scraped port is the one the metrics listener binds (KMS_METRICS_PORT)")
        .isEqualTo(metricsPort);
    assertThat(endpoint.get("path")).isEqualTo("/metrics");
    assertThat(endpoint.get("scheme")).as("the metrics listener has no TLS").isEqualTo("http");
  }

  private static LabelSelector selector(Object yaml) {
    Map<String, Object> m = AlertRules.map(yaml);
    assertThat(m).as("spec.selector").isNotEmpty();
    LabelSelector s = new LabelSelector();
    Map<String, String> labels = new HashMap<>();
    AlertRules.map(m.get("matchLabels")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
    s.setMatchLabels(labels);
    assertThat(m.get("matchExpressions")).as("matchLabels only").isNull();
    return s;
  }

  /** KMS_METRICS_PORT as the server would read it: the Deployment's environment over kms.yaml. */
  private static int metricsPort(List<HasMetadata> r) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : serverContainer(r).getEnv()) {
      if (e.getName().equals("KMS_METRICS_PORT")) {
        assertThat(e.getValue()).as("KMS_METRICS_PORT is a literal").isNotNull();
        env.put(e.getName(), e.getValue());
      }
    }
    return ConfigLoader.load(env, Path.of("conf", "kms.yaml"))
        .config()
        .observability()
        .metricsPort();
  }
}
