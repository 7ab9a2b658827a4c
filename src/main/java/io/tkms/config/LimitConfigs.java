package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@link KmsConfig.Limits}: group limits, per-action limits, source limit, quota. */
final class LimitConfigs {
  private LimitConfigs() {}

  static KmsConfig.Limits limits(RawSettings raw) {
    return new KmsConfig.Limits(
        raw.integer(Setting.DEFAULT_CRYPTO_QPS, 1, 100_000_000),
        raw.integer(Setting.DEFAULT_MANAGEMENT_QPS, 1, 100_000_000),
        actionLimits(raw.str(Setting.LIMITS_ACTIONS)),
        raw.integer(Setting.AUTH_FAILURES_PER_IP, 1, 1_000_000),
        raw.integer(Setting.CMK_QUOTA, 0, 10_000_000),
        Map.of(
            "SIGN", raw.integer(Setting.DEFAULT_SIGN_QPS, 1, 100_000_000),
            "VERIFY", raw.integer(Setting.DEFAULT_VERIFY_QPS, 1, 100_000_000),
            "ASYMMETRIC_DECRYPT",
                raw.integer(Setting.DEFAULT_ASYMMETRIC_DECRYPT_QPS, 1, 100_000_000),
            "PUBLIC_KEY", raw.integer(Setting.DEFAULT_PUBLIC_KEY_QPS, 1, 100_000_000)));
  }

  /** {@code GenerateDataKey=100,GenerateRandom=150}: action names to positive QPS. */
  private static Map<String, Integer> actionLimits(String value) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String pair : value.split(",", -1)) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      try {
        int qps = Integer.parseInt(kv.length == 2 ? kv[1].trim() : "");
        if (qps < 1 || !kv[0].trim().matches("[A-Za-z0-9]{1,64}")) {
          throw new NumberFormatException();
        }
        out.put(kv[0].trim(), qps);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "KMS_LIMITS_ACTIONS must look like GenerateDataKey=100,GenerateRandom=150");
      }
    }
    return Map.copyOf(out);
  }
}
