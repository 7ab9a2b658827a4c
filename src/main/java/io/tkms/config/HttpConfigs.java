package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parses the API edge's groups: the listener ({@link KmsConfig.Http}) and the regions served. */
final class HttpConfigs {
  /** The API 2.0 short region names. */
  private static final Map<String, String> V2_ALIASES =
      Map.of("gz", "ap-guangzhou", "sh", "ap-shanghai", "bj", "ap-beijing");

  private HttpConfigs() {}

  /** The listener: both TLS files (readable) or neither, then host and port. */
  static KmsConfig.Http http(RawSettings raw) {
    Optional<Path> cert = raw.opt(Setting.TLS_CERT_FILE).map(Path::of);
    Optional<Path> key = raw.opt(Setting.TLS_KEY_FILE).map(Path::of);
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException("set both KMS_TLS_CERT_FILE and KMS_TLS_KEY_FILE, or neither");
    }
    for (Optional<Path> p : List.of(cert, key)) {
      if (p.isPresent() && !Files.isReadable(p.get())) {
        throw new ConfigException("TLS file " + p.get() + " is not readable");
      }
    }
    return new KmsConfig.Http(
        raw.host(Setting.HTTP_HOST), raw.integer(Setting.HTTP_PORT, 0, 65535), cert, key);
  }

  /** The regions served, aliases resolved and duplicates dropped; the default among them. */
  static KmsConfig.Regions regions(RawSettings raw) {
    List<String> regions = new ArrayList<>();
    for (String r : raw.str(Setting.REGIONS).split(",", -1)) {
      String t = V2_ALIASES.getOrDefault(r.trim(), r.trim());
      if (!t.isEmpty() && !regions.contains(t)) {
        if (!t.matches("[a-z0-9-]{2,32}")) {
          throw new ConfigException("KMS_REGIONS: '" + t + "' is not a region name");
        }
        regions.add(t);
      }
    }
    if (regions.isEmpty()) {
      throw new ConfigException("KMS_REGIONS must name at least one region");
    }
    String named = raw.str(Setting.DEFAULT_REGION);
    String defaultRegion = V2_ALIASES.getOrDefault(named, named);
    if (!regions.contains(defaultRegion)) {
      throw new ConfigException("KMS_DEFAULT_REGION '" + defaultRegion + "' is not in KMS_REGIONS");
    }
    List<String> sm = new ArrayList<>();
    for (String r : raw.str(Setting.SM_REGIONS).split(",", -1)) {
      String t = V2_ALIASES.getOrDefault(r.trim(), r.trim());
      if (t.isEmpty() || sm.contains(t)) {
        continue;
      }
      if (!regions.contains(t)) {
        throw new ConfigException("KMS_SM_REGIONS: '" + t + "' is not in KMS_REGIONS");
      }
      sm.add(t);
    }
    return new KmsConfig.Regions(
        List.copyOf(regions), V2_ALIASES, defaultRegion, java.util.Set.copyOf(sm));
  }
}
