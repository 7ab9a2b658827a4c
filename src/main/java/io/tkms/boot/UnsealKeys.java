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
 * Resolves the unseal key: the configured one, or in development a generated key kept in {@code
 * $KMS_DATA_DIR/dev-unseal-key} (mode 0600) with a loud warning.
 */
final class UnsealKeys {
  private static final Logger LOG = LoggerFactory.getLogger(UnsealKeys.class);

  private UnsealKeys() {}

  /** The 32 raw bytes; the caller zeroes them. */
  static byte[] resolve(KmsConfig.Seal seal, Path dataDir, RandomSource random) {
    if (seal.unsealKey().isPresent()) {
      return decode(seal.unsealKey().read(), "KMS_UNSEAL_KEY");
    }
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
          "*** DEVELOPMENT SEAL: no KMS_UNSEAL_KEY is configured, so the root key is sealed under a generated key"
              + " stored next to the data in {}. Anyone who can read that directory can unseal every key."
              + " Configure KMS_UNSEAL_KEY_FILE for production. ***",
          file.toAbsolutePath());
      return decode(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new BootException("cannot read or create the development unseal key " + file);
    }
  }

  private static byte[] decode(byte[] b64, String source) {
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
