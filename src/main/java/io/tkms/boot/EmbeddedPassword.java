package io.tkms.boot;

import io.tkms.crypto.RandomSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The embedded Postgres superuser's password: 32 random bytes as hex, generated on the first start
 * into {@code $KMS_DATA_DIR/pg-password} (mode 0600) and read from there afterwards; and the {@code
 * pg_hba.conf} rewrite that makes a cluster from an earlier version ask for it.
 */
final class EmbeddedPassword {
  /** The file under the data directory. */
  static final String FILE = "pg-password";

  private EmbeddedPassword() {}

  /** The password in {@code file}, generated there (mode 0600) when the file does not exist. */
  static String readOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] random = new byte[32];
      RandomSource.secure().nextBytes(random);
      try {
        writePrivate(file, HexFormat.of().formatHex(random));
      } catch (FileAlreadyExistsException raced) {
        // Another start got there first: use its password.
      }
    }
    String pw = Files.readString(file, StandardCharsets.US_ASCII).trim();
    if (pw.length() != 64 || !pw.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new BootException(file + " must hold the embedded Postgres password (64 hex digits)");
    }
    return pw;
  }

  /** Creates {@code file} readable and writable by its owner only, holding {@code text}. */
  static void writePrivate(Path file, String text) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      if (Files.size(file) > 0) {
        throw e;
      }
    }
    Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Whether the cluster in {@code dir} lets some TCP connection in without a password. */
  static boolean trustsTcp(Path dir) throws IOException {
    for (String line : Files.readAllLines(dir.resolve("pg_hba.conf"))) {
      if (isTrustedHostLine(line)) {
        return true;
      }
    }
    return false;
  }

  /** Rewrites {@code pg_hba.conf} so that every {@code trust} rule asks for the password. */
  static void requirePasswordForTcp(Path dir) throws IOException {
    Path hba = dir.resolve("pg_hba.conf");
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(hba)) {
      String[] f = line.trim().split("\\s+", -1);
      boolean rule = !line.trim().startsWith("#") && f.length >= 4;
      out.add(
          rule && f[f.length - 1].equalsIgnoreCase("trust")
              ? line.substring(0, line.lastIndexOf(f[f.length - 1])) + "scram-sha-256"
              : line);
    }
    Files.write(hba, out);
  }

  private static boolean isTrustedHostLine(String line) {
    String t = line.trim();
    if (t.startsWith("#") || t.isEmpty()) {
      return false;
    }
    String[] f = t.split("\\s+", -1);
    return f[0].toLowerCase(Locale.ROOT).startsWith("host")
        && f[f.length - 1].equalsIgnoreCase("trust");
  }
}
