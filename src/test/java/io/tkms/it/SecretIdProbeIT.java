package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Unauthenticated input costs nothing: a SecretId that cannot exist is refused before any look-up,
 * and malformed, unknown and disabled SecretIds all count against the source's failed
 * authentications, while a failed look-up (database down) is the server's fault and does not.
 */
class SecretIdProbeIT {
  static final int FAILURES_PER_SOURCE = 3;

  static TestServer start() {
    Map<String, String> env = TestServer.env(TestPostgres.freshDatabase(), TestServer.tempDir());
    env.put("KMS_LIMITS_AUTH_FAILURES_PER_IP", Integer.toString(FAILURES_PER_SOURCE));
    return TestServer.start(env);
  }

  static List<JsonObject> probe(V2Client c, String... secretIds) {
    List<JsonObject> answers = new ArrayList<>();
    for (String id : secretIds) {
      answers.add(c.request("ListKey").param("SecretId", id).send());
    }
    return answers;
  }

  @Test
  void aMalformedSecretId_isNotFound_andCountsAgainstTheSource() {
    try (TestServer s = start()) {
      V2Client c = s.bootstrapClient();
      String tooLong = "A".repeat(129);
      List<JsonObject> r = probe(c, "\u0000", tooLong, "id with spaces", "\u00e9t\u00e9", "x");
      for (JsonObject a : r.subList(0, FAILURES_PER_SOURCE)) {
        assertThat(a.getInteger("code")).as(a.encode()).isEqualTo(4100);
        assertThat(a.getString("message")).as(a.encode()).startsWith("(10270) ");
      }
      JsonObject last = r.get(r.size() - 1);
      assertThat(last.getString("codeDesc")).isEqualTo("RequestLimitExceeded.IPLimitExceeded");
    }
  }

  @Test
  void unknownSecretIds_countAgainstTheSource() {
    try (TestServer s = start()) {
      List<JsonObject> r = probe(s.bootstrapClient(), "AKIDnope1", "AKIDnope2", "AKIDnope3", "x");
      assertThat(r.get(0).getString("message")).startsWith("(10270) ");
      assertThat(r.get(3).getString("codeDesc")).isEqualTo("RequestLimitExceeded.IPLimitExceeded");
    }
  }

  @Test
  void aFailedLookUp_isAnInternalError_andDoesNotCount() {
    String url = TestPostgres.freshDatabase();
    Map<String, String> env = TestServer.env(url, TestServer.tempDir());
    env.put("KMS_LIMITS_AUTH_FAILURES_PER_IP", Integer.toString(FAILURES_PER_SOURCE));
    try (TestServer s = TestServer.start(env)) {
      V2Client c = s.bootstrapClient();
      TestPostgres.execute(url, "ALTER TABLE credentials RENAME TO credentials_moved");
      List<JsonObject> r =
          probe(c, "AKIDdown1", "AKIDdown2", "AKIDdown3", "AKIDdown4", "AKIDdown5");
      for (JsonObject a : r) {
        assertThat(a.getInteger("code")).as(a.encode()).isEqualTo(6000);
      }
    }
  }
}
