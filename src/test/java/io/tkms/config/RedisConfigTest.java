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
    assertThat(r.mode()).isEqualTo(KmsConfig.RedisMode.STANDALONE);
    assertThat(r.replayFailureMode()).isEqualTo(KmsConfig.ReplayFailureMode.LOCAL);
  }

  @Test
  void sentinelUrl_isAcceptedInStandaloneMode() {
    String url = "redis-sentinel://s1:26379,s2:26379,10.0.0.3/?sentinelMasterId=mymaster";
    KmsConfig.Redis r = load(Map.of("KMS_REDIS_URL", url)).redis().orElseThrow();
    assertThat(r.url()).isEqualTo(url);
    assertThat(r.mode()).isEqualTo(KmsConfig.RedisMode.STANDALONE);
    assertThat(
            load(Map.of(
                    "KMS_REDIS_URL",
                    "rediss-sentinel://kms@[::1]:26379/0?timeout=2s&sentinelMasterId=m"))
                .redis())
        .isPresent();
  }

  @Test
  void clusterMode_takesCommaSeparatedSeeds_andTheReplayModeIsRead() {
    KmsConfig.Redis r =
        load(Map.of(
                "KMS_REDIS_MODE",
                "cluster",
                "KMS_REDIS_URL",
                "redis://n1:7000, redis://n2:7001/0,redis://kms@n3",
                "KMS_REDIS_REPLAY_FAILURE_MODE",
                "refuse"))
            .redis()
            .orElseThrow();
    assertThat(r.mode()).isEqualTo(KmsConfig.RedisMode.CLUSTER);
    assertThat(r.replayFailureMode()).isEqualTo(KmsConfig.ReplayFailureMode.REFUSE);
    assertThat(
            load(Map.of("KMS_REDIS_MODE", "cluster", "KMS_REDIS_URL", "redis://one:7000")).redis())
        .isPresent();
  }

  @Test
  void sentinelAndClusterUrls_badForms_failFast_withoutRepeatingTheUrl() {
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "KMS_REDIS_URL",
                        "redis-sentinel://:hunter2secret@s1:26379/?sentinelMasterId=m")))
        .hasMessage("KMS_REDIS_URL must not carry a password: use KMS_REDIS_PASSWORD_FILE");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "KMS_REDIS_URL",
                        "redis-sentinel://kms:hunter2secret@s1:26379,s2/?sentinelMasterId=m")))
        .hasMessageNotContaining("hunter2secret")
        .hasMessageContaining("KMS_REDIS_PASSWORD_FILE");
    assertThatThrownBy(
            () -> load(Map.of("KMS_REDIS_URL", "redis-sentinel://s1:26379,s2:26379/?other=1")))
        .hasMessage("KMS_REDIS_URL (Sentinel) must name the master: ?sentinelMasterId=<name>");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_URL", "redis-sentinel://s1:26379")))
        .hasMessageContaining("sentinelMasterId");
    assertThatThrownBy(
            () ->
                load(Map.of("KMS_REDIS_URL", "redis-sentinel://s1:26379,,s2/?sentinelMasterId=m")))
        .hasMessage(
            "KMS_REDIS_URL (Sentinel) must list the sentinels as host:port, separated by commas");
    assertThatThrownBy(
            () -> load(Map.of("KMS_REDIS_URL", "redis-sentinel://s1:port/?sentinelMasterId=m")))
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_URL", "redis://n1:7000,redis://n2:7001")))
        .hasMessageContaining("KMS_REDIS_MODE=cluster")
        .hasMessageContaining("redis-sentinel://");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_URL", "redis://cache:6379 x")))
        .hasMessage("KMS_REDIS_URL is not a URL");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_URL", "redis:///0")))
        .hasMessage("KMS_REDIS_URL must name a host");
  }

  @Test
  void clusterMode_badSeeds_failFast_withoutRepeatingTheUrl() {
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "KMS_REDIS_MODE",
                        "cluster",
                        "KMS_REDIS_URL",
                        "redis-sentinel://s1:26379/?sentinelMasterId=m")))
        .hasMessageStartingWith("KMS_REDIS_MODE=cluster needs KMS_REDIS_URL as redis://");
    assertThatThrownBy(
            () -> load(Map.of("KMS_REDIS_MODE", "cluster", "KMS_REDIS_URL", "redis://n1:7000,")))
        .hasMessage("KMS_REDIS_URL has an empty entry between commas");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "KMS_REDIS_MODE",
                        "cluster",
                        "KMS_REDIS_URL",
                        "redis://n1:7000,redis://kms:hunter2secret@n2:7001")))
        .hasMessage("KMS_REDIS_URL must not carry a password: use KMS_REDIS_PASSWORD_FILE");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "KMS_REDIS_MODE",
                        "cluster",
                        "KMS_REDIS_URL",
                        "redis://n1:7000,rediss://n2:7001")))
        .hasMessage("KMS_REDIS_URL: all cluster seeds must use the same scheme");
    assertThatThrownBy(
            () -> load(Map.of("KMS_REDIS_MODE", "cluster", "KMS_REDIS_URL", "redis://n1:7000/2")))
        .hasMessageContaining("only database 0");
    assertThatThrownBy(
            () -> load(Map.of("KMS_REDIS_MODE", "cluster", "KMS_REDIS_URL", "http://n1:7000")))
        .hasMessageContaining("seed URLs");
  }

  @Test
  void badModes_failFast_evenWithoutAUrl() {
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_MODE", "sentinel")))
        .hasMessage("KMS_REDIS_MODE must be standalone or cluster, got 'sentinel'");
    assertThatThrownBy(() -> load(Map.of("KMS_REDIS_REPLAY_FAILURE_MODE", "fail-open")))
        .hasMessage("KMS_REDIS_REPLAY_FAILURE_MODE must be local or refuse, got 'fail-open'");
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
        .hasMessage("KMS_REDIS_URL must start with redis://, rediss:// or redis-sentinel://");
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
