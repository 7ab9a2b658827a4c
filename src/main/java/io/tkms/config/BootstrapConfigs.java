package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses {@link KmsConfig.Bootstrap}: all three parts together, or none. */
final class BootstrapConfigs {
  private static final Pattern DECIMAL_U64 = Pattern.compile("[0-9]{1,20}");

  private BootstrapConfigs() {}

  /** The bootstrap credential, or empty when none of its parts is set. */
  static Optional<KmsConfig.Bootstrap> bootstrap(RawSettings raw) {
    Optional<String> appId = raw.opt(Setting.BOOTSTRAP_APPID);
    Optional<String> secretId = raw.opt(Setting.BOOTSTRAP_SECRET_ID);
    SecretRef secretKey = raw.secret(Setting.BOOTSTRAP_SECRET_KEY);
    if (appId.isEmpty() && secretId.isEmpty() && !secretKey.isPresent()) {
      return Optional.empty();
    }
    if (appId.isEmpty() || secretId.isEmpty() || !secretKey.isPresent()) {
      throw new ConfigException(
          "bootstrap needs KMS_BOOTSTRAP_APPID, KMS_BOOTSTRAP_SECRET_ID and"
              + " KMS_BOOTSTRAP_SECRET_KEY(_FILE) together");
    }
    String uin = raw.opt(Setting.BOOTSTRAP_UIN).orElse(appId.get());
    if (!DECIMAL_U64.matcher(appId.get()).matches() || !DECIMAL_U64.matcher(uin).matches()) {
      throw new ConfigException(
          "KMS_BOOTSTRAP_APPID and KMS_BOOTSTRAP_UIN must be decimal numbers");
    }
    if (!secretId.get().startsWith("AKID") || !secretId.get().matches("[A-Za-z0-9]{8,128}")) {
      throw new ConfigException("KMS_BOOTSTRAP_SECRET_ID must start with AKID and be alphanumeric");
    }
    return Optional.of(new KmsConfig.Bootstrap(appId.get(), uin, secretId.get(), secretKey));
  }
}
