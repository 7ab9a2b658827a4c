package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Parses {@link KmsConfig.Observability}: log format and levels, the metrics listener. */
final class ObservabilityConfigs {
  private static final List<String> LEVELS =
      List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private ObservabilityConfigs() {}

  static KmsConfig.Observability observability(RawSettings raw) {
    return new KmsConfig.Observability(
        logFormat(raw.str(Setting.LOG_FORMAT)),
        logLevels(raw.str(Setting.LOG_LEVELS)),
        raw.host(Setting.METRICS_HOST),
        raw.integer(Setting.METRICS_PORT, 0, 65535),
        auditBlockMillis(raw));
  }

  /** 0 in the default {@code drop} mode, else how long an answer may wait for the audit queue. */
  private static int auditBlockMillis(RawSettings raw) {
    int timeout = raw.integer(Setting.AUDIT_BLOCK_TIMEOUT_MS, 1, 60_000);
    return switch (raw.str(Setting.AUDIT_FAILURE_MODE)) {
      case "drop" -> 0;
      case "block" -> timeout;
      default -> throw new ConfigException("KMS_AUDIT_FAILURE_MODE must be drop or block");
    };
  }

  private static String logFormat(String f) {
    if (!f.equals("text") && !f.equals("json")) {
      throw new ConfigException("KMS_LOG_FORMAT must be text or json, got '" + f + "'");
    }
    return f;
  }

  /** {@code io.tkms=DEBUG,io.netty=WARN}: logger names to upper-case logback levels. */
  private static Map<String, String> logLevels(String value) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : value.split(",", -1)) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      String level = kv.length == 2 ? kv[1].trim().toUpperCase(Locale.ROOT) : "";
      if (kv[0].isBlank() || !LEVELS.contains(level)) {
        throw new ConfigException("KMS_LOG_LEVELS must look like io.tkms=DEBUG,io.netty=WARN");
      }
      out.put(kv[0].trim(), level);
    }
    return Map.copyOf(out);
  }
}
