package io.tkms.it;

import static io.tkms.it.V2ApiIT.b64;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three replicas on one database, with cache TTLs of an hour: a change made through one replica
 * reaches the others through Postgres notifications within seconds, not through expiry.
 */
class PropagationIT {
  static TestServer one;
  static TestServer two;
  static TestServer three;

  @BeforeAll
  static void start() {
    String db = TestPostgres.freshDatabase();
    one = TestServer.start(env(db));
    two = TestServer.start(env(db));
    three = TestServer.start(env(db));
  }

  static Map<String, String> env(String db) {
    Map<String, String> env = TestServer.env(db, TestServer.tempDir());
    env.put("KMS_CACHE_KEY_CACHE_TTL_SECONDS", "3600");
    env.put("KMS_CACHE_CREDENTIAL_TTL_SECONDS", "3600");
    return env;
  }

  @AfterAll
  static void stop() {
    for (TestServer s : new TestServer[] {one, two, three}) {
      if (s != null) {
        s.close();
      }
    }
  }

  static void eventually(Supplier<Boolean> condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not within 10 s: " + what);
  }

  @Test
  void keyDisabledOnOne_failsOnThree() throws Exception {
    V2Client c1 = one.bootstrapClient();
    V2Client c3 = three.bootstrapClient();
    String keyId = V2ApiIT.createKey(c1, "propagated");
    assertThat(c3.call("Encrypt", "keyId", keyId, "plaintext", b64("warm the cache")).getInteger("code")).isZero();
    assertThat(c1.call("DisableKey", "keyId", keyId).getInteger("code")).isZero();
    eventually(() -> c3.call("Encrypt", "keyId", keyId, "plaintext", b64("x")).getInteger("code") == 4550, "key disabled on replica 3");
    assertThat(c1.call("EnableKey", "keyId", keyId).getInteger("code")).isZero();
    eventually(() -> c3.call("Encrypt", "keyId", keyId, "plaintext", b64("x")).getInteger("code") == 0, "key enabled again on replica 3");
  }

  @Test
  void credentialRevokedOnTwo_failsOnOne() throws Exception {
    V2Client onOne = one.newAccount("1250000901");
    assertThat(onOne.call("ListKey").getInteger("code")).isZero();
    assertThat(two.adminResponse("DELETE", "/admin/v1/credentials/" + onOne.secretId(), null, TestServer.ADMIN_TOKEN).status()).isEqualTo(200);
    eventually(() -> onOne.call("ListKey").getInteger("code") == 4100, "credential refused on replica 1");
  }

  @Test
  void rotationOnOne_isUsedByThree() throws Exception {
    V3Client c1 = new V3Client(one.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    V3Client c3 = new V3Client(three.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
    String keyId = c1.call("CreateKey", new JsonObject().put("Alias", "rotating")).getString("KeyId");
    JsonObject first = c3.call("Encrypt", new JsonObject().put("KeyId", keyId).put("Plaintext", b64("v1")));
    assertThat(LifecycleIT.version(first.getString("CiphertextBlob"))).isEqualTo(1);
    c1.call("EnableKeyRotation", new JsonObject().put("KeyId", keyId).put("RotateDays", 7));
    TestPostgres.execute(one.environment().get("KMS_PG_URL"),
        "UPDATE cmks SET next_rotate_time = now() - interval '1 second' WHERE key_id = '" + keyId + "'");
    assertThat(one.runJobs().rotated()).hasSize(1);
    eventually(() -> LifecycleIT.version(c3.call("Encrypt", new JsonObject().put("KeyId", keyId).put("Plaintext", b64("v2")))
        .getString("CiphertextBlob")) == 2, "replica 3 encrypts with version 2");
  }
}
