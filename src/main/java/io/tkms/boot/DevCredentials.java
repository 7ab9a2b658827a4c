package io.tkms.boot;

import io.tkms.crypto.RandomSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The development credential used when no bootstrap credential is configured: generated once, kept
 * in {@code $KMS_DATA_DIR/dev-credentials} (mode 0600). Only the path is ever printed.
 */
final class DevCredentials {
  static final String DEV_APPID = "1250000000";
  private static final char[] ALPHANUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  /** The credential read from or written to the file; {@code secretKey} is zeroed by close(). */
  record Dev(String appId, String uin, String secretId, byte[] secretKey) implements AutoCloseable {
    @Override
    public void close() {
      Arrays.fill(secretKey, (byte) 0);
    }

    @Override
    public String toString() {
      return "Dev[appId=" + appId + ", secretId=" + secretId + ", secretKey=redacted]";
    }
  }

  private DevCredentials() {}

  static Dev loadOrCreate(Path file, RandomSource random) {
    try {
      if (Files.exists(file)) {
        return parse(Files.readAllBytes(file), file);
      }
      Dev dev =
          new Dev(
              DEV_APPID,
              DEV_APPID,
              "AKID" + token(random, 32),
              token(random, 32).getBytes(StandardCharsets.US_ASCII));
      String text =
          "# Development credential of this tkms data directory. Do not use in production.\n"
              + "appId="
              + dev.appId()
              + "\nuin="
              + dev.uin()
              + "\nsecretId="
              + dev.secretId()
              + "\nsecretKey="
              + new String(dev.secretKey(), StandardCharsets.US_ASCII)
              + "\n";
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      Files.createDirectories(file.getParent());
      SecretFiles.writePrivate(file, bytes);
      Arrays.fill(bytes, (byte) 0);
      return dev;
    } catch (IOException e) {
      throw new BootException("cannot read or write the development credentials file " + file);
    }
  }

  private static Dev parse(byte[] raw, Path file) {
    Map<String, String> m = new HashMap<>();
    for (String line : new String(raw, StandardCharsets.UTF_8).split("\n", -1)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    Arrays.fill(raw, (byte) 0);
    for (String k : new String[] {"appId", "uin", "secretId", "secretKey"}) {
      if (!m.containsKey(k)) {
        throw new BootException(
            file + " lacks " + k + "; delete it to generate a new development credential");
      }
    }
    return new Dev(
        m.get("appId"),
        m.get("uin"),
        m.get("secretId"),
        m.get("secretKey").getBytes(StandardCharsets.UTF_8));
  }

  private static String token(RandomSource random, int n) {
    StringBuilder sb = new StringBuilder(n);
    byte[] b = new byte[1];
    while (sb.length() < n) {
      random.nextBytes(b);
      int v = b[0] & 0xff;
      if (v < 248) {
        sb.append(ALPHANUM[v % ALPHANUM.length]);
      }
    }
    return sb.toString();
  }
}
