package io.tkms.it;

import io.tkms.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code openssl} command for interoperability tests, run in a directory of the test's
 * own. When it is not on the PATH the test is skipped with a loud message, except under {@code
 * CI=true}, where that is a failure.
 */
public final class OpenSsl {
  private final Path dir;

  private OpenSsl(Path dir) {
    this.dir = dir;
  }

  /** The openssl of the PATH, working in a fresh temporary directory; skips the test without it. */
  public static OpenSsl require() {
    if (!onPath()) {
      unavailable("no openssl on the PATH (install Debian's openssl)");
    }
    try {
      return new OpenSsl(Files.createTempDirectory("tkms-openssl"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A file of the working directory. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /** Writes {@code bytes} into the working directory's file {@code name}; returns its path. */
  public Path write(String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public Path write(String name, String text) {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] read(String name) {
    try {
      return Files.readAllBytes(dir.resolve(name));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** What a run answered. */
  public record Run(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  /** Runs {@code openssl args...} in the working directory (60 s at most). */
  public Run run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("openssl did not finish: " + cmd);
      }
      return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs and fails the test unless openssl succeeded; returns its output. */
  public String ok(String... args) {
    Run r = run(args);
    if (!r.ok()) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed:\n" + r.output());
    }
    return r.output();
  }

  private static boolean onPath() {
    return RequiredTool.onPath("openssl");
  }

  private static void unavailable(String why) {
    RequiredTool.unavailable("OpenSSL interoperability tests", why);
  }
}
