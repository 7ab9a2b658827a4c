package io.tkms.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisConfigTest {
  static final Path SHIPPED = Path.of("conf", "kms.yaml");

  static KmsConfig load(Map<String, String> env) {
    return ConfigLoader.load(env, SHIPPED).config();
  }

  @Test
  void noUrl_meansNoRedis() {
    assertThat(load(Map.of()).redis()).isEmpty();
  }

  @Test
  void url_givesTheShippedDefaults() {
    KmsConfig.Redis r = load(Map.of("KMS_REDIS_URL", "redis://cache:6379")).redis().orElseThrow();
    assertThat(r.url()).isEqualTo("redis://cache:6379");
    assertThat(r.failureMode()).isEqualTo(KmsConfig.RedisFailureMode.LOCAL_SHARE);
    assertThat(r.timeoutMillis()).isEqualTo(50);
    assertThat(r.keyPrefix()).isEqualTo("tkms:");
    assertThat(r.password().isPresent()).isFalse();
  }

  @Test
  void everySettingIsRead_andThePasswordStaysSecret() {
    KmsConfig c =
        load(
            Map.of(
                "KMS_REDIS_URL",
                "rediss://kms@cache:6380/2",
                "KMS_REDIS_PASSWORD",
                "redis-secret-value",
                "KMS_REDIS_FAILURE_MODE",
                "fail-closed",
                "KMS_REDIS_TIMEOUT_MS",
                "120",
                "KMS_REDIS_KEY_PREFIX",
                "{prod}:kms:"));
    KmsConfig.Redis r = c.redis().orElseThrow();
    assertThat(r.failureMode()).isEqualTo(KmsConfig.RedisFailureMode.FAIL_CLOSED);
    assertThat(r.timeoutMillis()).isEqualTo(120);
    assertThat(r.keyPrefix()).isEqualTo("{prod}:kms:");
    assertThat(new String(r.password().read())).isEqualTo("redis-secret-value");
    assertThat(c.toString()).doesNotContain("redis-secret-value");
    assertThat(
            load(Map.of("KMS_REDIS_URL", "redis://c", "KMS_REDIS_FAILURE_MODE", "fail-open"))
                .redis()
                .orElseThrow()
                .failureMode())
        .isEqualTo(KmsConfig.RedisFailureMode.FAIL_OPEN);
  }

  @Test
  void badValues_failFast_withoutRepeatingTheUrl() {
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_URL", "http://cache:6379")))
        .hasMessageContaining("redis://");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_URL", "redis://:hunter2secret@cache:6379")))
        .hasMessageContaining("KMS_REDIS_PASSWORD")
        .hasMessageNotContaining("hunter2secret");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_URL", "redis://kms:hunter2secret@cache:6379")))
        .hasMessageNotContaining("hunter2secret");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_FAILURE_MODE", "best-effort")))
        .hasMessageContaining("KMS_REDIS_FAILURE_MODE");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_TIMEOUT_MS", "0")))
        .hasMessageContaining("KMS_REDIS_TIMEOUT_MS");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_KEY_PREFIX", "bad prefix")))
        .hasMessageContaining("KMS_REDIS_KEY_PREFIX");
  }
}
