package io.tkms.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code -D} parameters of every simulation (see {@code load-tests/README.md}), read once.
 * Credentials come from {@code kms.secretId} with {@code kms.secretKey} or {@code
 * kms.secretKeyFile}, else from {@code kms.credentialsFile} (the server's {@code dev-credentials}
 * format), else from {@code ./data/dev-credentials} or {@code ../data/dev-credentials}.
 */
public final class Settings {
  /** Base URL of the API listener, without a trailing slash. */
  public final String url;
  /** The {@code Host} header sent and signed: host, plus {@code :port} unless it is the scheme's default. */
  public final String host;
  public final String region;
  public final Credentials credentials;

  /** An API credential: SecretId and SecretKey (never printed). */
  public record Credentials(String secretId, String secretKey) {
    @Override
    public String toString() {
      return "Credentials[secretId=" + secretId + ", secretKey=redacted]";
    }
  }

  private Settings() {
    url = str("kms.url", "http://127.0.0.1:8080").replaceAll("/+$", "");
    host = hostHeader(URI.create(url));
    region = str("kms.region", "ap-guangzhou");
    credentials = credentials();
  }

  private static volatile Settings instance;

  /** The settings of this run (the JVM's system properties). */
  public static Settings get() {
    Settings s = instance;
    if (s == null) {
      synchronized (Settings.class) {
        if (instance == null) {
          instance = new Settings();
        }
        s = instance;
      }
    }
    return s;
  }

  static String hostHeader(URI uri) {
    if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException("kms.url must be http(s)://host[:port], not " + uri);
    }
    int port = uri.getPort();
    int defaultPort = uri.getScheme().equals("https") ? 443 : 80;
    return port == -1 || port == defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
  }

  // ---- typed system properties ----

  public static String str(String name, String def) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? def : v.trim();
  }

  public static int integer(String name, int def) {
    String v = str(name, null);
    try {
      return v == null ? def : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + " must be an integer, not " + v);
    }
  }

  public static double decimal(String name, double def) {
    String v = str(name, null);
    try {
      return v == null ? def : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + " must be a number, not " + v);
    }
  }

  public static boolean bool(String name, boolean def) {
    String v = str(name, null);
    return v == null ? def : Boolean.parseBoolean(v);
  }

  /** A duration: {@code 90} or {@code 90s} (seconds), {@code 500ms}, {@code 10m}, {@code 2h}, {@code 1h30m}. */
  public static Duration duration(String name, String def) {
    String v = str(name, def).toLowerCase(Locale.ROOT);
    try {
      return parseDuration(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("-D" + name + " must be a duration like 90s, 10m, 2h or 1h30m, not " + v);
    }
  }

  static Duration parseDuration(String v) {
    if (v.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    if (!v.matches("(\\d+(ms|h|m|s))+")) {
      throw new IllegalArgumentException(v);
    }
    Duration d = Duration.ZERO;
    var m = java.util.regex.Pattern.compile("(\\d+)(ms|h|m|s)").matcher(v);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
    }
    return d;
  }

  // ---- credentials ----

  private static Credentials credentials() {
    String id = str("kms.secretId", null);
    String key = str("kms.secretKey", null);
    String keyFile = str("kms.secretKeyFile", null);
    String credFile = str("kms.credentialsFile", null);
    if (id != null) {
      if (key == null && keyFile != null) {
        key = read(Path.of(keyFile)).trim();
      }
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException("-Dkms.secretId needs -Dkms.secretKey or -Dkms.secretKeyFile");
      }
      return new Credentials(id, key);
    }
    if (credFile != null) {
      return parseCredentialsFile(Path.of(credFile));
    }
    for (Path p : List.of(Path.of("data", "dev-credentials"), Path.of("..", "data", "dev-credentials"))) {
      if (Files.isReadable(p)) {
        return parseCredentialsFile(p);
      }
    }
    throw new IllegalArgumentException("no credential: give -Dkms.secretId with -Dkms.secretKey or -Dkms.secretKeyFile, "
        + "or -Dkms.credentialsFile=<server data dir>/dev-credentials");
  }

  /** Reads the server's {@code dev-credentials} format: {@code name=value} lines, {@code #} comments. */
  static Credentials parseCredentialsFile(Path file) {
    Map<String, String> m = new HashMap<>();
    for (String line : read(file).split("\n")) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    String id = m.get("secretId");
    String key = m.get("secretKey");
    if (id == null || key == null || id.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException(file + " lacks secretId= or secretKey=");
    }
    return new Credentials(id, key);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }
}
