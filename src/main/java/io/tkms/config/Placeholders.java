package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Refuses to start on a value still holding the placeholder of the example Kubernetes Secrets
 * ({@value SecretRef#PLACEHOLDER_PREFIX}...): a deployment applied before its real Secrets were
 * created must fail loudly, not run with a guessable unseal key or token. Names the setting, never
 * the value.
 */
final class Placeholders {
  private Placeholders() {}

  /** Checks plain settings, then secrets, then the content of the TLS files. */
  static void refuse(RawSettings raw) {
    for (Setting s : Setting.values()) {
      if (!s.secret() && SecretRef.isPlaceholder(raw.str(s))) {
        throw placeholder(s.env());
      }
    }
    for (Setting s : Setting.values()) {
      if (!s.secret()) {
        continue;
      }
      String source = raw.secretSource(s);
      try {
        if (raw.secret(s).isPlaceholder()) {
          throw placeholder(source);
        }
      } catch (UncheckedIOException ex) {
        throw new ConfigException(source + ": the secret file cannot be read");
      }
    }
    // The TLS key and certificate come from a Secret too; their paths are not secret, their
    // content is.
    for (Setting s : List.of(Setting.TLS_CERT_FILE, Setting.TLS_KEY_FILE)) {
      String path = raw.str(s);
      if (!path.isEmpty()
          && Files.isReadable(Path.of(path))
          && SecretRef.file(Path.of(path)).isPlaceholder()) {
        throw placeholder(s.env());
      }
    }
  }

  private static ConfigException placeholder(String name) {
    return new ConfigException(
        name
            + " still holds the placeholder of the example Secret (it starts with "
            + SecretRef.PLACEHOLDER_PREFIX
            + "): create the real Secret before starting (docs/kubernetes.md)");
  }
}
