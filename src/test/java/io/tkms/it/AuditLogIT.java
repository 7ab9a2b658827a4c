package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real server's standard output is a hash-chained audit log: {@code java -jar kms.jar audit
 * verify} accepts it as written and names the line where one was removed or edited.
 */
@Timeout(180)
class AuditLogIT {

  @Test
  void theServersOwnOutput_verifies_andATamperedCopyDoesNot() throws Exception {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_SERVER_EVENT_LOOPS", "1");
    int port = Integer.parseInt(env.get("KMS_HTTP_PORT"));
    Path dir = TestServer.tempDir();
    Path log = dir.resolve("stdout.log");
    // The shipped logging configuration (the test classpath's would send audit lines nowhere).
    Process p =
        EmbeddedPostgresIT.startProcess(env, log, "-Dlogback.configurationFile=logback.xml");
    try {
      EmbeddedPostgresIT.awaitReady(port, p, log);
      V2Client client = new V2Client(port, TestServer.SECRET_ID, TestServer.SECRET_KEY);
      for (int i = 0; i < 6; i++) {
        assertThat(client.call("ListKey", "limit", "1").getInteger("code")).isZero();
      }
      p.destroy(); // SIGTERM: drains and writes what is queued
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    List<Integer> audit = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("{") && lines.get(i).contains("\"chain\"")) {
        audit.add(i);
      }
    }
    assertThat(audit)
        .as("audit lines in:\n%s", String.join("\n", lines))
        .hasSizeGreaterThanOrEqualTo(6);

    Verdict intact = verify(log);
    assertThat(intact.exit()).as(intact.output()).isZero();
    assertThat(intact.output()).contains("intact: " + audit.size() + " audit lines");

    List<String> removed = new ArrayList<>(lines);
    removed.remove((int) audit.get(2));
    Path cut = dir.resolve("removed.log");
    Files.write(cut, removed, StandardCharsets.UTF_8);
    Verdict r = verify(cut);
    assertThat(r.exit()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("line " + (audit.get(3)) + " has seq 4 after seq 2");

    List<String> edited = new ArrayList<>(lines);
    int third = audit.get(2);
    edited.set(third, edited.get(third).replace("\"result\":\"0\"", "\"result\":\"1\""));
    Path changed = dir.resolve("edited.log");
    Files.write(changed, edited, StandardCharsets.UTF_8);
    Verdict e = verify(changed);
    assertThat(e.exit()).as(e.output()).isEqualTo(1);
    assertThat(e.output()).contains("line " + (third + 1) + " (seq 3) was edited");
  }

  record Verdict(int exit, String output) {}

  /** Runs {@code audit verify FILE} as an operator would: a process of its own. */
  private static Verdict verify(Path file) throws IOException, InterruptedException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process v =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "io.tkms.boot.Main",
                "audit",
                "verify",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(v.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Verdict(v.exitValue(), out);
  }
}
