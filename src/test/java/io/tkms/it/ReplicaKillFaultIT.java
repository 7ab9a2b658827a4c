package io.tkms.it;

import static io.tkms.it.FaultLoad.Outcome.OK;
import static io.tkms.it.FaultLoad.Outcome.WRONG;
import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica killed with SIGKILL in the middle of a CreateKey storm on two replicas (one in this
 * JVM, one a {@code java -jar target/kms.jar} process): the other replica keeps serving, every key
 * acknowledged by either replica exists, no key is half-made, and the killed replica's next start
 * is clean.
 */
class ReplicaKillFaultIT {
  @RegisterExtension static final BlockedThreadWatch WATCH = new BlockedThreadWatch();

  static final Duration ANSWER_WITHIN = Duration.ofSeconds(8);

  @Test
  void aReplicaKilledMidStorm_theOtherServes_everyAcknowledgedKeyExists_andTheRestartIsClean()
      throws Exception {
    String db = TestPostgres.freshDatabase();
    Path jar = Path.of("target", "kms.jar");
    assertThat(jar).as("the packaged server (mvn verify builds it first)").exists();
    Map<String, String> envB = TestServer.env(db, TestServer.tempDir());
    try (TestServer a = TestServer.start(TestServer.env(db, TestServer.tempDir()))) {
      Path logB = Files.createTempFile("kms-replica-b", ".log");
      Process b = startProcess(jar, envB, logB);
      try {
        int portB = Integer.parseInt(envB.get("KMS_HTTP_PORT"));
        awaitReady(b, portB, logB);
        V3Client onA = a.bootstrapV3Client();
        V3Client onB = new V3Client(portB, TestServer.SECRET_ID, TestServer.SECRET_KEY);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger alias = new AtomicInteger();
        FaultLoad load = new FaultLoad(ANSWER_WITHIN);
        FaultLoad.Request createOnA =
            () -> create(onA, "a-" + alias.incrementAndGet(), acknowledged);
        FaultLoad.Request createOnB =
            () -> create(onB, "b-" + alias.incrementAndGet(), acknowledged);
        load.run("create-on-A", 2, Duration.ZERO, createOnA);
        load.run("create-on-B", 2, Duration.ofMillis(5), createOnB);
        Thread.sleep(2_000);
        long killed = load.mark();
        b.destroyForcibly(); // SIGKILL
        assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(2_000);
        load.stop();
        load.print("before the kill", load.between(0, killed));
        load.print("after the kill", load.since(killed));
        assertThat(FaultLoad.count(load.all(), WRONG)).isZero();
        List<FaultLoad.Answer> onAAfter =
            load.since(killed).stream().filter(x -> x.kind().equals("create-on-A")).toList();
        assertThat(onAAfter).as("replica A after the kill").isNotEmpty();
        assertThat(onAAfter).as("replica A keeps serving").allMatch(x -> x.outcome() == OK);
        assertThat(FaultLoad.count(load.between(0, killed), "create-on-B", OK)).isPositive();

        // Every acknowledged key is there (asked of the surviving replica), none half-made.
        for (String keyId : acknowledged) {
          JsonObject r = onA.call("DescribeKey", new JsonObject().put("KeyId", keyId));
          assertThat(V3Client.code(r)).as("acknowledged key %s", keyId).isNull();
        }
        assertThat(
                TestPostgres.query(
                    db,
                    "SELECT key_id FROM cmks c WHERE NOT EXISTS (SELECT 1 FROM cmk_versions v"
                        + " WHERE v.key_id = c.key_id AND v.version = c.current_version)",
                    Tuple.tuple()))
            .isEmpty();
        System.out.println(acknowledged.size() + " acknowledged keys, all present");

        // The killed replica starts again on the same database and data directory, cleanly.
        Files.writeString(logB, "");
        b = startProcess(jar, envB, logB);
        awaitReady(b, portB, logB);
        String keyId = Keys.fresh(onB, "after-restart");
        assertThat(RootKeyRotationIT.decrypt(onB, RootKeyRotationIT.encrypt(onB, keyId, "clean")))
            .isEqualTo("clean");
        b.destroy(); // SIGTERM: drains and exits 0
        assertThat(b.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(b.exitValue()).as("exit after SIGTERM").isZero();
        String log = Files.readString(logB);
        assertThat(log.lines().filter(l -> l.contains(" ERROR ") || l.contains("Exception")))
            .as("errors in the restarted replica's log")
            .isEmpty();
      } finally {
        b.destroyForcibly();
      }
    }
  }

  static String create(V3Client c, String alias, Set<String> acknowledged) {
    JsonObject r = c.call("CreateKey", new JsonObject().put("Alias", alias));
    String code = V3Client.code(r);
    if (code == null) {
      acknowledged.add(r.getString("KeyId"));
    }
    return code;
  }

  static Process startProcess(Path jar, Map<String, String> env, Path log) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .directory(new File("."));
    pb.environment().keySet().removeIf(k -> k.startsWith("KMS_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  static void awaitReady(Process p, int port, Path log) {
    eventually(
        Duration.ofSeconds(90),
        () -> {
          assertThat(p.isAlive()).as("replica B running; log:\n" + tail(log)).isTrue();
          assertThat(RawHttp.send(port, "GET /readyz HTTP/1.1\r\nHost: x", null).status())
              .isEqualTo(200);
        });
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
