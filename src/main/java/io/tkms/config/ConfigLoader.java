package io.tkms.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads {@code conf/kms.yaml} (or the file named by {@code KMS_CONFIG}) and the environment into a
 * validated {@link KmsConfig}. Environment variables override the file. Invalid configuration
 * fails fast with a {@link ConfigException} whose message names the setting, never a secret.
 */
public final class ConfigLoader {
  private static final Pattern DECIMAL_U64 = Pattern.compile("[0-9]{1,20}");
  private static final Map<String, String> V2_ALIASES =
      Map.of("gz", "ap-guangzhou", "sh", "ap-shanghai", "bj", "ap-beijing");

  private final Map<String, String> env;
  private final Map<Setting, String> values = new EnumMap<>(Setting.class);
  private final Map<Setting, SecretRef> secrets = new EnumMap<>(Setting.class);
  /** The variable or YAML key each present secret came from, to name it in messages. */
  private final Map<Setting, String> secretSources = new EnumMap<>(Setting.class);
  private final List<String> warnings = new ArrayList<>();

  private ConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  /** Thrown for invalid configuration; the message is safe to print. */
  public static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message, null, false, false);
    }
  }

  /** The result: the config plus warnings to log (unknown variables and similar). */
  public record Loaded(KmsConfig config, List<String> warnings) {}

  /** Loads from the process environment and the default file locations. */
  public static Loaded load() {
    return load(System.getenv(), null);
  }

  /**
   * Loads from {@code env}; {@code configFile} (nullable) overrides {@code KMS_CONFIG} and the
   * default {@code conf/kms.yaml} (used only when it exists).
   */
  public static Loaded load(Map<String, String> env, Path configFile) {
    ConfigLoader loader = new ConfigLoader(env);
    Path file = configFile;
    if (file == null && env.get("KMS_CONFIG") != null && !env.get("KMS_CONFIG").isBlank()) {
      file = Path.of(env.get("KMS_CONFIG"));
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("KMS_CONFIG names " + file + ", which is not a readable file");
      }
    }
    if (file == null && Files.isRegularFile(Path.of("conf", "kms.yaml"))) {
      file = Path.of("conf", "kms.yaml");
    }
    Map<String, Object> yaml = file == null ? Map.of() : readYaml(file);
    loader.collect(yaml);
    loader.refusePlaceholders();
    return new Loaded(loader.build(), List.copyOf(loader.warnings));
  }

  private static Map<String, Object> readYaml(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      if (root == null) {
        return Map.of();
      }
      if (!(root instanceof Map<?, ?> m)) {
        throw new ConfigException(file + ": the top level must be a mapping");
      }
      Map<String, Object> flat = new LinkedHashMap<>();
      flatten("", m, flat);
      return flat;
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      if (e instanceof ConfigException) {
        throw e;
      }
      throw new ConfigException(file + " is not valid YAML");
    }
  }

  private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> out) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String k = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> child) {
        flatten(k + ".", child, out);
      } else {
        out.put(k, e.getValue());
      }
    }
  }

  private void collect(Map<String, Object> yaml) {
    for (String k : yaml.keySet()) {
      boolean known =
          Arrays.stream(Setting.values())
              .anyMatch(s -> s.key().equals(k) || (s.secret() && (s.key() + "_file").equals(k)));
      if (!known) {
        warnings.add("unknown setting '" + k + "' in the configuration file is ignored");
      }
    }
    for (String name : env.keySet()) {
      if (name.startsWith("KMS_") && !Setting.isKnownEnv(name) && !name.startsWith("KMS_TEST_")
          && !name.equals("KMS_CONFIG")) {
        warnings.add("unknown environment variable " + name + " is ignored");
      }
    }
    for (Setting s : Setting.values()) {
      if (s.secret()) {
        secrets.put(s, secret(s, yaml));
      } else {
        String v = env.get(s.env());
        if (v == null) {
          Object y = yaml.get(s.key());
          v = y == null ? s.defaultValue() : scalar(y);
        }
        values.put(s, v.trim());
      }
    }
  }

  private static String scalar(Object y) {
    if (y instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(y);
  }

  private SecretRef secret(Setting s, Map<String, Object> yaml) {
    String inline = env.get(s.env());
    String file = env.get(s.env() + "_FILE");
    if (inline != null && !inline.isEmpty() && file != null && !file.isEmpty()) {
      throw new ConfigException("set only one of " + s.env() + " and " + s.env() + "_FILE");
    }
    if (inline != null && !inline.isEmpty()) {
      secretSources.put(s, s.env());
      return SecretRef.inline(inline);
    }
    if (file != null && !file.isEmpty()) {
      secretSources.put(s, s.env() + "_FILE");
      return fileRef(s.env() + "_FILE", file);
    }
    Object yFile = yaml.get(s.key() + "_file");
    if (yFile != null && !String.valueOf(yFile).isBlank()) {
      secretSources.put(s, s.key() + "_file");
      return fileRef(s.key() + "_file", String.valueOf(yFile));
    }
    Object y = yaml.get(s.key());
    if (y != null && !String.valueOf(y).isEmpty()) {
      warnings.add("secret '" + s.key() + "' is written inline in the configuration file; prefer "
          + s.env() + "_FILE");
      secretSources.put(s, s.key());
      return SecretRef.inline(String.valueOf(y));
    }
    return SecretRef.none();
  }

  /**
   * Refuses to start on a value still holding the placeholder of the example Kubernetes Secrets
   * ({@value SecretRef#PLACEHOLDER_PREFIX}...): a deployment applied before its real Secrets were
   * created must fail loudly, not run with a guessable unseal key or token. Names the setting,
   * never the value.
   */
  private void refusePlaceholders() {
    for (Map.Entry<Setting, String> e : values.entrySet()) {
      if (SecretRef.isPlaceholder(e.getValue())) {
        throw placeholder(e.getKey().env());
      }
    }
    for (Map.Entry<Setting, SecretRef> e : secrets.entrySet()) {
      String source = secretSources.get(e.getKey());
      try {
        if (e.getValue().isPlaceholder()) {
          throw placeholder(source);
        }
      } catch (java.io.UncheckedIOException ex) {
        throw new ConfigException(source + ": the secret file cannot be read");
      }
    }
    // The TLS key and certificate come from a Secret too; their paths are not secret, their content is.
    for (Setting s : List.of(Setting.TLS_CERT_FILE, Setting.TLS_KEY_FILE)) {
      String path = values.get(s);
      if (!path.isEmpty() && Files.isReadable(Path.of(path)) && SecretRef.file(Path.of(path)).isPlaceholder()) {
        throw placeholder(s.env());
      }
    }
  }

  private static ConfigException placeholder(String name) {
    return new ConfigException(name + " still holds the placeholder of the example Secret (it starts with "
        + SecretRef.PLACEHOLDER_PREFIX + "): create the real Secret before starting (docs/kubernetes.md)");
  }

  private static SecretRef fileRef(String name, String path) {
    Path p = Path.of(path);
    if (!Files.isReadable(p)) {
      throw new ConfigException(name + " names " + p + ", which is not a readable file");
    }
    return SecretRef.file(p);
  }

  private String str(Setting s) {
    return values.get(s);
  }

  private Optional<String> opt(Setting s) {
    String v = values.get(s);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  private int integer(Setting s, int min, int max) {
    String v = values.get(s);
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new ConfigException(s.env() + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(s.env() + " must be an integer, got '" + v + "'");
    }
  }

  private KmsConfig build() {
    Optional<Path> cert = opt(Setting.TLS_CERT_FILE).map(Path::of);
    Optional<Path> key = opt(Setting.TLS_KEY_FILE).map(Path::of);
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException("set both KMS_TLS_CERT_FILE and KMS_TLS_KEY_FILE, or neither");
    }
    for (Optional<Path> p : List.of(cert, key)) {
      if (p.isPresent() && !Files.isReadable(p.get())) {
        throw new ConfigException("TLS file " + p.get() + " is not readable");
      }
    }
    List<String> regions = new ArrayList<>();
    for (String r : str(Setting.REGIONS).split(",", -1)) {
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
    String defaultRegion = V2_ALIASES.getOrDefault(str(Setting.DEFAULT_REGION), str(Setting.DEFAULT_REGION));
    if (!regions.contains(defaultRegion)) {
      throw new ConfigException("KMS_DEFAULT_REGION '" + defaultRegion + "' is not in KMS_REGIONS");
    }
    return new KmsConfig(
        str(Setting.HTTP_HOST),
        integer(Setting.HTTP_PORT, 0, 65535),
        Path.of(str(Setting.DATA_DIR)),
        cert,
        key,
        opt(Setting.PG_URL),
        secrets.get(Setting.PG_PASSWORD),
        integer(Setting.PG_POOL_SIZE, 1, 200),
        secrets.get(Setting.UNSEAL_KEY),
        bootstrap(),
        List.copyOf(regions),
        V2_ALIASES,
        defaultRegion,
        integer(Setting.DEFAULT_CRYPTO_QPS, 1, 100_000_000),
        integer(Setting.DEFAULT_MANAGEMENT_QPS, 1, 100_000_000),
        actionLimits(),
        integer(Setting.AUTH_FAILURES_PER_IP, 1, 1_000_000),
        integer(Setting.CMK_QUOTA, 0, 10_000_000),
        integer(Setting.TIMESTAMP_WINDOW, 1, 86_400),
        integer(Setting.REPLAY_CACHE_SIZE, 1000, 100_000_000),
        integer(Setting.KEY_CACHE_SIZE, 1, 10_000_000),
        integer(Setting.KEY_CACHE_TTL, 1, 86_400),
        integer(Setting.CREDENTIAL_CACHE_TTL, 1, 86_400),
        integer(Setting.JOBS_INTERVAL, 1, 86_400),
        logFormat(),
        logLevels(),
        integer(Setting.EVENT_LOOPS, 0, 256),
        integer(Setting.CRYPTO_WORKERS, 0, 1024),
        secrets.get(Setting.ADMIN_TOKEN),
        str(Setting.ADMIN_HOST),
        integer(Setting.ADMIN_PORT, 0, 65535),
        integer(Setting.DRAIN_TIMEOUT, 0, 3600),
        str(Setting.METRICS_HOST),
        integer(Setting.METRICS_PORT, 0, 65535),
        redis());
  }

  private Map<String, Integer> actionLimits() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String pair : str(Setting.LIMITS_ACTIONS).split(",", -1)) {
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
        throw new ConfigException("KMS_LIMITS_ACTIONS must look like GenerateDataKey=100,GenerateRandom=150");
      }
    }
    return Map.copyOf(out);
  }

  private String logFormat() {
    String f = str(Setting.LOG_FORMAT);
    if (!f.equals("text") && !f.equals("json")) {
      throw new ConfigException("KMS_LOG_FORMAT must be text or json, got '" + f + "'");
    }
    return f;
  }

  private Map<String, String> logLevels() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : str(Setting.LOG_LEVELS).split(",", -1)) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      String level = kv.length == 2 ? kv[1].trim().toUpperCase(java.util.Locale.ROOT) : "";
      if (kv[0].isBlank() || !List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level)) {
        throw new ConfigException("KMS_LOG_LEVELS must look like io.tkms=DEBUG,io.netty=WARN");
      }
      out.put(kv[0].trim(), level);
    }
    return Map.copyOf(out);
  }

  private Optional<KmsConfig.Redis> redis() {
    String mode = str(Setting.REDIS_FAILURE_MODE);
    KmsConfig.RedisFailureMode failureMode = switch (mode) {
      case "local-share" -> KmsConfig.RedisFailureMode.LOCAL_SHARE;
      case "fail-open" -> KmsConfig.RedisFailureMode.FAIL_OPEN;
      case "fail-closed" -> KmsConfig.RedisFailureMode.FAIL_CLOSED;
      default -> throw new ConfigException("KMS_REDIS_FAILURE_MODE must be local-share, fail-open or fail-closed, got '" + mode + "'");
    };
    int timeout = integer(Setting.REDIS_TIMEOUT_MS, 1, 60_000);
    String prefix = str(Setting.REDIS_KEY_PREFIX);
    if (prefix.length() > 64 || !prefix.matches("[A-Za-z0-9:_.{}-]*")) {
      throw new ConfigException("KMS_REDIS_KEY_PREFIX must be at most 64 of [A-Za-z0-9:_.{}-]");
    }
    Optional<String> url = opt(Setting.REDIS_URL);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    // The message never repeats the URL: a password written into it must not reach a log.
    URI uri;
    try {
      uri = new URI(url.get());
    } catch (URISyntaxException e) {
      throw new ConfigException("KMS_REDIS_URL is not a URL");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new ConfigException("KMS_REDIS_URL must start with redis:// or rediss://");
    }
    if (uri.getHost() == null) {
      throw new ConfigException("KMS_REDIS_URL must name a host");
    }
    if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
      throw new ConfigException("KMS_REDIS_URL must not carry a password: use KMS_REDIS_PASSWORD_FILE");
    }
    return Optional.of(new KmsConfig.Redis(url.get(), secrets.get(Setting.REDIS_PASSWORD), failureMode, timeout, prefix));
  }

  private Optional<KmsConfig.Bootstrap> bootstrap() {
    Optional<String> appId = opt(Setting.BOOTSTRAP_APPID);
    Optional<String> secretId = opt(Setting.BOOTSTRAP_SECRET_ID);
    SecretRef secretKey = secrets.get(Setting.BOOTSTRAP_SECRET_KEY);
    if (appId.isEmpty() && secretId.isEmpty() && !secretKey.isPresent()) {
      return Optional.empty();
    }
    if (appId.isEmpty() || secretId.isEmpty() || !secretKey.isPresent()) {
      throw new ConfigException(
          "bootstrap needs KMS_BOOTSTRAP_APPID, KMS_BOOTSTRAP_SECRET_ID and KMS_BOOTSTRAP_SECRET_KEY(_FILE) together");
    }
    String uin = opt(Setting.BOOTSTRAP_UIN).orElse(appId.get());
    if (!DECIMAL_U64.matcher(appId.get()).matches() || !DECIMAL_U64.matcher(uin).matches()) {
      throw new ConfigException("KMS_BOOTSTRAP_APPID and KMS_BOOTSTRAP_UIN must be decimal numbers");
    }
    if (!secretId.get().startsWith("AKID") || !secretId.get().matches("[A-Za-z0-9]{8,128}")) {
      throw new ConfigException("KMS_BOOTSTRAP_SECRET_ID must start with AKID and be alphanumeric");
    }
    return Optional.of(new KmsConfig.Bootstrap(appId.get(), uin, secretId.get(), secretKey));
  }
}
