package io.tkms.boot;

import io.tkms.application.AdminService;
import io.tkms.config.KmsConfig;
import io.tkms.crypto.RandomSource;
import io.tkms.error.KmsException;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials step of start-up: ensures the configured bootstrap owner credential, or in
 * development mode the development credential kept under the data directory ({@link
 * DevCredentials}). Outside development mode, with neither, the start goes on only when the
 * database already has accounts (created earlier by a bootstrap credential or the admin API). The
 * secret key is read from its {@code SecretRef} here and zeroed once the account service has it.
 * Blocks: call from the starting thread, never an event loop.
 */
final class BootstrapCredential {
  private static final Logger LOG = LoggerFactory.getLogger(BootstrapCredential.class);

  private BootstrapCredential() {}

  /**
   * @throws BootException when the account service refuses the credential
   */
  static void ensure(KmsConfig config, AdminService admin, RandomSource random) {
    if (config.bootstrap().isPresent()) {
      ensureConfigured(config.bootstrap().get(), admin);
    } else if (config.server().devMode()) {
      ensureDevelopment(config.server().dataDir(), admin, random);
    } else if (admin.listAccounts().await().isEmpty()) {
      throw new BootException(
          "no account exists and no bootstrap credential is configured: set KMS_BOOTSTRAP_APPID,"
              + " KMS_BOOTSTRAP_SECRET_ID and KMS_BOOTSTRAP_SECRET_KEY_FILE, or start with --dev"
              + " (KMS_DEV_MODE=true) for a development credential");
    }
  }

  private static void ensureConfigured(KmsConfig.Bootstrap b, AdminService admin) {
    byte[] key = b.secretKey().read();
    try {
      admin.ensureCredential(b.appId(), b.uin(), b.secretId(), key).await();
    } catch (KmsException e) {
      throw new BootException("bootstrap credential refused: " + e.getMessage());
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static void ensureDevelopment(Path dataDir, AdminService admin, RandomSource random) {
    Path file = dataDir.resolve("dev-credentials").toAbsolutePath();
    try (DevCredentials.Dev dev = DevCredentials.loadOrCreate(file, random)) {
      admin.ensureCredential(dev.appId(), dev.uin(), dev.secretId(), dev.secretKey()).await();
    } catch (KmsException e) {
      throw new BootException("development credential refused: " + e.getMessage());
    }
    LOG.warn(
        "no bootstrap credential configured: a development credential (AppId {}) is in {}",
        DevCredentials.DEV_APPID,
        file);
  }
}
