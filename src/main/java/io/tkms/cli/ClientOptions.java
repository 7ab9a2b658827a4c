package io.tkms.cli;

import io.tkms.config.SecretRef;
import io.tkms.config.Setting;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the management API is and how to authenticate to it; shared by every command that calls the
 * server (picocli mixin). The token comes from {@code --token-file}, else {@code
 * KMS_ADMIN_TOKEN_FILE}, else {@code KMS_ADMIN_TOKEN} — the variables the server reads — and is
 * never printed.
 */
final class ClientOptions {
  /** The server's default management listener ({@code admin.host}:{@code admin.port}). */
  static final String DEFAULT_URL = "http://127.0.0.1:9090";

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = DEFAULT_URL,
      description = {"Base URL of the management API.", "Default: ${DEFAULT-VALUE}"})
  String url;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = {
        "File holding the admin token.",
        "Default: the file named by KMS_ADMIN_TOKEN_FILE, else KMS_ADMIN_TOKEN."
      })
  Path tokenFile;

  @Option(names = "--json", description = "Print the server's JSON answer instead of text.")
  boolean json;

  /** A client for {@link #url} with the resolved token. */
  AdminClient client(Map<String, String> env) {
    byte[] token = token(env);
    try {
      return new AdminClient(url, token);
    } finally {
      Arrays.fill(token, (byte) 0);
    }
  }

  /**
   * The admin token; the caller zeroes the array.
   *
   * @throws CliException USAGE when no token is configured, both variables are set, the file cannot
   *     be read, or the token cannot travel in an HTTP header
   */
  byte[] token(Map<String, String> env) {
    String inlineVar = Setting.ADMIN_TOKEN.env();
    String fileVar = inlineVar + "_FILE";
    SecretRef ref;
    String source;
    if (tokenFile != null) {
      ref = readable(tokenFile, "--token-file");
      source = "--token-file " + tokenFile;
    } else {
      String inline = env.getOrDefault(inlineVar, "");
      String file = env.getOrDefault(fileVar, "");
      if (!inline.isEmpty() && !file.isEmpty()) {
        throw CliException.usage("set only one of " + inlineVar + " and " + fileVar);
      }
      if (!file.isEmpty()) {
        ref = readable(Path.of(file), fileVar);
        source = fileVar;
      } else if (!inline.isEmpty()) {
        ref = SecretRef.inline(inline);
        source = inlineVar;
      } else {
        throw CliException.usage(
            "no admin token: set "
                + fileVar
                + " (or "
                + inlineVar
                + "), or pass --token-file FILE");
      }
    }
    byte[] token;
    try {
      token = ref.read();
    } catch (UncheckedIOException | IllegalStateException e) {
      throw CliException.usage("cannot read the admin token from " + source);
    }
    if (token.length == 0) {
      throw CliException.usage("the admin token from " + source + " is empty");
    }
    for (byte b : token) {
      if (b < 0x21 || b > 0x7e) {
        Arrays.fill(token, (byte) 0);
        throw CliException.usage(
            "the admin token from "
                + source
                + " holds spaces, control or non-ASCII characters, which cannot be sent in an HTTP header");
      }
    }
    return token;
  }

  private static SecretRef readable(Path file, String name) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw CliException.usage(name + " names " + file + ", which is not a readable file");
    }
    return SecretRef.file(file);
  }
}
