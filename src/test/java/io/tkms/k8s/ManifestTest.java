package io.tkms.k8s;

import static io.tkms.k8s.Manifests.all;
import static io.tkms.k8s.Manifests.one;
import static io.tkms.k8s.Manifests.rendered;
import static io.tkms.k8s.Manifests.selects;
import static io.tkms.k8s.Manifests.server;
import static io.tkms.k8s.Manifests.serverContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.tkms.config.ConfigLoader;
import io.tkms.config.KmsConfig;
import io.tkms.config.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests agree with the server they deploy: the ports, paths, variables and
 * secrets it really uses, plus the security and availability rules of docs/kubernetes.md. Each
 * overlay is checked as rendered by {@code kubectl kustomize}; every file is also parsed strictly.
 */
class ManifestTest {
  private static final Set<String> JVM_OPTION_VARS =
      Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
  private static final String MONITORING_LABEL = "kubernetes.io/metadata.name";

  @TempDir Path tmp;

  // ---- files ---------------------------------------------------------------------------------

  @Test
  void everyManifestFile_parsesStrictly() {
    assertThat(Manifests.files()).isNotEmpty();
    for (Path f : Manifests.files()) {
      assertThat(Manifests.parseFile(f)).as(f.toString()).isNotEmpty();
    }
  }

  @Test
  void strictMode_rejectsFieldsTheModelDoesNotKnow() {
    String typo =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n"
            + "      containers:\n        - name: c\n          readinesProbe: {}\n";
    assertThatThrownBy(() -> Manifests.parse(typo, "typo")).hasMessageContaining("readinesProbe");
  }

  @Test
  void baseConfig_isByteForByteConfKmsYaml() throws Exception {
    assertThat(Files.readAllBytes(Manifests.BASE.resolve("kms.yaml")))
        .as(
            "k8s/base/kms.yaml must be a copy of conf/kms.yaml (cp conf/kms.yaml k8s/base/kms.yaml)")
        .isEqualTo(Files.readAllBytes(Path.of("conf", "kms.yaml")));
  }

  @Test
  void exampleSecrets_holdOnlyPlaceholders() {
    Map<String, Map<String, String>> examples = Manifests.exampleSecrets();
    assertThat(examples).containsKeys("kms-secrets", "kms-external", "kms-tls");
    examples.forEach(
        (name, values) ->
            values.forEach((k, v) -> assertThat(v).as(name + "/" + k).startsWith("REPLACE_ME")));
  }

