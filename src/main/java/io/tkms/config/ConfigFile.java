package io.tkms.config;

import io.tkms.config.ConfigLoader.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The configuration file: which one is read ({@code KMS_CONFIG}, else {@code conf/kms.yaml} when it
 * exists), and its mappings flattened to dotted keys ({@code http.port}).
 */
final class ConfigFile {
  private ConfigFile() {}

  /**
   * The file to read: {@code explicit} when given, else the one {@code KMS_CONFIG} names (which
   * must exist), else {@code conf/kms.yaml} if it exists; null when there is none.
   */
  static Path locate(Map<String, String> env, Path explicit) {
    Path file = explicit;
    if (file == null && env.get("KMS_CONFIG") != null && !env.get("KMS_CONFIG").isBlank()) {
      file = Path.of(env.get("KMS_CONFIG"));
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("KMS_CONFIG names " + file + ", which is not a readable file");
      }
    }
    if (file == null && Files.isRegularFile(Path.of("conf", "kms.yaml"))) {
      file = Path.of("conf", "kms.yaml");
    }
    return file;
  }

  /** The file's scalars and lists by dotted key; empty for a null or empty file. */
  static Map<String, Object> read(Path file) {
    if (file == null) {
      return Map.of();
    }
    try (InputStream in = Files.newInputStream(file)) {
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      if (root == null) {
        return Map.of();
      }
      if (!(root instanceof Map<?, ?> m)) {
        throw new ConfigException(file + ": the top level must be a mapping");
      }
      Map<String, Object> flat = new LinkedHashMap<>();
      flatten("", m, flat);
      return flat;
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      if (e instanceof ConfigException) {
        throw e;
      }
      throw new ConfigException(file + " is not valid YAML");
    }
  }

  private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> out) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String k = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> child) {
        flatten(k + ".", child, out);
      } else {
        out.put(k, e.getValue());
      }
    }
  }
}
