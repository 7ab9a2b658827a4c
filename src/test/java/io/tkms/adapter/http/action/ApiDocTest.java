package io.tkms.adapter.http.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/api.md}'s action tables are rendered from the action declarations ({@link
 * ApiReference}), so they cannot drift from what the server routes: this test fails when the file
 * differs. After changing a declaration, regenerate it with {@code ./mvnw test -Dtest=ApiDocTest
 * -Dkms.docs.regenerate=true} and commit the file.
 */
class ApiDocTest {
  static final Path DOC = Path.of("docs", "api.md");

  @Test
  void actionTables_areTheDeclarationsRendered() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = doc.indexOf(ApiReference.BEGIN);
    int end = doc.indexOf(ApiReference.END);
    assertThat(begin).as("%s holds the line %s", DOC, ApiReference.BEGIN).isNotNegative();
    assertThat(end).as("%s holds the line %s", DOC, ApiReference.END).isGreaterThan(begin);
    String expected =
        doc.substring(0, begin + ApiReference.BEGIN.length())
            + "\n"
            + ApiReference.render(ActionCatalog.standard())
            + doc.substring(end);
    if (!expected.equals(doc) && Boolean.getBoolean("kms.docs.regenerate")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
      return;
    }
    assertThat(doc)
        .as(
            "%s is out of date with the action declarations: run"
                + " ./mvnw test -Dtest=ApiDocTest -Dkms.docs.regenerate=true and commit the file",
            DOC)
        .isEqualTo(expected);
  }

  @Test
  void errorDoc_namesEveryErrorCode() throws Exception {
    String doc = Files.readString(Path.of("docs", "errors.md"));
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(doc).as(c.name()).contains("`" + c.v3Code() + "`");
    }
  }
}