  // ---- rendered overlays ---------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void overlay_rendersEveryPart(String overlay) {
    List<HasMetadata> r = rendered(overlay);
    server(r);
    one(r, Service.class, "kms");
    one(r, HorizontalPodAutoscaler.class, "kms");
    one(r, PodDisruptionBudget.class, "kms");
    one(r, NetworkPolicy.class, "kms");
    one(r, ServiceAccount.class, "kms");
    Manifests.serverConfigMap(r);
    assertThat(env(serverContainer(r), "KMS_PG_URL"))
        .as("KMS_PG_URL (an empty one starts the embedded Postgres)")
        .isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void probes_hitTheHealthEndpoints_onThePortTheServerServes(String overlay) {
    List<HasMetadata> r = rendered(overlay);
    Container kms = serverContainer(r);
    KmsConfig config = effectiveConfig(r);
    assertThat(config.http().port())
        .isEqualTo(Integer.parseInt(Setting.HTTP_PORT.defaultValue()))
        .isEqualTo(8080);
    String scheme = env(kms, "KMS_TLS_CERT_FILE").isPresent() ? "HTTPS" : "HTTP";
    Map<String, HTTPGetAction> probes =
        Map.of(
            "startup /healthz", kms.getStartupProbe().getHttpGet(),
            "liveness /healthz", kms.getLivenessProbe().getHttpGet(),
            "readiness /readyz", kms.getReadinessProbe().getHttpGet());
    probes.forEach(
        (what, get) -> {
          assertThat(get).as(what).isNotNull();
          assertThat(get.getPath()).as(what).isEqualTo(what.substring(what.indexOf(' ') + 1));
          assertThat(port(kms, get.getPort())).as(what + " port").isEqualTo(config.http().port());
          assertThat(get.getScheme())
              .as(what + " scheme (the listener speaks " + scheme + ")")
              .isEqualTo(scheme);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void environment_namesOnlyVariablesTheServerReads(String overlay) {
    Container kms = serverContainer(rendered(overlay));
    assertThat(kms.getEnvFrom()).as("envFrom would import unchecked names").isEmpty();
    for (EnvVar e : kms.getEnv()) {
      assertThat(
              Setting.isKnownEnv(e.getName())
                  || e.getName().equals("KMS_CONFIG")
                  || JVM_OPTION_VARS.contains(e.getName()))
          .as(e.getName() + " is not read by the server (Setting.java)")
          .isTrue();
    }
    assertThat(kms.getEnv().stream().map(EnvVar::getName)).doesNotHaveDuplicates();
    effectiveConfig(rendered(overlay)); // also fails on warnings such as unknown variables
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void secrets_areFilesFromSecretVolumes_neverValues(String overlay) {
    List<HasMetadata> r = rendered(overlay);
    Container kms = serverContainer(r);
    Map<String, Map<String, String>> examples = Manifests.exampleSecrets();
    for (Setting s : Setting.values()) {
      if (!s.secret()) {
        continue;
      }
      assertThat(env(kms, s.env()))
          .as(s.env() + ": secrets only as files (" + s.env() + "_FILE)")
          .isEmpty();
    }
    for (Setting s :
        List.of(
            Setting.UNSEAL_KEY,
            Setting.ADMIN_TOKEN,
            Setting.BOOTSTRAP_SECRET_KEY,
            Setting.PG_PASSWORD)) {
      EnvVar file =
          env(kms, s.env() + "_FILE")
              .orElseThrow(() -> new AssertionError(s.env() + "_FILE is not set"));
      assertThat(file.getValue()).as(file.getName() + " is a literal path").isNotNull();
      SecretFile sf =
          secretFile(r, file.getValue())
              .orElseThrow(
                  () ->
                      new AssertionError(
                          file.getName()
                              + "="
                              + file.getValue()
                              + " is not a file of a mounted Secret"));
      assertThat(examples.getOrDefault(sf.secret, Map.of()))
          .as(file.getName() + ": key " + sf.key + " of Secret " + sf.secret)
          .containsKey(sf.key);
    }
    // The ConfigMap carries no secret: loaded alone, it configures none.
    KmsConfig fromConfigMapOnly = loadConfigMap(r, Map.of());
    assertThat(
            fromConfigMapOnly.seal().unsealKey().isPresent()
                || fromConfigMapOnly.admin().token().isPresent()
                || fromConfigMapOnly.database().password().isPresent()
                || fromConfigMapOnly.bootstrap().isPresent())
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyReferencedSecretKey_existsInAnExampleSecret(String overlay) {
    Map<String, Map<String, String>> examples = Manifests.exampleSecrets();
    List<String> refs = new ArrayList<>();
    Manifests.podTemplates(rendered(overlay))
        .forEach(
            (workload, t) -> {
              for (Volume v : t.getSpec().getVolumes()) {
                if (v.getSecret() != null) {
                  assertThat(v.getSecret().getItems())
                      .as(workload + " volume " + v.getName() + " lists its keys")
                      .isNotEmpty();
                  assertThat(v.getSecret().getOptional())
                      .as("an optional Secret would start the pod without it")
                      .isNotEqualTo(Boolean.TRUE);
                  v.getSecret()
                      .getItems()
                      .forEach(i -> refs.add(v.getSecret().getSecretName() + "/" + i.getKey()));
                }
              }
              for (Container c : t.getSpec().getContainers()) {
                for (EnvVar e : c.getEnv()) {
                  if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                    refs.add(
                        e.getValueFrom().getSecretKeyRef().getName()
                            + "/"
                            + e.getValueFrom().getSecretKeyRef().getKey());
                  }
                }
              }
            });
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      String[] p = ref.split("/", 2);
      assertThat(examples.getOrDefault(p[0], Map.of()))
          .as("Secret key " + ref + " is in no *.example.yaml")
          .containsKey(p[1]);
    }
  }

  /** The examples' placeholders really stop the server, each naming its variable. */
  @Test
  void exampleSecrets_areRefusedByTheServer() throws Exception {
    List<HasMetadata> r = rendered("prod");
    Map<String, Map<String, String>> examples = Manifests.exampleSecrets();
    int checked = 0;
    for (EnvVar e : serverContainer(r).getEnv()) {
      Map<String, String> env = new HashMap<>();
      if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        env.put(
            e.getName(),
            examples
                .get(e.getValueFrom().getSecretKeyRef().getName())
                .get(e.getValueFrom().getSecretKeyRef().getKey()));
      } else if (e.getValue() != null && secretFile(r, e.getValue()).isPresent()) {
        SecretFile sf = secretFile(r, e.getValue()).get();
        Path f =
            Files.writeString(
                tmp.resolve(sf.secret + "-" + sf.key), examples.get(sf.secret).get(sf.key));
        env.put(e.getName(), f.toString());
        if (e.getName().startsWith("KMS_TLS_")) { // the two come together
          env.put("KMS_TLS_CERT_FILE", f.toString());
          env.put("KMS_TLS_KEY_FILE", f.toString());
        }
      } else {
        continue;
      }
      assertThatThrownBy(() -> ConfigLoader.load(env, Path.of("conf", "kms.yaml")))
          .as(e.getName())
          .isInstanceOf(ConfigLoader.ConfigException.class)
          .hasMessageContaining("placeholder")
          .hasMessageNotContaining("REPLACE_ME_");
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void resources_areBounded_andTheHeapFollowsTheMemoryLimit(String overlay) {
    Manifests.podTemplates(rendered(overlay))
        .forEach(
            (workload, t) -> {
              for (Container c : t.getSpec().getContainers()) {
                String what = workload + " container " + c.getName();
                assertThat(c.getResources()).as(what).isNotNull();
                for (String res : List.of("cpu", "memory")) {
                  Quantity req = c.getResources().getRequests().get(res);
                  Quantity lim = c.getResources().getLimits().get(res);
                  assertThat(req).as(what + " requests." + res).isNotNull();
                  assertThat(lim).as(what + " limits." + res).isNotNull();
                  assertThat(req.getNumericalAmount())
                      .as(what + " " + res + " request <= limit")
                      .isLessThanOrEqualTo(lim.getNumericalAmount());
                }
              }
            });
    Container kms = serverContainer(rendered(overlay));
    List<EnvVar> jvm =
        kms.getEnv().stream().filter(e -> JVM_OPTION_VARS.contains(e.getName())).toList();
    assertThat(jvm).hasSize(1);
    String opts = jvm.get(0).getValue();
    Matcher m = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(opts);
    assertThat(m.find()).as("heap sized from the container limit: " + opts).isTrue();
    assertThat(Double.parseDouble(m.group(1)))
        .as("heap share, leaving room for direct buffers")
        .isBetween(40.0, 80.0);
    assertThat(opts)
        .as("a fixed heap ignores the limit")
        .doesNotContain("-Xmx", "-Xms", "MaxHeapSize");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void pdbAndHpa_targetTheServerPods(String overlay) {
    List<HasMetadata> r = rendered(overlay);
    Deployment d = server(r);
    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(selects(d.getSpec().getSelector(), podLabels)).isTrue();
    PodDisruptionBudget pdb = one(r, PodDisruptionBudget.class, "kms");
    assertThat(selects(pdb.getSpec().getSelector(), podLabels))
        .as("PDB selects the server pods")
        .isTrue();
    Manifests.podTemplates(r)
        .forEach(
            (workload, t) -> {
              if (!workload.equals("Deployment/kms")) {
                assertThat(selects(pdb.getSpec().getSelector(), t.getMetadata().getLabels()))
                    .as("PDB must not select " + workload)
                    .isFalse();
              }
            });
    HorizontalPodAutoscaler hpa = one(r, HorizontalPodAutoscaler.class, "kms");
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(d.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas())
        .isPositive()
        .isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
    assertThat(d.getSpec().getReplicas())
        .as("the HPA owns the replica count; a fixed one is reset on every apply")
        .isNull();
    if (overlay.equals("prod")) {
      assertThat(hpa.getSpec().getMinReplicas())
          .as("prod runs 3+ replicas")
          .isGreaterThanOrEqualTo(3);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void networkPolicy_opensTheApi_limitsMetricsToMonitoring_closesManagement(String overlay) {
    List<HasMetadata> r = rendered(overlay);
    Container kms = serverContainer(r);
    KmsConfig config = effectiveConfig(r);
    Map<String, String> podLabels = server(r).getSpec().getTemplate().getMetadata().getLabels();
    List<NetworkPolicy> policies =
        all(r, NetworkPolicy.class).stream()
            .filter(p -> selects(p.getSpec().getPodSelector(), podLabels))
            .toList();
    assertThat(policies).as("a NetworkPolicy selects the server pods").isNotEmpty();
    List<NetworkPolicyIngressRule> rules = new ArrayList<>();
    for (NetworkPolicy p : policies) {
      assertThat(p.getSpec().getPolicyTypes()).contains("Ingress");
      rules.addAll(p.getSpec().getIngress());
    }
    for (NetworkPolicyIngressRule rule : rules) {
      assertThat(rule.getPorts())
          .as("a rule without ports opens every port, the management port too")
          .isNotEmpty();
    }
    Set<Integer> declared = new HashSet<>();
    for (ContainerPort cp : kms.getPorts()) {
      int p = cp.getContainerPort();
      declared.add(p);
      List<NetworkPolicyIngressRule> allowing =
          rules.stream().filter(rule -> allows(kms, rule, p)).toList();
      if (p == config.http().port()) {
        assertThat(allowing)
            .as("API port " + p + " open to all clients")
            .anyMatch(rule -> rule.getFrom().isEmpty());
      } else if (p == config.observability().metricsPort()) {
        assertThat(allowing).as("metrics port " + p + " reachable by monitoring").isNotEmpty();
        for (NetworkPolicyIngressRule rule : allowing) {
          assertThat(rule.getFrom())
              .as("metrics port " + p + " only from the monitoring namespace")
              .isNotEmpty()
              .allMatch(ManifestTest::isMonitoringNamespace);
        }
      } else if (p == config.admin().port()) {
        assertThat(allowing).as("management port " + p + " has no ingress rule").isEmpty();
      } else {
        throw new AssertionError(
            "container port " + p + " is neither the API, the metrics nor the management port");
      }
    }
    assertThat(declared)
        .containsExactlyInAnyOrder(
            config.http().port(), config.admin().port(), config.observability().metricsPort());
    assertThat(config.admin().host())
        .as("the management listener binds to loopback: port-forward only")
        .isEqualTo("127.0.0.1");
    for (Service s : all(r, Service.class)) {
      if (selects(s.getSpec().getSelector(), podLabels)) {
        s.getSpec()
            .getPorts()
            .forEach(
                sp ->
                    assertThat(port(kms, sp.getTargetPort()))
                        .as(
                            "Service "
                                + s.getMetadata().getName()
                                + " exposes port "
                                + sp.getName())
                        .isNotEqualTo(config.admin().port()));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void securityContexts_areLockedDown(String overlay) {
    List<HasMetadata> r = rendered(overlay);
    Manifests.podTemplates(r)
        .forEach(
            (workload, t) -> {
              PodSpec pod = t.getSpec();
              PodSecurityContext psc =
                  Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
              assertThat(pod.getAutomountServiceAccountToken())
                  .as(workload + " automountServiceAccountToken")
                  .isFalse();
              assertThat(pod.getEnableServiceLinks())
                  .as(workload + " enableServiceLinks (KMS_* service variables)")
                  .isFalse();
              assertThat(Arrays.asList(pod.getHostNetwork(), pod.getHostPID(), pod.getHostIPC()))
                  .as(workload)
                  .doesNotContain(Boolean.TRUE);
              for (Container c : pod.getContainers()) {
                String what = workload + " container " + c.getName();
                SecurityContext sc =
                    Optional.ofNullable(c.getSecurityContext()).orElseGet(SecurityContext::new);
                assertThat(first(sc.getRunAsNonRoot(), psc.getRunAsNonRoot()))
                    .as(what + " runAsNonRoot")
                    .isTrue();
                assertThat(first(sc.getRunAsUser(), psc.getRunAsUser()))
                    .as(what + " numeric non-root runAsUser")
                    .isNotNull()
                    .isPositive();
                assertThat(sc.getAllowPrivilegeEscalation())
                    .as(what + " allowPrivilegeEscalation")
                    .isFalse();
                assertThat(sc.getPrivileged()).as(what + " privileged").isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getReadOnlyRootFilesystem())
                    .as(what + " readOnlyRootFilesystem")
                    .isTrue();
                assertThat(sc.getCapabilities()).as(what + " capabilities").isNotNull();
                assertThat(sc.getCapabilities().getDrop())
                    .as(what + " drops ALL capabilities")
                    .contains("ALL");
                assertThat(sc.getCapabilities().getAdd()).as(what + " adds none").isEmpty();
                var seccomp = first(sc.getSeccompProfile(), psc.getSeccompProfile());
                assertThat(seccomp).as(what + " seccompProfile").isNotNull();
                assertThat(seccomp.getType()).as(what + " seccomp").isEqualTo("RuntimeDefault");
              }
            });
    // The server writes nowhere but /tmp.
    PodTemplateSpec t = server(r).getSpec().getTemplate();
    Map<String, Volume> volumes = new HashMap<>();
    t.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    for (VolumeMount m : serverContainer(r).getVolumeMounts()) {
      Volume v = volumes.get(m.getName());
      assertThat(v).as("volume " + m.getName()).isNotNull();
      if (Boolean.TRUE.equals(m.getReadOnly())) {
        assertThat(v.getSecret() != null || v.getConfigMap() != null)
            .as(m.getMountPath() + " comes from a Secret or ConfigMap")
            .isTrue();
      } else {
        assertThat(m.getMountPath()).as("the only writable mount").isEqualTo("/tmp");
        assertThat(v.getEmptyDir()).as("/tmp is an emptyDir").isNotNull();
        assertThat(v.getEmptyDir().getSizeLimit()).as("/tmp is bounded").isNotNull();
      }
      if (v.getSecret() != null) {
        assertThat(v.getSecret().getDefaultMode())
            .as(m.getMountPath() + " mode 0440")
            .isEqualTo(0440);
      }
    }
    assertThat(t.getSpec().getServiceAccountName()).isEqualTo("kms");
    assertThat(one(r, ServiceAccount.class, "kms").getAutomountServiceAccountToken()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void terminationGrace_outlastsPreStopPlusDrain(String overlay) {
    List<HasMetadata> r = rendered(overlay);
    KmsConfig config = effectiveConfig(r);
    Container kms = serverContainer(r);
    List<String> preStop = kms.getLifecycle().getPreStop().getExec().getCommand();
    assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
    long sleep = Long.parseLong(preStop.get(1));
    long grace = server(r).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    assertThat(grace)
        .as(
            "terminationGracePeriodSeconds > preStop sleep "
                + sleep
                + " s + drain timeout "
                + config.server().drainTimeoutSeconds()
                + " s + 5 s to close")
        .isGreaterThanOrEqualTo(sleep + config.server().drainTimeoutSeconds() + 5);
    assertThat(config.server().drainTimeoutSeconds()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void configMap_isConfKmsYaml_mountedWhereKmsConfigPoints(String overlay) throws Exception {
    List<HasMetadata> r = rendered(overlay);
    ConfigMap cm = Manifests.serverConfigMap(r);
    assertThat(cm.getData()).containsOnlyKeys("kms.yaml");
    assertThat(cm.getData().get("kms.yaml"))
        .isEqualTo(Files.readString(Path.of("conf", "kms.yaml")));
    Container kms = serverContainer(r);
    String configPath = env(kms, "KMS_CONFIG").orElseThrow().getValue();
    Volume v =
        server(r).getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(
                x ->
                    x.getConfigMap() != null
                        && x.getConfigMap().getName().equals(cm.getMetadata().getName()))
            .findFirst()
            .orElseThrow();
    VolumeMount m =
        kms.getVolumeMounts().stream()
            .filter(x -> x.getName().equals(v.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(configPath).isEqualTo(m.getMountPath() + "/kms.yaml");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void images_arePinned(String overlay) {
    Manifests.podTemplates(rendered(overlay))
        .forEach(
            (workload, t) -> {
              for (Container c : t.getSpec().getContainers()) {
                String image = c.getImage();
                String tag =
                    image.contains("@")
                        ? "digest"
                        : image.substring(image.lastIndexOf('/') + 1).contains(":")
                            ? image.substring(image.lastIndexOf(':') + 1)
                            : "";
                assertThat(tag)
                    .as(workload + " image " + image + " is pinned")
                    .isNotEmpty()
                    .isNotEqualTo("latest");
              }
            });
  }

  @Test
  void prod_spreadsAcrossZones_servesTls_andReadsTheDatabaseUrlFromASecret() {
    List<HasMetadata> r = rendered("prod");
    PodSpec pod = server(r).getSpec().getTemplate().getSpec();
    Map<String, String> podLabels = server(r).getSpec().getTemplate().getMetadata().getLabels();
    assertThat(pod.getTopologySpreadConstraints())
        .as("spread across zones")
        .anyMatch(
            c ->
                c.getTopologyKey().equals("topology.kubernetes.io/zone")
                    && c.getMaxSkew() == 1
                    && selects(c.getLabelSelector(), podLabels));
    Container kms = serverContainer(r);
    for (String var : List.of("KMS_TLS_CERT_FILE", "KMS_TLS_KEY_FILE")) {
      String path = env(kms, var).orElseThrow(() -> new AssertionError(var)).getValue();
      SecretFile sf =
          secretFile(r, path)
              .orElseThrow(() -> new AssertionError(var + " is not a file of a mounted Secret"));
      assertThat(Manifests.exampleSecrets().get(sf.secret)).as(var).containsKey(sf.key);
    }
    EnvVar pgUrl = env(kms, "KMS_PG_URL").orElseThrow();
    assertThat(pgUrl.getValue()).isNull();
    assertThat(pgUrl.getValueFrom().getSecretKeyRef()).as("KMS_PG_URL from a Secret").isNotNull();
  }

  @Test
  void dev_runsItsOwnPostgresWithAVolume_andRedis() {
    List<HasMetadata> r = rendered("dev");
    StatefulSet pg = one(r, StatefulSet.class, "postgres");
    assertThat(pg.getSpec().getReplicas()).isEqualTo(1);
    assertThat(pg.getSpec().getVolumeClaimTemplates()).hasSize(1);
    String claim = pg.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
    assertThat(pg.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .anyMatch(m -> m.getName().equals(claim));
    URI url =
        URI.create(
            env(serverContainer(r), "KMS_PG_URL")
                .orElseThrow()
                .getValue()
                .replace("postgresql://", "http://"));
    Service pgService = one(r, Service.class, url.getHost());
    assertThat(
            selects(
                pgService.getSpec().getSelector(),
                pg.getSpec().getTemplate().getMetadata().getLabels()))
        .as("KMS_PG_URL's host is the Service of the dev Postgres")
        .isTrue();
    assertThat(pgService.getSpec().getPorts()).anyMatch(p -> p.getPort() == url.getPort());
    Deployment redis = one(r, Deployment.class, "redis");
    Service redisService = one(r, Service.class, "redis");
    assertThat(
            selects(
                redisService.getSpec().getSelector(),
                redis.getSpec().getTemplate().getMetadata().getLabels()))
        .isTrue();
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A file path inside a mounted Secret volume: which Secret and key it is. */
  private record SecretFile(String secret, String key) {}

  private static Optional<SecretFile> secretFile(List<HasMetadata> r, String path) {
    PodSpec pod = server(r).getSpec().getTemplate().getSpec();
    for (VolumeMount m : serverContainer(r).getVolumeMounts()) {
      if (!path.startsWith(m.getMountPath() + "/")) {
        continue;
      }
      String rel = path.substring(m.getMountPath().length() + 1);
      for (Volume v : pod.getVolumes()) {
        if (v.getName().equals(m.getName()) && v.getSecret() != null) {
          for (KeyToPath item : v.getSecret().getItems()) {
            if (item.getPath().equals(rel)) {
              return Optional.of(new SecretFile(v.getSecret().getSecretName(), item.getKey()));
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<EnvVar> env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  private static int port(Container c, IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return c.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()))
        .getContainerPort();
  }

  private static boolean allows(Container kms, NetworkPolicyIngressRule rule, int port) {
    for (NetworkPolicyPort p : rule.getPorts()) {
      if (p.getPort() == null) {
        return true;
      }
      int from = port(kms, p.getPort());
      int to = p.getEndPort() == null ? from : p.getEndPort();
      if (port >= from && port <= to) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMonitoringNamespace(NetworkPolicyPeer peer) {
    return peer.getIpBlock() == null
        && peer.getNamespaceSelector() != null
        && "monitoring".equals(peer.getNamespaceSelector().getMatchLabels().get(MONITORING_LABEL));
  }

  private static <T> T first(T a, T b) {
    return a != null ? a : b;
  }

  /**
   * The configuration the server would run with: the rendered ConfigMap plus the Deployment's
   * literal environment (file paths and Secret references exist only in the pod). Fails on any
   * warning, such as an unknown variable.
   */
  private KmsConfig effectiveConfig(List<HasMetadata> r) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : serverContainer(r).getEnv()) {
      if (e.getValue() != null
          && !e.getName().endsWith("_FILE")
          && !e.getName().equals("KMS_CONFIG")
          && !JVM_OPTION_VARS.contains(e.getName())) {
        env.put(e.getName(), e.getValue());
      }
    }
    return loadConfigMap(r, env);
  }

  private KmsConfig loadConfigMap(List<HasMetadata> r, Map<String, String> env) {
    try {
      Path file =
          Files.writeString(
              Files.createTempFile(tmp, "kms", ".yaml"),
              Manifests.serverConfigMap(r).getData().get("kms.yaml"));
      ConfigLoader.Loaded loaded = ConfigLoader.load(env, file);
      assertThat(loaded.warnings()).as("configuration warnings").isEmpty();
      return loaded.config();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
