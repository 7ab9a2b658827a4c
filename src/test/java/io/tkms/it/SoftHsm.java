package io.tkms.it;

import io.tkms.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A SoftHSM2 token for tests. SoftHSM2 reads {@code SOFTHSM2_CONF} from the process environment
 * when its module initialises, so the test JVM has one configuration (failsafe sets the variable to
 * {@code target/softhsm2/softhsm2.conf}); its token directory is a symbolic link, so a test can
 * move the token away, or restore a backup into a fresh directory, by re-pointing it. Each server a
 * test starts loads its own copy of the module ({@link #libraryCopy}), so a token lost by one
 * module instance (SoftHSM2 keeps it broken for that instance's life) never affects another test;
 * and each test uses its own label prefix, so tests never see each other's keys.
 *
 * <p>Where SoftHSM2 is not installed the test is skipped with a loud message, except under {@code
 * CI=true}, where that is a failure ({@code .ci/run} installs Debian's softhsm2).
 */
final class SoftHsm {
  static final String PIN = "1234";
  private static final String SO_PIN = "5678";
  private static final List<Path> MODULES =
      List.of(
          Path.of("/usr/lib/softhsm/libsofthsm2.so"),
          Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
          Path.of("/usr/local/lib/softhsm/libsofthsm2.so"));

  private static SoftHsm shared;

  private final Path module;
  private final Path tokenLink;

  private SoftHsm(Path module, Path tokenLink) {
    this.module = module;
    this.tokenLink = tokenLink;
  }

  /** The JVM's SoftHSM2, its token initialised; or the test is skipped (failed under CI). */
  static synchronized SoftHsm get() {
    if (shared != null) {
      return shared;
    }
    Optional<Path> module = MODULES.stream().filter(Files::isRegularFile).findFirst();
    if (module.isEmpty() || !RequiredTool.onPath("softhsm2-util")) {
      unavailable("SoftHSM2 is not installed (apt-get install softhsm2)");
    }
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      unavailable("SOFTHSM2_CONF is not set in the test JVM's environment (failsafe sets it)");
    }
    Path confFile = Path.of(conf).toAbsolutePath();
    Path base = confFile.getParent();
    Path link = base.resolve("tokens");
    try {
      Files.createDirectories(base);
      Files.writeString(
          confFile,
          "directories.tokendir = "
              + link
              + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
          StandardCharsets.UTF_8);
      if (!Files.isSymbolicLink(link) || !Files.isDirectory(link)) {
        Files.deleteIfExists(link);
        Path dir = Files.createTempDirectory(base, "tokens-");
        Files.createSymbolicLink(link, dir);
      }
      if (!initialised(link)) {
        run(
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "tkms-test",
            "--pin",
            PIN,
            "--so-pin",
            SO_PIN);
      }
    } catch (IOException e) {
      unavailable("cannot prepare the SoftHSM2 token: " + e);
    }
    shared = new SoftHsm(module.get(), link);
    return shared;
  }

  private static boolean initialised(Path link) throws IOException {
    try (var s = Files.list(link)) {
      return s.findAny().isPresent();
    }
  }

  /**
   * A fresh copy of the module: loaded by a server, it is a module instance of its own (initialised
   * anew, reading the token directory as it is now).
   */
  Path libraryCopy() {
    try {
      Path dir = Files.createTempDirectory("tkms-softhsm-lib");
      Path copy = dir.resolve("libsofthsm2.so");
      Files.copy(module, copy);
      return copy;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The token directory's link (SOFTHSM2_CONF names it). */
  Path tokenLink() {
    return tokenLink;
  }

  /** Points the token link at {@code dir} (a backup restored elsewhere, or a moved token). */
  void pointTokensAt(Path dir) throws IOException {
    Path tmp = tokenLink.resolveSibling("tokens.new-" + UUID.randomUUID());
    Files.createSymbolicLink(tmp, dir);
    Files.move(
        tmp,
        tokenLink,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Where the token link points now. */
  Path tokenDir() throws IOException {
    return tokenLink.resolveSibling(Files.readSymbolicLink(tokenLink)).toAbsolutePath();
  }

  /** A label prefix no other test uses. */
  static String uniqueLabel() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** What a server needs for {@code KMS_HSA=pkcs11} with its own module copy and {@code label}. */
  Map<String, String> serverEnv(String label) {
    return Map.of(
        "KMS_HSA",
        "pkcs11",
        "KMS_PKCS11_LIBRARY",
        libraryCopy().toString(),
        "KMS_PKCS11_PIN",
        PIN,
        "KMS_PKCS11_KEY_LABEL",
        label);
  }

  static void run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void unavailable(String why) {
    RequiredTool.unavailable("PKCS#11 tests", why);
  }
}
