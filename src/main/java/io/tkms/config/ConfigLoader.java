package io.tkms.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code conf/kms.yaml} (or the file named by {@code KMS_CONFIG}) and the environment into a
 * validated {@link KmsConfig}. Environment variables override the file. Invalid configuration fails
 * fast with a {@link ConfigException} whose message names the setting, never a secret.
 *
 * <p>The work is split by area: {@link ConfigFile} finds and flattens the file, {@link RawSettings}
 * gathers every setting's raw value and the warnings, {@link Placeholders} refuses example-Secret
 * placeholders, and one parser per group ({@link HttpConfigs}, {@link LimitConfigs}, {@link
 * ObservabilityConfigs}, {@link RedisConfigs}, {@link BootstrapConfigs}, and the small groups
 * below) types and validates its settings.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

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
    Map<String, Object> yaml = ConfigFile.read(ConfigFile.locate(env, configFile));
    RawSettings raw = RawSettings.collect(env, yaml);
    Placeholders.refuse(raw);
    return new Loaded(build(raw), raw.warnings());
  }

  /** Parses the groups in a fixed order, so the first invalid setting is the one reported. */
  private static KmsConfig build(RawSettings raw) {
    KmsConfig.Http http = HttpConfigs.http(raw);
    KmsConfig.Regions regions = HttpConfigs.regions(raw);
    KmsConfig.Database database = database(raw);
    KmsConfig.Seal seal = seal(raw);
    Optional<KmsConfig.Bootstrap> bootstrap = BootstrapConfigs.bootstrap(raw);
    KmsConfig.Limits limits = LimitConfigs.limits(raw);
    KmsConfig.Auth auth = auth(raw);
    KmsConfig.Caches caches = caches(raw);
    KmsConfig.Server server = server(raw);
    KmsConfig.Observability observability = ObservabilityConfigs.observability(raw);
    KmsConfig.Admin admin = admin(raw);
    Optional<KmsConfig.Redis> redis = RedisConfigs.redis(raw);
    return new KmsConfig(
        http,
        regions,
        auth,
        limits,
        caches,
        database,
        seal,
        bootstrap,
        admin,
        observability,
        server,
        redis);
  }

  private static KmsConfig.Database database(RawSettings raw) {
    return new KmsConfig.Database(
        raw.opt(Setting.PG_URL),
        raw.secret(Setting.PG_PASSWORD),
        raw.integer(Setting.PG_POOL_SIZE, 1, 200),
        raw.integer(Setting.PG_QUERY_TIMEOUT_MS, 100, 600_000));
  }

  private static KmsConfig.Seal seal(RawSettings raw) {
    KmsConfig.HsaType type =
        switch (raw.str(Setting.HSA)) {
          case "software" -> KmsConfig.HsaType.SOFTWARE;
          case "pkcs11" -> KmsConfig.HsaType.PKCS11;
          default -> throw new ConfigException("KMS_HSA must be software or pkcs11");
        };
    Optional<Path> library = raw.opt(Setting.PKCS11_LIBRARY).map(Path::of);
    SecretRef pin = raw.secret(Setting.PKCS11_PIN);
    String label = raw.str(Setting.PKCS11_KEY_LABEL);
    if (!label.matches("[A-Za-z0-9_.-]{1,48}")) {
      throw new ConfigException(
          "KMS_PKCS11_KEY_LABEL must be 1 to 48 letters, digits, '.', '_' or '-'");
    }
    if (type == KmsConfig.HsaType.PKCS11) {
      if (library.isEmpty()) {
        throw new ConfigException("KMS_HSA=pkcs11 needs KMS_PKCS11_LIBRARY (the module's path)");
      }
      if (!pin.isPresent()) {
        throw new ConfigException("KMS_HSA=pkcs11 needs KMS_PKCS11_PIN or KMS_PKCS11_PIN_FILE");
      }
    }
    return new KmsConfig.Seal(
        raw.secret(Setting.UNSEAL_KEY),
        type,
        new KmsConfig.Pkcs11(library, raw.integer(Setting.PKCS11_SLOT_INDEX, 0, 1024), pin, label));
  }

  private static KmsConfig.Auth auth(RawSettings raw) {
    return new KmsConfig.Auth(
        raw.integer(Setting.TIMESTAMP_WINDOW, 1, 86_400),
        raw.integer(Setting.REPLAY_CACHE_SIZE, 1000, 100_000_000),
        raw.integer(Setting.SIGNATURE_CACHE_SIZE, 1000, 100_000_000),
        raw.bool(Setting.ALLOW_UNSIGNED_PAYLOAD));
  }

  private static KmsConfig.Caches caches(RawSettings raw) {
    return new KmsConfig.Caches(
        raw.integer(Setting.KEY_CACHE_SIZE, 1, 10_000_000),
        raw.integer(Setting.KEY_CACHE_TTL, 1, 86_400),
        raw.integer(Setting.CREDENTIAL_CACHE_TTL, 1, 86_400));
  }

  private static KmsConfig.Server server(RawSettings raw) {
    Path dataDir = Path.of(raw.str(Setting.DATA_DIR));
    int jobsInterval = raw.integer(Setting.JOBS_INTERVAL, 1, 86_400);
    return new KmsConfig.Server(
        dataDir,
        raw.integer(Setting.EVENT_LOOPS, 0, 256),
        raw.integer(Setting.CRYPTO_WORKERS, 0, 1024),
        raw.integer(Setting.DRAIN_TIMEOUT, 0, 3600),
        jobsInterval,
        raw.bool(Setting.DEV_MODE),
        raw.integer(Setting.REQUEST_TIMEOUT_MS, 100, 600_000),
        raw.integer(Setting.CRYPTO_QUEUE_SIZE, 1, 1_000_000));
  }

  private static KmsConfig.Admin admin(RawSettings raw) {
    return new KmsConfig.Admin(
        raw.secret(Setting.ADMIN_TOKEN),
        raw.str(Setting.ADMIN_HOST),
        raw.integer(Setting.ADMIN_PORT, 0, 65535));
  }
}
