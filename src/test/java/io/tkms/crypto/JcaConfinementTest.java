package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Only {@link Jca} may obtain JCA engines, so provider pinning cannot be bypassed by a stray {@code
 * Cipher.getInstance("AES/GCM/NoPadding")} that would pick whatever provider ranks first.
 *
 * <p>A source scan rather than a bytecode rule: it needs no extra configuration (ArchUnit logs
 * every imported class at DEBUG without a logging config) and is plenty for a tripwire.
 */
class JcaConfinementTest {
  private static final Path MAIN_SOURCES = Path.of("src", "main", "java");
  private static final Pattern OBTAINS_ENGINE =
      Pattern.compile(
          "\\b(?:Cipher|Mac|MessageDigest|SecureRandom|KeyGenerator|Signature)\\s*\\.\\s*"
              + "getInstance(?:Strong)?\\b|\\bnew\\s+SecureRandom\\s*\\(");

  @Test
  void jcaEngines_areObtainedOnlyInJca() throws IOException {
    assertThat(MAIN_SOURCES).isDirectory();
    List<Path> offenders;
    try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !p.endsWith(Path.of("io", "tkms", "crypto", "Jca.java")))
              .filter(p -> OBTAINS_ENGINE.matcher(read(p)).find())
              .collect(Collectors.toList());
    }
    assertThat(offenders).as("classes obtaining JCA engines outside Jca").isEmpty();
  }

  @Test
  void pattern_recognisesTheForbiddenCalls() {
    assertThat(OBTAINS_ENGINE.matcher("Cipher.getInstance(\"AES\")").find()).isTrue();
    assertThat(OBTAINS_ENGINE.matcher("javax.crypto.Mac .getInstance(x)").find()).isTrue();
    assertThat(OBTAINS_ENGINE.matcher("SecureRandom.getInstanceStrong()").find()).isTrue();
    assertThat(OBTAINS_ENGINE.matcher("new SecureRandom()").find()).isTrue();
    assertThat(OBTAINS_ENGINE.matcher("Jca.aesGcm()").find()).isFalse();
    assertThat(OBTAINS_ENGINE.matcher("private final SecureRandom random;").find()).isFalse();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
