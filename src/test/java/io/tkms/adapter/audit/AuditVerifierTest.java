package io.tkms.adapter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audit lines chained by {@link AuditChain} and checked by {@link AuditVerifier}. */
class AuditVerifierTest {

  /** A file as a server writes it: console lines, then {@code n} chained audit lines. */
  private static List<String> serverOutput(AuditChain chain, int n) {
    List<String> lines = new ArrayList<>();
    lines.add("2026-12-03T10:00:00.000Z INFO  [main] io.tkms.boot.KmsServer - started");
    for (int i = 1; i <= n; i++) {
      lines.add(line(chain, "{\"requestId\":\"r" + i + "\",\"action\":\"Encrypt\"}", 0));
      if (i == 2) {
        lines.add("2026-12-03T10:00:01.000Z WARN  [vert.x-eventloop-thread-0] x - a log line");
      }
    }
    return lines;
  }

  private static String line(AuditChain chain, String event, long dropped) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    chain.link(event, dropped, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static AuditVerifier.Result verify(List<String> lines) throws IOException {
    return AuditVerifier.verify(new BufferedReader(new StringReader(String.join("\n", lines))));
  }

  @Test
  void chainedLinesCarryChainSeqAndTheHashOfThePreviousLine() {
    AuditChain chain = new AuditChain();
    String first = line(chain, "{\"a\":1}", 0);
    String second = line(chain, "{\"a\":2}", 3);
    assertThat(first)
        .matches("\\{\"a\":1,\"chain\":\"[0-9a-f]{32}\",\"seq\":1,\"prev\":\"[0-9a-f]{32}\"}");
    assertThat(second)
        .contains("\"dropped\":3,")
        .contains("\"seq\":2,")
        .contains(
            "\"prev\":\""
                + io.tkms.crypto.Hmacs.sha256Hex(first.getBytes(StandardCharsets.UTF_8))
                + "\"");
    assertThat(line(chain, "not json", 0)).isEqualTo("not json");
  }

  @Test
  void anIntactFile_verifies_withOtherLinesAndSeveralStartsInIt() throws IOException {
    List<String> lines = serverOutput(new AuditChain(), 5);
    lines.addAll(serverOutput(new AuditChain(), 3)); // a restart: a new chain
    AuditVerifier.Result r = verify(lines);
    assertThat(r.intact()).as(r.problem()).isTrue();
    assertThat(r.lines()).isEqualTo(8);
    assertThat(r.chains()).isEqualTo(2);
  }

  @Test
  void anEditedLine_isNamed() throws IOException {
    List<String> lines = serverOutput(new AuditChain(), 5);
    // line 5 of the file is the 3rd audit line (a console line at 1, another after the 2nd)
    lines.set(4, lines.get(4).replace("Encrypt", "Decrypt"));
    assertThat(verify(lines).problem()).startsWith("line 5 (seq 3) was edited");
  }

  @Test
  void aRemovedLine_isFound() throws IOException {
    List<String> lines = serverOutput(new AuditChain(), 5);
    lines.remove(4);
    assertThat(verify(lines).problem()).startsWith("line 5 has seq 4 after seq 2 (line 3)");
  }

  @Test
  void reorderedLines_areFound() throws IOException {
    List<String> lines = serverOutput(new AuditChain(), 5);
    Collections.swap(lines, 4, 5);
    assertThat(verify(lines).problem()).startsWith("line 5 has seq 4 after seq 2");
  }

  @Test
  void linesRemovedFromTheStart_areFound() throws IOException {
    List<String> lines = serverOutput(new AuditChain(), 5);
    lines.remove(1);
    assertThat(verify(lines).problem()).contains("is the first of chain").contains("removed");
  }

  @Test
  void aLineThatNoLongerParses_isNamed() throws IOException {
    List<String> lines = serverOutput(new AuditChain(), 3);
    lines.set(2, lines.get(2).substring(0, 20) + "\"chain\"");
    assertThat(verify(lines).problem()).startsWith("line 3 is not valid JSON");
  }

  @Test
  void theCommand_exits0WhenIntact_1WhenBroken_2OnMisuse(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("out.log");
    List<String> lines = serverOutput(new AuditChain(), 4);
    Files.write(file, lines);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(AuditVerifier.run(new String[] {"verify", file.toString()}, ps, ps)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("intact: 4 audit lines in 1 chain");

    lines.remove(4); // the third audit line
    Files.write(file, lines);
    assertThat(AuditVerifier.run(new String[] {"verify", file.toString()}, ps, ps)).isEqualTo(1);
    assertThat(AuditVerifier.run(new String[] {"verify"}, ps, ps)).isEqualTo(2);
    assertThat(AuditVerifier.run(new String[] {"verify", dir.resolve("none").toString()}, ps, ps))
        .isEqualTo(2);
  }
}
