package io.tkms.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A secret setting: either given inline (an environment variable) or as a file reference. The value
 * is read when {@link #read()} is called, never kept in this object's {@code toString}.
 */
public final class SecretRef {
  /**
   * How every value of the example Kubernetes Secrets begins; a secret starting with it is refused
   * at start-up (see {@code ConfigLoader}).
   */
  public static final String PLACEHOLDER_PREFIX = "REPLACE_ME";

  private static final byte[] PLACEHOLDER = PLACEHOLDER_PREFIX.getBytes(StandardCharsets.US_ASCII);
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
      throw new UncheckedIOException(
          "cannot read secret file " + file, new IOException(e.getClass().getSimpleName()));
    }
  }

  /**
   * True when the secret starts (after leading whitespace) with {@link #PLACEHOLDER_PREFIX}. Reads
   * the secret and zeroes the copy before returning.
   *
   * @throws java.io.UncheckedIOException when a file cannot be read
   */
  public boolean isPlaceholder() {
    if (!isPresent()) {
      return false;
    }
    byte[] value = read();
    try {
      int i = 0;
      while (i < value.length && Character.isWhitespace(value[i])) {
        i++;
      }
      return value.length - i >= PLACEHOLDER.length
          && Arrays.equals(value, i, i + PLACEHOLDER.length, PLACEHOLDER, 0, PLACEHOLDER.length);
    } finally {
      Arrays.fill(value, (byte) 0);
    }
  }

  /** True when a non-secret value (a URL or an id taken from a Secret) is still a placeholder. */
  public static boolean isPlaceholder(String value) {
    return value != null && value.strip().startsWith(PLACEHOLDER_PREFIX);
  }

  @Override
  public String toString() {
    if (file != null) {
      return "SecretRef[file=" + file + "]";
    }
    return inline != null ? "SecretRef[inline, redacted]" : "SecretRef[none]";
  }
}
