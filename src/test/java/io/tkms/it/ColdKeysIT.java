package io.tkms.it;

import static io.tkms.it.V3Client.code;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica with a cold key cache answering many Decrypts of many keys at once: its misses load in
 * batches (one query for all the misses of an event-loop turn), which must hand each request its
 * own key, every version of it, and the right error for keys that cannot be used.
 */
class ColdKeysIT {
  @RegisterExtension static final TestServer warm = TestServer.perClass();
  static String dbUrl;
  static V3Client client;

  @BeforeAll
  static void client() {
    dbUrl = warm.databaseUrl();
    client = warm.bootstrapV3Client();
  }

  static String newKey() {
    return Keys.fresh(client, "cold");
  }

  static JsonObject id(String keyId) {
    return new JsonObject().put("KeyId", keyId);
  }

  static String blobFor(String keyId, String text) {
    JsonObject r =
        client.call(
            "Encrypt",
            id(keyId).put("Plaintext", Base64.getEncoder().encodeToString(text.getBytes())));
    assertThat(code(r)).as(r.encode()).isNull();
    return r.getString("CiphertextBlob");
  }

  /** A blob to decrypt and what the cold replica must answer: the plaintext, or an error code. */
  record Case(String blob, String plaintext, String error) {}

  @Test
  void manyConcurrentMissesEachGetTheirOwnKeyAndVersion() throws Exception {
    List<Case> cases = new ArrayList<>();
    List<String> rotated = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String k = newKey();
      cases.add(new Case(blobFor(k, "v1 of " + i), "v1 of " + i, null));
      if (i % 4 == 0) {
        rotated.add(k);
        client.call("EnableKeyRotation", id(k).put("RotateDays", 7));
        TestPostgres.execute(
            dbUrl,
            "UPDATE cmks SET next_rotate_time = now() - interval '1 second' WHERE key_id = '"
                + k
                + "'");
      }
    }
    assertThat(warm.runJobs().rotated()).hasSize(rotated.size());
    for (String k : rotated) {
      cases.add(new Case(blobFor(k, "v2 of " + k), "v2 of " + k, null));
    }
    String disabled = newKey();
    cases.add(new Case(blobFor(disabled, "off"), null, "ResourceUnavailable.CmkDisabled"));
    client.call("DisableKey", id(disabled));
    String purged = newKey();
    cases.add(new Case(blobFor(purged, "gone"), null, "ResourceUnavailable.CmkNotFound"));
    client.call("DisableKey", id(purged));
    client.call("ScheduleKeyDeletion", id(purged).put("PendingWindowInDays", 7));
    TestPostgres.execute(
        dbUrl,
        "UPDATE cmks SET deletion_date = now() - interval '1 second' WHERE key_id = '"
            + purged
            + "'");
    assertThat(warm.runJobs().purged()).hasSize(1);

    // A second replica on the same database: nothing cached. Everything at once, twice over.
    try (TestServer cold = TestServer.start(TestServer.env(dbUrl, TestServer.tempDir()))) {
      V3Client c = new V3Client(cold.port(), TestServer.SECRET_ID, TestServer.SECRET_KEY);
      ExecutorService pool = Executors.newFixedThreadPool(32);
      try {
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
          for (Case k : cases) {
            answers.add(
                pool.submit(
                    () -> c.call("Decrypt", new JsonObject().put("CiphertextBlob", k.blob()))));
          }
        }
        for (int i = 0; i < answers.size(); i++) {
          Case k = cases.get(i % cases.size());
          JsonObject r = answers.get(i).get();
          if (k.error() == null) {
            assertThat(code(r)).as(r.encode()).isNull();
            assertThat(new String(Base64.getDecoder().decode(r.getString("Plaintext"))))
                .isEqualTo(k.plaintext());
          } else {
            assertThat(code(r)).as(r.encode()).isEqualTo(k.error());
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
