package io.tkms.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A secret setting: either given inline (an environment variable) or as a file reference. The
 * value is read when {@link #read()} is called, never kept in this object's {@code toString}.
 */
public final class SecretRef {
  private static final SecretRef NONE = new SecretRef(null, null);
  private final byte[] inline;
  private final Path file;

  private SecretRef(byte[] inline, Path file) {
    this.inline = inline;
    this.file = file;
  }

  public static SecretRef none() {
    return NONE;
  }

  public static SecretRef inline(String value) {
    return new SecretRef(value.getBytes(StandardCharsets.UTF_8), null);
  }

  public static SecretRef file(Path file) {
    return new SecretRef(null, file);
  }

  public boolean isPresent() {
    return inline != null || file != null;
  }

  /**
   * Reads the secret (trailing CR/LF stripped, as files written by {@code echo} end in one). The
   * caller owns the returned array and must zero it after use.
   *
   * @throws IllegalStateException naming the file (never its content) when it cannot be read
   */
  public byte[] read() {
    if (inline != null) {
      return inline.clone();
    }
    if (file == null) {
      throw new IllegalStateException("secret not configured");
    }
    try {
      byte[] raw = Files.readAllBytes(file);
      int n = raw.length;
      while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r')) {
        n--;
      }
      byte[] out = Arrays.copyOf(raw, n);
      Arrays.fill(raw, (byte) 0);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read secret file " + file, new IOException(e.getClass().getSimpleName()));
    }
  }

  @Override
  public String toString() {
    if (file != null) {
      return "SecretRef[file=" + file + "]";
    }
    return inline != null ? "SecretRef[inline, redacted]" : "SecretRef[none]";
  }
}
