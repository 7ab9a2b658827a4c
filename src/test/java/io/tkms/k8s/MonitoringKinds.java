package io.tkms.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Prometheus Operator's kinds that the manifests use, which fabric8's model has no classes for:
 * the fields each may carry, by path ({@code spec.endpoints[]} is every element of that list),
 * after the Operator's monitoring.coreos.com/v1 CRDs. A field at a listed path that is not listed
 * fails, as an unknown field of a typed kind does; below an unlisted path (label maps, TLS
 * settings) nothing is checked.
 */
final class MonitoringKinds {
  static final String API_VERSION = "monitoring.coreos.com/v1";

  private static final Set<String> RELABEL =
      Set.of(
          "action", "sourceLabels", "separator", "targetLabel", "regex", "modulus", "replacement");

  private static final Map<String, Map<String, Set<String>>> FIELDS =
      Map.of(
          "ServiceMonitor",
          Map.of(
              "",
              Set.of("apiVersion", "kind", "metadata", "spec"),
              "spec",
              Set.of(
                  "selector",
                  "namespaceSelector",
                  "endpoints",
                  "jobLabel",
                  "targetLabels",
                  "podTargetLabels",
                  "sampleLimit",
                  "targetLimit",
                  "labelLimit",
                  "labelNameLengthLimit",
                  "labelValueLengthLimit",
                  "attachMetadata"),
              "spec.selector",
              Set.of("matchLabels", "matchExpressions"),
              "spec.namespaceSelector",
              Set.of("any", "matchNames"),
              "spec.endpoints[]",
              Set.of(
                  "port",
                  "targetPort",
                  "path",
                  "scheme",
                  "params",
                  "interval",
                  "scrapeTimeout",
                  "honorLabels",
                  "honorTimestamps",
                  "relabelings",
                  "metricRelabelings",
                  "tlsConfig",
                  "bearerTokenFile",
                  "bearerTokenSecret",
                  "authorization",
                  "basicAuth",
                  "oauth2",
                  "followRedirects",
                  "enableHttp2",
                  "filterRunning",
                  "proxyUrl"),
              "spec.endpoints[].relabelings[]",
              RELABEL,
              "spec.endpoints[].metricRelabelings[]",
              RELABEL),
          "PrometheusRule",
          Map.of(
              "",
              Set.of("apiVersion", "kind", "metadata", "spec"),
              "spec",
              Set.of("groups"),
              "spec.groups[]",
              Set.of("name", "interval", "rules", "limit", "partial_response_strategy"),
              "spec.groups[].rules[]",
              Set.of(
                  "alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")));

  private MonitoringKinds() {}

  /** Whether {@code r} is one of the kinds listed here, in the API version listed. */
  static boolean knows(GenericKubernetesResource r) {
    return API_VERSION.equals(r.getApiVersion()) && FIELDS.containsKey(r.getKind());
  }

  /** Fails, naming every offending path, on fields the kind does not have. */
  static void requireKnownFields(GenericKubernetesResource r, String where) {
    Map<String, Set<String>> fields = FIELDS.get(r.getKind());
    List<String> unknown = new ArrayList<>();
    Set<String> top = new TreeSet<>(r.getAdditionalProperties().keySet());
    top.removeAll(fields.get(""));
    top.forEach(k -> unknown.add(". " + k));
    walk(r.getAdditionalProperties().get("spec"), "spec", fields, unknown);
    assertThat(unknown)
        .as(where + ": fields the " + r.getKind() + " CRD does not have (typo or wrong level?)")
        .isEmpty();
  }

  private static void walk(
      Object o, String path, Map<String, Set<String>> fields, List<String> unknown) {
    if (o instanceof List<?> list) {
      for (Object e : list) {
        walk(e, path + "[]", fields, unknown);
      }
    } else if (o instanceof Map<?, ?> map && fields.containsKey(path)) {
      Set<String> allowed = fields.get(path);
      map.forEach(
          (k, v) -> {
            if (!allowed.contains(String.valueOf(k))) {
              unknown.add(path + " " + k);
            } else {
              walk(v, path + "." + k, fields, unknown);
            }
          });
    }
  }
}
