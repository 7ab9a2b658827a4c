package io.tkms.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard's structure (Grafana itself is not available to the tests; what its queries
 * return is checked against a real Prometheus by {@code MonitoringIT}): a pinned schema version,
 * the data source as a variable used by every panel, job and instance variables applied to every
 * series selector, and a panel for each thing an operator watches.
 */
class DashboardTest {
  static final Path DASHBOARD = Path.of("k8s", "monitoring", "dashboard.json");

  /** Grafana 12's dashboard schema; Grafana migrates older versions, never newer ones. */
  static final int SCHEMA_VERSION = 41;

  static final Set<String> PANEL_TYPES = Set.of("row", "timeseries", "stat", "table");

  final JsonObject dashboard;
  final List<JsonObject> panels = new ArrayList<>();

  DashboardTest() throws IOException {
    dashboard = new JsonObject(Files.readString(DASHBOARD));
    collect(dashboard.getJsonArray("panels"), panels);
  }

  static void collect(JsonArray in, List<JsonObject> into) {
    for (int i = 0; i < in.size(); i++) {
      JsonObject p = in.getJsonObject(i);
      into.add(p);
      collect(p.getJsonArray("panels", new JsonArray()), into);
    }
  }

  @Test
  void theSchemaVersion_isPinned_andTheUidIsStable() {
    assertThat(dashboard.getInteger("schemaVersion")).isEqualTo(SCHEMA_VERSION);
    assertThat(dashboard.getString("uid")).isEqualTo("tkms-overview");
    assertThat(dashboard.getValue("id")).as("no instance-specific id").isNull();
    assertThat(dashboard.getString("title")).isNotBlank();
  }

  @Test
  void theDataSource_job_andInstance_areVariables() {
    JsonArray vars = dashboard.getJsonObject("templating").getJsonArray("list");
    JsonObject ds = variable(vars, "datasource");
    assertThat(ds.getString("type")).isEqualTo("datasource");
    assertThat(ds.getString("query")).isEqualTo("prometheus");
    for (String name : List.of("job", "instance")) {
      JsonObject v = variable(vars, name);
      assertThat(v.getString("type")).as(name).isEqualTo("query");
      assertThat(v.getJsonObject("datasource").getString("uid")).isEqualTo("${datasource}");
      assertThat(v.getBoolean("includeAll")).as(name + ": All").isTrue();
      assertThat(v.getString("allValue")).as(name).isEqualTo(".*");
      assertThat(v.getBoolean("multi")).as(name).isTrue();
      assertThat(v.getJsonObject("query").getString("query")).startsWith("label_values(");
    }
  }

  static JsonObject variable(JsonArray vars, String name) {
    for (int i = 0; i < vars.size(); i++) {
      if (name.equals(vars.getJsonObject(i).getString("name"))) {
        return vars.getJsonObject(i);
      }
    }
    throw new AssertionError("no variable " + name);
  }

  private static final Pattern SELECTOR =
      Pattern.compile("\\b((?:kms|vertx|jvm|process|system)_[a-zA-Z0-9_]+)(\\{[^}]*})?");

  @Test
  void everyPanel_readsTheDataSourceVariable_andEverySelectorTheJobAndInstance() {
    Set<Integer> ids = new HashSet<>();
    for (JsonObject p : panels) {
      String title = p.getString("title");
      assertThat(ids.add(p.getInteger("id"))).as("unique id: " + title).isTrue();
      assertThat(PANEL_TYPES).as(title).contains(p.getString("type"));
      JsonObject grid = p.getJsonObject("gridPos");
      assertThat(grid.getInteger("x") + grid.getInteger("w")).as(title).isLessThanOrEqualTo(24);
      if (p.getString("type").equals("row")) {
        continue;
      }
      assertThat(p.getJsonObject("datasource").getString("uid"))
          .as(title)
          .isEqualTo("${datasource}");
      JsonArray targets = p.getJsonArray("targets");
      assertThat(targets).as(title).isNotEmpty();
      Set<String> refIds = new HashSet<>();
      for (int i = 0; i < targets.size(); i++) {
        JsonObject t = targets.getJsonObject(i);
        assertThat(refIds.add(t.getString("refId"))).as(title + " refId").isTrue();
        assertThat(t.getJsonObject("datasource").getString("uid")).isEqualTo("${datasource}");
        String expr = t.getString("expr");
        Matcher m = SELECTOR.matcher(expr);
        int selectors = 0;
        while (m.find()) {
          selectors++;
          assertThat(m.group(2))
              .as(title + ": " + m.group(1) + " is filtered by the job and instance variables")
              .isNotNull()
              .contains("job=~\"$job\"")
              .contains("instance=~\"$instance\"");
        }
        assertThat(selectors).as(title + ": " + expr).isPositive();
      }
    }
  }

  @Test
  void thePanels_coverWhatAnOperatorWatches() {
    StringBuilder all = new StringBuilder();
    for (JsonObject p : panels) {
      JsonArray targets = p.getJsonArray("targets", new JsonArray());
      for (int i = 0; i < targets.size(); i++) {
        all.append(targets.getJsonObject(i).getString("expr")).append('\n');
      }
    }
    assertThat(all.toString())
        .contains("sum by (protocol, action) (rate(kms_requests_total") // rate by action, protocol
        .contains("result!=\"0\"") // errors
        .contains("histogram_quantile(0.99, sum by (le")
        .contains("histogram_quantile(0.5, sum by (le")
        .contains("kms_limiter_throttled_by_account")
        .contains(
            "kms_key_cache_requests_total{job=~\"$job\",instance=~\"$instance\",result=\"hit\"")
        .contains("result=\"miss\"") // cold loads
        .contains("vertx_pool_in_use{job=~\"$job\",instance=~\"$instance\",pool_type=\"sql\"}")
        .contains("vertx_pool_queue_time_seconds_sum")
        .contains("kms_redis_connected")
        .contains("kms_redis_fallbacks_total")
        .contains(
            "vertx_pool_queue_pending{job=~\"$job\",instance=~\"$instance\",pool_name=\"kms-crypto\"}")
        .contains("kms_audit_dropped_total")
        .contains("jvm_memory_used_bytes")
        .contains("jvm_gc_overhead")
        .contains("jvm_threads_live_threads")
        .contains("kms_build_info")
        .contains("kms_database_up")
        .contains("kms_hsa_up");
  }
}
