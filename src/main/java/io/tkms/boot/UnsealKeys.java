package io.tkms.boot;

import io.tkms.config.KmsConfig;
import io.tkms.crypto.RandomSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the unseal key: the configured one, or in development mode only a generated key kept in
 * {@code $KMS_DATA_DIR/dev-unseal-key} (mode 0600) with a loud warning. Outside development mode a
 * missing unseal key stops the start.
 */
final class UnsealKeys {
  private static final Logger LOG = LoggerFactory.getLogger(UnsealKeys.class);

  private UnsealKeys() {}

  /**
   * Refuses, before anything is started, a configuration that would need a development seal where
   * none is allowed: outside development mode, or with an external database (whose data must never
   * sit next to the key that opens it, and which other replicas would need the same key for).
   *
   * @throws BootException naming what to set
   */
  static void check(KmsConfig config) {
    if (config.seal().unsealKey().isPresent() || config.seal().hsa() == KmsConfig.HsaType.PKCS11) {
      return;
    }
    if (!config.server().devMode()) {
      throw new BootException(
          "no unseal key: set KMS_UNSEAL_KEY_FILE to a file holding 32 random bytes in base64"
              + " (openssl rand -base64 32), or start with --dev (KMS_DEV_MODE=true) for a"
              + " development seal kept in the data directory");
    }
    if (config.database().url().isPresent()) {
      throw new BootException(
          "a development seal cannot protect an external database (KMS_PG_URL): set"
              + " KMS_UNSEAL_KEY_FILE");
    }
  }

  /** The 32 raw bytes; the caller zeroes them. */
  static byte[] resolve(KmsConfig config, RandomSource random) {
    KmsConfig.Seal seal = config.seal();
    if (seal.unsealKey().isPresent()) {
      return decode(seal.unsealKey().read(), "KMS_UNSEAL_KEY");
    }
    check(config);
    Path dataDir = config.server().dataDir();
    Path file = dataDir.resolve("dev-unseal-key");
    try {
      if (!Files.exists(file)) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] b64 = Base64.getEncoder().encode(key);
        Arrays.fill(key, (byte) 0);
        Files.createDirectories(dataDir);
        SecretFiles.writePrivate(file, b64);
        Arrays.fill(b64, (byte) 0);
      }
      LOG.warn(
          "*** DEVELOPMENT SEAL (--dev): no KMS_UNSEAL_KEY is configured, so the root key is sealed under a generated key"
              + " stored next to the data in {}. Anyone who can read that directory can unseal every key."
              + " Configure KMS_UNSEAL_KEY_FILE for production. ***",
          file.toAbsolutePath());
      return decode(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new BootException("cannot read or create the development unseal key " + file);
    }
  }

  static byte[] decode(byte[] b64, String source) {
    try {
      String s = new String(b64, StandardCharsets.US_ASCII).trim();
      byte[] key = Base64.getDecoder().decode(s);
      if (key.length != 32) {
        Arrays.fill(key, (byte) 0);
        throw new BootException(
            source + " must be base64 of exactly 32 bytes (openssl rand -base64 32)");
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw new BootException(source + " is not valid base64 (openssl rand -base64 32)");
    } finally {
      Arrays.fill(b64, (byte) 0);
    }
  }
}
