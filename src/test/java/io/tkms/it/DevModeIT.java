package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.boot.BootException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Production fails closed: outside development mode a missing unseal key, or a missing bootstrap
 * credential on a database without accounts, stops the start (exit code 2, a message saying what to
 * set) and nothing is generated; a development seal is refused with an external database. {@code
 * --dev} is what turns development mode on. (The development seal and credential themselves:
 * RestartIT.)
 */
class DevModeIT {

  @Test
  void withoutUnsealKey_outsideDevelopmentMode_theStartStopsAndNothingIsGenerated() {
    Path dataDir = TestServer.tempDir();
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), dataDir);
    env.remove("KMS_UNSEAL_KEY");
    assertThatThrownBy(() -> TestServer.start(env))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("no unseal key")
        .hasMessageContaining("KMS_UNSEAL_KEY_FILE")
        .hasMessageContaining("--dev");
    assertThat(dataDir.resolve("dev-unseal-key")).doesNotExist();
  }

  @Test
  void developmentSeal_withAnExternalDatabase_isRefused() {
    Path dataDir = TestServer.tempDir();
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), dataDir);
    env.remove("KMS_UNSEAL_KEY");
    env.put("KMS_DEV_MODE", "true");
    assertThatThrownBy(() -> TestServer.start(env))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("KMS_PG_URL")
        .hasMessageContaining("KMS_UNSEAL_KEY_FILE");
    assertThat(dataDir.resolve("dev-unseal-key")).doesNotExist();
  }

  @Test
  void withoutBootstrapCredential_anEmptyDatabaseStopsTheStart_oneWithAccountsDoesNot() {
    Path dataDir = TestServer.tempDir();
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), dataDir);
    Map<String, String> withBootstrap = new java.util.HashMap<>(env);
    env.remove("KMS_BOOTSTRAP_APPID");
    env.remove("KMS_BOOTSTRAP_SECRET_ID");
    env.remove("KMS_BOOTSTRAP_SECRET_KEY");
    assertThatThrownBy(() -> TestServer.start(env))
        .isInstanceOf(BootException.class)
        .hasMessageContaining("KMS_BOOTSTRAP_SECRET_KEY_FILE")
        .hasMessageContaining("--dev");
    assertThat(dataDir.resolve("dev-credentials")).doesNotExist();

    // Once a bootstrap credential has made the first account, later starts need none.
    TestServer.start(withBootstrap).close();
    try (TestServer s = TestServer.start(env)) {
      assertThat(s.bootstrapClient().call("ListKey").getInteger("code")).isZero();
    }
    assertThat(dataDir.resolve("dev-credentials")).doesNotExist();
  }

  @Test
  void theProcessExitsWith2_andDevTurnsOnDevelopmentMode() throws Exception {
    Path dataDir = TestServer.tempDir();
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), dataDir);
    env.remove("KMS_UNSEAL_KEY");

    Path log = dataDir.resolve("plain.log");
    Files.createDirectories(dataDir);
    Process plain = EmbeddedPostgresIT.startProcess(env, log, List.of(), List.of());
    assertThat(plain.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(plain.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log)).contains("no unseal key");

    // With --dev the same settings get past that check, to the next refusal: a development seal
    // is never used with an external database.
    Path devLog = dataDir.resolve("dev.log");
    Process dev = EmbeddedPostgresIT.startProcess(env, devLog, List.of(), List.of("--dev"));
    assertThat(dev.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dev.exitValue()).isEqualTo(2);
    assertThat(Files.readString(devLog))
        .contains("development seal cannot protect an external database")
        .doesNotContain("no unseal key");
  }
}
