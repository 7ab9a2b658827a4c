package io.tkms.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final Path SHIPPED = Path.of("conf", "kms.yaml");

  @Test
  void developmentMode_isOffByDefault_andBindsTheListenersToLoopbackUnlessAHostIsGiven() {
    assertThat(ConfigLoader.load(Map.of(), SHIPPED).config().server().devMode()).isFalse();

    KmsConfig dev = ConfigLoader.load(Map.of("KMS_DEV_MODE", "true"), SHIPPED).config();
    assertThat(dev.server().devMode()).isTrue();
    assertThat(dev.http().host()).isEqualTo("127.0.0.1");
    assertThat(dev.observability().metricsHost()).isEqualTo("127.0.0.1");

    KmsConfig chosen =
        ConfigLoader.load(
                Map.of(
                    "KMS_DEV_MODE", "TRUE", "KMS_HTTP_HOST", "0.0.0.0", "KMS_METRICS_HOST", "::1"),
                SHIPPED)
            .config();
    assertThat(chosen.http().host()).isEqualTo("0.0.0.0");
    assertThat(chosen.observability().metricsHost()).isEqualTo("::1");

    assertThatThrownBy(() -> ConfigLoader.load(Map.of("KMS_DEV_MODE", "yes"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_DEV_MODE");
  }

  @Test
  void hsa_softwareByDefault_pkcs11NeedsItsModuleAndPin() {
    KmsConfig.Seal seal = ConfigLoader.load(Map.of(), SHIPPED).config().seal();
    assertThat(seal.hsa()).isEqualTo(KmsConfig.HsaType.SOFTWARE);
    assertThat(seal.pkcs11().keyLabel()).isEqualTo("tkms-root");
    assertThat(seal.pkcs11().slotIndex()).isZero();
    KmsConfig.Seal p11 =
        ConfigLoader.load(
                Map.of(
                    "KMS_HSA", "pkcs11",
                    "KMS_PKCS11_LIBRARY", "/usr/lib/softhsm/libsofthsm2.so",
                    "KMS_PKCS11_PIN", "1234",
                    "KMS_PKCS11_SLOT_INDEX", "2",
                    "KMS_PKCS11_KEY_LABEL", "kms-prod"),
                SHIPPED)
            .config()
            .seal();
    assertThat(p11.hsa()).isEqualTo(KmsConfig.HsaType.PKCS11);
    assertThat(p11.pkcs11().slotIndex()).isEqualTo(2);
    assertThat(p11.pkcs11().keyLabel()).isEqualTo("kms-prod");
    assertThat(p11.pkcs11().pin().toString()).doesNotContain("1234");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("KMS_HSA", "hsm"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_HSA");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("KMS_HSA", "pkcs11", "KMS_PKCS11_PIN", "1"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_PKCS11_LIBRARY");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("KMS_HSA", "pkcs11", "KMS_PKCS11_LIBRARY", "/x.so"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_PKCS11_PIN");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("KMS_PKCS11_KEY_LABEL", "a label"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_PKCS11_KEY_LABEL");
  }

  @Test
  void auditFailureMode_dropByDefault_blockWithItsTimeout() {
    assertThat(ConfigLoader.load(Map.of(), SHIPPED).config().observability().auditBlockMillis())
        .isZero();
    assertThat(
            ConfigLoader.load(
                    Map.of("KMS_AUDIT_FAILURE_MODE", "block", "KMS_AUDIT_BLOCK_TIMEOUT_MS", "250"),
                    SHIPPED)
                .config()
                .observability()
                .auditBlockMillis())
        .isEqualTo(250);
    assertThat(
            ConfigLoader.load(Map.of("KMS_AUDIT_FAILURE_MODE", "block"), SHIPPED)
                .config()
                .observability()
                .auditBlockMillis())
        .isEqualTo(1000);
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("KMS_AUDIT_FAILURE_MODE", "wait"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_AUDIT_FAILURE_MODE");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("KMS_AUDIT_BLOCK_TIMEOUT_MS", "0"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_AUDIT_BLOCK_TIMEOUT_MS");
  }

  @Test
  void developmentMode_keepsAHostTheFileSetsToSomethingElse(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("kms.yaml");
    Files.writeString(file, "server:\n  dev_mode: true\nhttp:\n  host: 10.0.0.5\n");
    KmsConfig c = ConfigLoader.load(Map.of(), file).config();
    assertThat(c.server().devMode()).isTrue();
    assertThat(c.http().host()).isEqualTo("10.0.0.5");
    assertThat(c.observability().metricsHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void shippedFile_givesTheDocumentedDefaults() {
    KmsConfig c = ConfigLoader.load(Map.of(), SHIPPED).config();
    assertThat(c.http().host()).isEqualTo("0.0.0.0");
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.server().dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.database().url()).isEmpty();
    assertThat(c.regions().served()).containsExactly("ap-guangzhou", "ap-shanghai", "ap-beijing");
    assertThat(c.regions().defaultRegion()).isEqualTo("ap-guangzhou");
    assertThat(c.limits().defaultCryptoQps()).isEqualTo(10_000);
    assertThat(c.limits().defaultManagementQps()).isEqualTo(100);
    assertThat(c.limits().cmkQuota()).isEqualTo(10_000);
    assertThat(c.admin().token().isPresent()).isFalse();
    assertThat(c.admin().host()).isEqualTo("127.0.0.1");
    assertThat(c.admin().port()).isEqualTo(9090);
    assertThat(c.bootstrap()).isEmpty();
    assertThat(c.server().drainTimeoutSeconds()).isEqualTo(20);
    assertThat(c.observability().metricsHost()).isEqualTo("0.0.0.0");
    assertThat(c.observability().metricsPort()).isEqualTo(9100);
    assertThat(c.observability().metricsEnabled()).isTrue();
  }

  @Test
  void metricsPortZero_turnsMetricsOff() {
    assertThat(
            ConfigLoader.load(Map.of("KMS_METRICS_PORT", "0"), SHIPPED)
                .config()
                .observability()
                .metricsEnabled())
        .isFalse();
  }

  @Test
  void shippedFile_hasAKeyForEverySetting_andNoOther() throws Exception {
    String yaml = Files.readString(SHIPPED);
    for (Setting s : Setting.values()) {
      String leaf = s.key().substring(s.key().lastIndexOf('.') + 1);
      assertThat(yaml)
          .as(s.key())
          .containsPattern(
              "(?m)^\\s*" + Pattern.quote(leaf) + (s.secret() ? "(_file)?" : "") + ":");
      assertThat(yaml).as(s.env()).contains(s.env());
    }
    assertThat(ConfigLoader.load(Map.of(), SHIPPED).warnings()).isEmpty();
  }

  @Test
  void readme_documentsEverySetting() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (Setting s : Setting.values()) {
      assertThat(readme).as(s.env()).contains("`" + s.env() + "`");
    }
  }

  @Test
  void environment_overridesTheFile() {
    KmsConfig c =
        ConfigLoader.load(
                Map.of("KMS_HTTP_PORT", "9999", "KMS_REGIONS", "gz,bj", "KMS_DEFAULT_REGION", "bj"),
                SHIPPED)
            .config();
    assertThat(c.http().port()).isEqualTo(9999);
    assertThat(c.regions().served()).containsExactly("ap-guangzhou", "ap-beijing");
    assertThat(c.regions().defaultRegion()).isEqualTo("ap-beijing");
    assertThat(c.regions().resolve("sh")).isEmpty();
    assertThat(c.regions().resolve("gz")).contains("ap-guangzhou");
  }

  @Test
  void unknownKmsVariable_isWarnedAbout() {
    var loaded =
        ConfigLoader.load(
            Map.of("KMS_HTTP_PROT", "1", "KMS_PG_PASSWORD_FILE", "/dev/null"), SHIPPED);
    assertThat(loaded.warnings()).anyMatch(w -> w.contains("KMS_HTTP_PROT"));
    assertThat(loaded.warnings()).noneMatch(w -> w.contains("KMS_PG_PASSWORD_FILE"));
  }

  @Test
  void secrets_comeFromTheVariableOrAFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, "file-token-value-123456\n");
    KmsConfig c = ConfigLoader.load(Map.of("KMS_ADMIN_TOKEN_FILE", f.toString()), SHIPPED).config();
    assertThat(new String(c.admin().token().read())).isEqualTo("file-token-value-123456");
    assertThat(c.toString()).doesNotContain("file-token-value");
    KmsConfig inline =
        ConfigLoader.load(Map.of("KMS_ADMIN_TOKEN", "inline-token-value-1234"), SHIPPED).config();
    assertThat(new String(inline.admin().token().read())).isEqualTo("inline-token-value-1234");
    assertThat(inline.toString()).doesNotContain("inline-token-value");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("KMS_ADMIN_TOKEN", "a", "KMS_ADMIN_TOKEN_FILE", f.toString()), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class);
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("KMS_ADMIN_TOKEN_FILE", dir.resolve("missing").toString()), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_ADMIN_TOKEN_FILE");
  }

  @Test
  void smRegions_emptyByDefault_aliasesResolved_andOnlyServedRegions() {
    assertThat(ConfigLoader.load(Map.of(), SHIPPED).config().regions().smRegions()).isEmpty();
    assertThat(
            ConfigLoader.load(Map.of("KMS_SM_REGIONS", "bj, ap-shanghai,bj"), SHIPPED)
                .config()
                .regions()
                .smRegions())
        .containsExactlyInAnyOrder("ap-beijing", "ap-shanghai");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("KMS_SM_REGIONS", "ap-mars"), SHIPPED))
        .hasMessageContaining("KMS_SM_REGIONS")
        .hasMessageContaining("ap-mars");
  }

  @Test
  void invalidValues_failFastNamingTheSetting() {
    Map<String, String> bad = new HashMap<>();
    bad.put("KMS_HTTP_PORT", "eighty");
    assertThatThrownBy(() -> ConfigLoader.load(bad, SHIPPED)).hasMessageContaining("KMS_HTTP_PORT");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("KMS_DEFAULT_REGION", "ap-mars"), SHIPPED))
        .hasMessageContaining("KMS_DEFAULT_REGION");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("KMS_TLS_CERT_FILE", "/etc/hostname"), SHIPPED))
        .hasMessageContaining("KMS_TLS_KEY_FILE");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("KMS_BOOTSTRAP_APPID", "125"), SHIPPED))
        .hasMessageContaining("bootstrap");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "KMS_BOOTSTRAP_APPID",
                        "x",
                        "KMS_BOOTSTRAP_SECRET_ID",
                        "AKIDabcdefgh",
                        "KMS_BOOTSTRAP_SECRET_KEY",
                        "k"),
                    SHIPPED))
        .hasMessageContaining("decimal");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "KMS_BOOTSTRAP_APPID",
                        "1",
                        "KMS_BOOTSTRAP_SECRET_ID",
                        "notakid",
                        "KMS_BOOTSTRAP_SECRET_KEY",
                        "k"),
                    SHIPPED))
        .hasMessageContaining("AKID");
  }

  @Test
  void bootstrapUin_defaultsToTheAppId() {
    KmsConfig c =
        ConfigLoader.load(
                Map.of(
                    "KMS_BOOTSTRAP_APPID",
                    "1250000000",
                    "KMS_BOOTSTRAP_SECRET_ID",
                    "AKIDabcdefgh",
                    "KMS_BOOTSTRAP_SECRET_KEY",
                    "k"),
                SHIPPED)
            .config();
    assertThat(c.bootstrap().get().uin()).isEqualTo("1250000000");
    Matcher m = Pattern.compile("redacted").matcher(c.bootstrap().get().secretKey().toString());
    assertThat(m.find()).isTrue();
  }

  @Test
  void placeholderSecretFile_refusesToStart_namingTheSettingNotTheValue(@TempDir Path dir)
      throws Exception {
    Path f = dir.resolve("unseal-key");
    Files.writeString(f, "REPLACE_ME_base64_of_32_random_bytes\n");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("KMS_UNSEAL_KEY_FILE", f.toString()), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_UNSEAL_KEY_FILE")
        .hasMessageContaining("placeholder")
        .hasMessageNotContaining("base64_of_32");
  }

  @Test
  void placeholderInlineSecret_orPlainSetting_refusesToStart() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("KMS_ADMIN_TOKEN", "REPLACE_ME_admin_token_at_least_16_chars"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageStartingWith("KMS_ADMIN_TOKEN ")
        .hasMessageNotContaining("at_least_16");
    // Values read from a Secret through secretKeyRef are plain settings: they are checked too.
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("KMS_PG_URL", "REPLACE_ME_postgresql_url_without_password"), SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_PG_URL");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "KMS_BOOTSTRAP_APPID",
                        "REPLACE_ME_decimal_appid",
                        "KMS_BOOTSTRAP_SECRET_ID",
                        "AKIDabcdefgh",
                        "KMS_BOOTSTRAP_SECRET_KEY",
                        "k"),
                    SHIPPED))
        .hasMessageContaining("KMS_BOOTSTRAP_APPID")
        .hasMessageContaining("placeholder");
  }

  @Test
  void placeholderTlsFile_refusesToStart(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n");
    Files.writeString(key, "REPLACE_ME_pem_private_key");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        "KMS_TLS_CERT_FILE", cert.toString(), "KMS_TLS_KEY_FILE", key.toString()),
                    SHIPPED))
        .isInstanceOf(ConfigLoader.ConfigException.class)
        .hasMessageContaining("KMS_TLS_KEY_FILE");
  }

  @Test
  void realSecrets_mentioningThePlaceholderLaterOn_areAccepted(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, "token-REPLACE_ME-is-only-a-substring\n");
    KmsConfig c = ConfigLoader.load(Map.of("KMS_ADMIN_TOKEN_FILE", f.toString()), SHIPPED).config();
    assertThat(c.admin().token().isPresent()).isTrue();
  }

  @Test
  void drainTimeout_isBounded() {
    assertThat(
            ConfigLoader.load(Map.of("KMS_SERVER_DRAIN_TIMEOUT_SECONDS", "0"), SHIPPED)
                .config()
                .server()
                .drainTimeoutSeconds())
        .isZero();
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of("KMS_SERVER_DRAIN_TIMEOUT_SECONDS", "-1"), SHIPPED))
        .hasMessageContaining("KMS_SERVER_DRAIN_TIMEOUT_SECONDS");
  }
}
