package io.tkms.adapter.http.v3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/api.md lists every API 3.0 action the server knows, with the status the code gives it. */
class ApiDocTest {
  @Test
  void apiDoc_matchesTheActionTable() throws Exception {
    String doc = Files.readString(Path.of("docs", "api.md"));
    String v3 = doc.substring(doc.indexOf("## API 3.0"), doc.indexOf("## API 2.0"));
    Set<String> documentedSupported = new HashSet<>();
    Set<String> documentedNot = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^\\| ([A-Za-z0-9]+) \\| (.*) \\|$").matcher(v3);
    while (m.find()) {
      if (m.group(1).equals("Action")) {
        continue;
      }
      (m.group(2).startsWith("not supported") ? documentedNot : documentedSupported).add(m.group(1));
    }
    V3Actions actions = new V3Actions(null, null, java.util.List.of());
    assertThat(documentedNot).isEqualTo(V3Actions.NOT_YET);
    for (String name : documentedSupported) {
      assertThat(actions.find(name)).as(name).isNotNull();
    }
    assertThat(documentedSupported).hasSize(actions.size());
  }

  @Test
  void errorDoc_namesEveryErrorCode() throws Exception {
    String doc = Files.readString(Path.of("docs", "errors.md"));
    for (io.tkms.error.ErrorCode c : io.tkms.error.ErrorCode.values()) {
      assertThat(doc).as(c.name()).contains("`" + c.v3Code() + "`");
    }
  }
}
