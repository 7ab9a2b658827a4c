package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The value of every {@link Setting} before it is typed: from the environment, else the
 * configuration file, else the default. Plain values are trimmed strings; secrets are {@link
 * SecretRef}s to a variable's value or a file. Collecting notes unknown variables and keys, and
 * secrets written inline in the file, as warnings. The group parsers read typed values from here;
 * every message names the setting, never a value that could be secret.
 */
final class RawSettings {
  private final Map<String, String> env;
  private final Map<Setting, String> values = new EnumMap<>(Setting.class);

  /** Plain settings given by the environment or the file rather than left at their default. */
  private final java.util.Set<Setting> given = java.util.EnumSet.noneOf(Setting.class);

  private final Map<Setting, SecretRef> secrets = new EnumMap<>(Setting.class);

  /** The variable or YAML key each present secret came from, to name it in messages. */
  private final Map<Setting, String> secretSources = new EnumMap<>(Setting.class);

  private final List<String> warnings = new ArrayList<>();

  private RawSettings(Map<String, String> env) {
    this.env = env;
  }

  /** Gathers every setting from {@code env} and the flattened file {@code yaml}. */
  static RawSettings collect(Map<String, String> env, Map<String, Object> yaml) {
    RawSettings raw = new RawSettings(env);
    raw.warnAboutUnknown(yaml);
    for (Setting s : Setting.values()) {
      if (s.secret()) {
        raw.secrets.put(s, raw.secret(s, yaml));
      } else {
        String v = env.get(s.env());
        if (v == null) {
          Object y = yaml.get(s.key());
          v = y == null ? s.defaultValue() : scalar(y);
          // The shipped file spells out the defaults; only a different value counts as chosen.
          if (y != null && !v.trim().equals(s.defaultValue())) {
            raw.given.add(s);
          }
        } else {
          raw.given.add(s);
        }
        raw.values.put(s, v.trim());
      }
    }
    return raw;
  }

  private void warnAboutUnknown(Map<String, Object> yaml) {
    for (String k : yaml.keySet()) {
      boolean known =
          Arrays.stream(Setting.values())
              .anyMatch(s -> s.key().equals(k) || (s.secret() && (s.key() + "_file").equals(k)));
      if (!known) {
        warnings.add("unknown setting '" + k + "' in the configuration file is ignored");
      }
    }
    for (String name : env.keySet()) {
      if (name.startsWith("KMS_")
          && !Setting.isKnownEnv(name)
          && !name.startsWith("KMS_TEST_")
          && !name.equals("KMS_CONFIG")) {
        warnings.add("unknown environment variable " + name + " is ignored");
      }
    }
  }

  private static String scalar(Object y) {
    if (y instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(y);
  }

  private SecretRef secret(Setting s, Map<String, Object> yaml) {
    String inline = env.get(s.env());
    String file = env.get(s.env() + "_FILE");
    if (inline != null && !inline.isEmpty() && file != null && !file.isEmpty()) {
      throw new ConfigException("set only one of " + s.env() + " and " + s.env() + "_FILE");
    }
    if (inline != null && !inline.isEmpty()) {
      secretSources.put(s, s.env());
      return SecretRef.inline(inline);
    }
    if (file != null && !file.isEmpty()) {
      secretSources.put(s, s.env() + "_FILE");
      return fileRef(s.env() + "_FILE", file);
    }
    Object yFile = yaml.get(s.key() + "_file");
    if (yFile != null && !String.valueOf(yFile).isBlank()) {
      secretSources.put(s, s.key() + "_file");
      return fileRef(s.key() + "_file", String.valueOf(yFile));
    }
    Object y = yaml.get(s.key());
    if (y != null && !String.valueOf(y).isEmpty()) {
      warnings.add(
          "secret '"
              + s.key()
              + "' is written inline in the configuration file; prefer "
              + s.env()
              + "_FILE");
      secretSources.put(s, s.key());
      return SecretRef.inline(String.valueOf(y));
    }
    return SecretRef.none();
  }

  private static SecretRef fileRef(String name, String path) {
    Path p = Path.of(path);
    if (!Files.isReadable(p)) {
      throw new ConfigException(name + " names " + p + ", which is not a readable file");
    }
    return SecretRef.file(p);
  }

  /** Warnings to log at start (unknown variables and keys, inline secrets in the file). */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** A plain setting's trimmed value (its default when unset). */
  String str(Setting s) {
    return values.get(s);
  }

  /** A plain setting's value, empty when it is the empty string. */
  Optional<String> opt(Setting s) {
    String v = values.get(s);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  /** A plain setting as an integer in [{@code min}, {@code max}]. */
  int integer(Setting s, int min, int max) {
    String v = values.get(s);
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new ConfigException(
            s.env() + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(s.env() + " must be an integer, got '" + v + "'");
    }
  }

  /**
   * A listener address: as given, or in development mode {@code 127.0.0.1} unless the environment
   * sets it or the file sets it to something other than the default (a development server is not
   * reachable from the network unless asked).
   */
  String host(Setting s) {
    return !given.contains(s) && bool(Setting.DEV_MODE) ? "127.0.0.1" : str(s);
  }

  /** A plain setting that is {@code true} or {@code false} (any case). */
  boolean bool(Setting s) {
    String v = values.get(s);
    if ("true".equalsIgnoreCase(v)) {
      return true;
    }
    if ("false".equalsIgnoreCase(v)) {
      return false;
    }
    throw new ConfigException(s.env() + " must be true or false, got '" + v + "'");
  }

  /** A secret setting ({@link SecretRef#none()} when unset). */
  SecretRef secret(Setting s) {
    return secrets.get(s);
  }

  /** The variable or file key a present secret was given by, to name it in messages. */
  String secretSource(Setting s) {
    return secretSources.get(s);
  }
}
