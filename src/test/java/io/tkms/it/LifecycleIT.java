package io.tkms.it;

import static io.tkms.it.V3Client.code;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key lifecycle over real HTTP: the state table, rotation with ReEncrypt, the purge job. */
class LifecycleIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V3Client client;
  static String dbUrl;

  @BeforeAll
  static void client() {
    client = server.bootstrapV3Client();
    dbUrl = server.databaseUrl();
  }

  static int counter;

  static String newKey() {
    return Keys.fresh(client, "life");
  }

  static JsonObject id(String keyId) {
    return new JsonObject().put("KeyId", keyId);
  }

  /** A fresh key brought into {@code state} through the API itself. */
  static String keyIn(String state) {
    String k = newKey();
    switch (state) {
      case "Enabled" -> {}
      case "Disabled" -> assertThat(code(client.call("DisableKey", id(k)))).isNull();
      case "PendingDelete" -> {
        assertThat(code(client.call("DisableKey", id(k)))).isNull();
        assertThat(code(client.call("ScheduleKeyDeletion", id(k).put("PendingWindowInDays", 7))))
            .isNull();
      }
      case "Archived" -> assertThat(code(client.call("ArchiveKey", id(k)))).isNull();
      default -> throw new IllegalArgumentException(state);
    }
    assertThat(state(k)).isEqualTo(state);
    return k;
  }

  static String state(String keyId) {
    return client.call("DescribeKey", id(keyId)).getJsonObject("KeyMetadata").getString("KeyState");
  }

  static String blobFor(String keyId, String text) {
    JsonObject r =
        client.call(
            "Encrypt",
            id(keyId).put("Plaintext", Base64.getEncoder().encodeToString(text.getBytes())));
    assertThat(code(r)).as(r.encode()).isNull();
    return r.getString("CiphertextBlob");
  }

  static int version(String blob) {
    return ByteBuffer.wrap(Base64.getDecoder().decode(blob), 17, 4).getInt();
  }

  interface Act {
    JsonObject run(String keyId);
  }

  @Test
  void theSameStateChangeSentAtOnce_succeedsForEveryCaller_andChangesTheKeyOnce() throws Exception {
    for (String[] change : new String[][] {{"DisableKey", "Disabled"}, {"EnableKey", "Enabled"}}) {
      String k = keyIn(change[0].equals("DisableKey") ? "Enabled" : "Disabled");
      long now = Instant.now().getEpochSecond();
      List<CompletableFuture<JsonObject>> calls = new ArrayList<>();
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(8);
      var threads = java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        for (int i = 0; i < 8; i++) {
          // Each its own timestamp, so no copy is a replay of another.
          var req = client.request(change[0]).body(id(k)).timestamp(now - i);
          calls.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      together.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                    return req.send();
                  },
                  threads));
        }
        for (CompletableFuture<JsonObject> c : calls) {
          JsonObject r = c.get(30, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(code(r)).as("%s sent eight times at once: %s", change[0], r).isNull();
        }
      } finally {
        threads.shutdownNow();
      }
      assertThat(state(k)).isEqualTo(change[1]);
    }
  }

  @Test
  void everyCellOfTheStateTable_throughTheApi() {
    List<String> states = List.of("Enabled", "Disabled", "PendingDelete", "Archived");
    // Expected per action: for each state the resulting state, or the error code.
    Map<String, List<String>> table =
        Map.ofEntries(
            Map.entry(
                "Encrypt",
                List.of(
                    "Enabled",
                    "ResourceUnavailable.CmkDisabled",
                    "ResourceUnavailable.KeyPendingDelete",
                    "ResourceUnavailable.CmkArchived")),
            Map.entry(
                "GenerateDataKey",
                List.of(
                    "Enabled",
                    "ResourceUnavailable.CmkDisabled",
                    "ResourceUnavailable.KeyPendingDelete",
                    "ResourceUnavailable.CmkArchived")),
            Map.entry(
                "EnableKey",
                List.of(
                    "Enabled",
                    "Enabled",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "ResourceUnavailable.CmkStateNotSupport")),
            Map.entry(
                "DisableKey",
                List.of(
                    "Disabled",
                    "Disabled",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "ResourceUnavailable.CmkStateNotSupport")),
            Map.entry(
                "ScheduleKeyDeletion",
                List.of(
                    "ResourceUnavailable.CmkShouldBeDisabled",
                    "PendingDelete",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "ResourceUnavailable.CmkStateNotSupport")),
            Map.entry(
                "CancelKeyDeletion",
                List.of(
                    "ResourceUnavailable.CmkNotPendingDelete",
                    "ResourceUnavailable.CmkNotPendingDelete",
                    "Disabled",
                    "ResourceUnavailable.CmkNotPendingDelete")),
            Map.entry(
                "ArchiveKey",
                List.of(
                    "Archived",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "Archived")),
            Map.entry(
                "CancelKeyArchive",
                List.of(
                    "ResourceUnavailable.CmkStateNotSupport",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "Enabled")),
            Map.entry(
                "UpdateAlias",
                List.of(
                    "Enabled", "Disabled", "ResourceUnavailable.CmkStateNotSupport", "Archived")),
            Map.entry(
                "UpdateKeyDescription",
                List.of(
                    "Enabled", "Disabled", "ResourceUnavailable.CmkStateNotSupport", "Archived")),
            Map.entry(
                "EnableKeyRotation",
                List.of(
                    "Enabled",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "ResourceUnavailable.CmkStateNotSupport",
                    "ResourceUnavailable.CmkStateNotSupport")),
            Map.entry("DescribeKey", List.of("Enabled", "Disabled", "PendingDelete", "Archived")),
            Map.entry(
                "GetKeyRotationStatus",
                List.of("Enabled", "Disabled", "PendingDelete", "Archived")));
    for (Map.Entry<String, List<String>> row : table.entrySet()) {
      for (int i = 0; i < states.size(); i++) {
        String k = keyIn(states.get(i));
        JsonObject body =
            switch (row.getKey()) {
              case "Encrypt" -> id(k).put("Plaintext", "aGk=");
              case "GenerateDataKey" -> id(k).put("KeySpec", "AES_256");
              case "ScheduleKeyDeletion" -> id(k).put("PendingWindowInDays", 7);
              case "UpdateAlias" -> id(k).put("Alias", "renamed-" + (++counter));
              case "UpdateKeyDescription" -> id(k).put("Description", "changed");
              default -> id(k);
            };
        String err = code(client.call(row.getKey(), body));
        String actual = err != null ? err : state(k);
        assertThat(actual)
            .as("%s on a %s key", row.getKey(), states.get(i))
            .isEqualTo(row.getValue().get(i));
      }
    }
    // Decrypt (and ReEncrypt as source): blobs made while Enabled.
    List<String> decrypt =
        List.of(
            "Enabled",
            "ResourceUnavailable.CmkDisabled",
            "ResourceUnavailable.KeyPendingDelete",
            "Archived");
    for (int i = 0; i < states.size(); i++) {
      String k = newKey();
      String blob = blobFor(k, "x");
      switch (states.get(i)) {
        case "Disabled" -> client.call("DisableKey", id(k));
        case "PendingDelete" -> {
          client.call("DisableKey", id(k));
          client.call("ScheduleKeyDeletion", id(k).put("PendingWindowInDays", 30));
        }
        case "Archived" -> client.call("ArchiveKey", id(k));
        default -> {}
      }
      String err = code(client.call("Decrypt", new JsonObject().put("CiphertextBlob", blob)));
      assertThat(err != null ? err : state(k))
          .as("Decrypt on a %s key", states.get(i))
          .isEqualTo(decrypt.get(i));
    }
  }

  @Test
  void scheduleAndCancelDeletion_reportDatesAndBounds() {
    String k = keyIn("Disabled");
    assertThat(code(client.call("ScheduleKeyDeletion", id(k).put("PendingWindowInDays", 6))))
        .isEqualTo("InvalidParameter.InvalidPendingWindowInDays");
    assertThat(code(client.call("ScheduleKeyDeletion", id(k).put("PendingWindowInDays", 31))))
        .isEqualTo("InvalidParameter.InvalidPendingWindowInDays");
    JsonObject r = client.call("ScheduleKeyDeletion", id(k).put("PendingWindowInDays", "10"));
    long expected = Instant.now().plus(Duration.ofDays(10)).getEpochSecond();
    assertThat(r.getLong("DeletionDate")).isBetween(expected - 120, expected + 120);
    assertThat(
            client.call("DescribeKey", id(k)).getJsonObject("KeyMetadata").getLong("DeletionDate"))
        .isEqualTo(r.getLong("DeletionDate"));
    assertThat(code(client.call("CancelKeyDeletion", id(k)))).isNull();
    JsonObject md = client.call("DescribeKey", id(k)).getJsonObject("KeyMetadata");
    assertThat(md.getString("KeyState")).isEqualTo("Disabled");
    assertThat(md.getLong("DeletionDate")).isZero();
  }

  @Test
  void api2_scheduleAndCancelDeletion() {
    V2Client v2 = server.bootstrapClient();
    String k = Keys.create(v2, "v2-deletion");
    assertThat(
            v2.call("ScheduleKeyDeletion", "keyId", k, "pendingWindowInDays", "7")
                .getInteger("code"))
        .isEqualTo(4550);
    v2.call("DisableKey", "keyId", k);
    JsonObject r = v2.call("ScheduleKeyDeletion", "KeyId", k, "pendingWindowInDays", "7");
    assertThat(r.getInteger("code")).as(r.encode()).isZero();
    assertThat(
            v2.call("GetKeyAttributes", "keyId", k)
                .getJsonObject("keyMetadata")
                .getString("keyState"))
        .isEqualTo("PendingDelete");
    JsonObject enc = v2.call("Encrypt", "keyId", k, "plaintext", "aGk=");
    assertThat(enc.getInteger("code")).isEqualTo(4550);
    assertThat(enc.getString("message")).contains("PendingDelete");
    assertThat(v2.call("CancelKeyDeletion", "keyId", k).getInteger("code")).isZero();
    assertThat(
            v2.call("GetKeyAttributes", "keyId", k)
                .getJsonObject("keyMetadata")
                .getString("keyState"))
        .isEqualTo("Disabled");
  }

  @Test
  void rotation_newVersionsEncrypt_oldCiphertextsStillDecrypt_andReEncryptMovesThemForward() {
    String k = newKey();
    assertThat(code(client.call("EnableKeyRotation", id(k).put("RotateDays", 6))))
        .isEqualTo("InvalidParameterValue");
    assertThat(code(client.call("EnableKeyRotation", id(k).put("RotateDays", 30)))).isNull();
    JsonObject status = client.call("GetKeyRotationStatus", id(k));
    assertThat(status.getBoolean("KeyRotationEnabled")).isTrue();
    List<String> blobs = new ArrayList<>();
    for (int v = 1; v <= 3; v++) {
      String blob = blobFor(k, "message at version " + v);
      assertThat(version(blob)).isEqualTo(v);
      blobs.add(blob);
      if (v < 3) {
        TestPostgres.execute(
            dbUrl,
            "UPDATE cmks SET next_rotate_time = now() - interval '1 second' WHERE key_id = '"
                + k
                + "'");
        assertThat(server.runJobs().rotated()).extracting(Object::toString).containsExactly(k);
      }
    }
    assertThat(
            client
                .call("DescribeKey", id(k))
                .getJsonObject("KeyMetadata")
                .getLong("LastRotateTime"))
        .isPositive();
    for (int v = 1; v <= 3; v++) {
      JsonObject dec =
          client.call("Decrypt", new JsonObject().put("CiphertextBlob", blobs.get(v - 1)));
      assertThat(new String(Base64.getDecoder().decode(dec.getString("Plaintext"))))
          .isEqualTo("message at version " + v);
    }
    // ReEncrypt an old blob: moved to the newest version.
    JsonObject re = client.call("ReEncrypt", new JsonObject().put("CiphertextBlob", blobs.get(0)));
    assertThat(re.getBoolean("ReEncrypted")).isTrue();
    assertThat(re.getString("SourceKeyId")).isEqualTo(k);
    assertThat(version(re.getString("CiphertextBlob"))).isEqualTo(3);
    JsonObject dec =
        client.call(
            "Decrypt", new JsonObject().put("CiphertextBlob", re.getString("CiphertextBlob")));
    assertThat(new String(Base64.getDecoder().decode(dec.getString("Plaintext"))))
        .isEqualTo("message at version 1");
    // Nothing to change: the original blob comes back.
    JsonObject same =
        client.call("ReEncrypt", new JsonObject().put("CiphertextBlob", blobs.get(2)));
    assertThat(same.getBoolean("ReEncrypted")).isFalse();
    assertThat(same.getString("CiphertextBlob")).isEqualTo(blobs.get(2));
    // To another key, with a new context.
    String other = newKey();
    JsonObject moved =
        client.call(
            "ReEncrypt",
            new JsonObject()
                .put("CiphertextBlob", blobs.get(1))
                .put("DestinationKeyId", other)
                .put("DestinationEncryptionContext", "{\"moved\":\"yes\"}"));
    assertThat(moved.getString("KeyId")).isEqualTo(other);
    assertThat(
            code(
                client.call(
                    "Decrypt",
                    new JsonObject().put("CiphertextBlob", moved.getString("CiphertextBlob")))))
        .isEqualTo("InvalidParameterValue.InvalidCiphertext");
    assertThat(
            code(
                client.call(
                    "Decrypt",
                    new JsonObject()
                        .put("CiphertextBlob", moved.getString("CiphertextBlob"))
                        .put("EncryptionContext", "{\"moved\":\"yes\"}"))))
        .isNull();
    // Disabling rotation stops it.
    assertThat(code(client.call("DisableKeyRotation", id(k)))).isNull();
    assertThat(client.call("GetKeyRotationStatus", id(k)).getBoolean("KeyRotationEnabled"))
        .isFalse();
  }

  @Test
  void oneDueRotation_happensOnce_evenWithTwoReplicasRunningTheJob() throws Exception {
    try (TestServer second = TestServer.start(TestServer.env(dbUrl, TestServer.tempDir()))) {
      String k = newKey();
      client.call("EnableKeyRotation", id(k).put("RotateDays", 7));
      TestPostgres.execute(
          dbUrl,
          "UPDATE cmks SET next_rotate_time = now() - interval '1 second' WHERE key_id = '"
              + k
              + "'");
      CompletableFuture<Integer> a =
          CompletableFuture.supplyAsync(() -> server.runJobs().rotated().size());
      CompletableFuture<Integer> b =
          CompletableFuture.supplyAsync(() -> second.runJobs().rotated().size());
      assertThat(a.get() + b.get()).isEqualTo(1);
      assertThat(version(blobFor(k, "after"))).isEqualTo(2);
    }
  }

  @Test
  void purge_onceTheDeletionDateHasPassed_byTheDatabasesClock() {
    String k = keyIn("Disabled");
    String alias =
        client.call("DescribeKey", id(k)).getJsonObject("KeyMetadata").getString("Alias");
    client.call("EnableKey", id(k));
    String blob = blobFor(k, "soon gone");
    client.call("DisableKey", id(k));
    client.call("ScheduleKeyDeletion", id(k).put("PendingWindowInDays", 7));
    assertThat(server.runJobs().purged()).isEmpty();
    TestPostgres.execute(
        dbUrl,
        "UPDATE cmks SET deletion_date = now() - interval '1 second' WHERE key_id = '" + k + "'");
    assertThat(server.runJobs().purged()).extracting(Object::toString).containsExactly(k);
    assertThat(code(client.call("DescribeKey", id(k))))
        .isEqualTo("ResourceUnavailable.CmkNotFound");
    assertThat(code(client.call("Decrypt", new JsonObject().put("CiphertextBlob", blob))))
        .isEqualTo("ResourceUnavailable.CmkNotFound");
    assertThat(code(client.call("CreateKey", new JsonObject().put("Alias", alias))))
        .as("the alias is free again")
        .isNull();
    JsonObject list = client.call("ListKeys", new JsonObject().put("Limit", 200));
    assertThat(list.getJsonArray("Keys").stream().map(x -> ((JsonObject) x).getString("KeyId")))
        .doesNotContain(k);
  }

  @Test
  void noPurge_onAReplicaWhoseClockIs60DaysAhead() {
    MutableClock ahead = new MutableClock(Instant.now().plus(Duration.ofDays(60)));
    try (TestServer skewed = TestServer.start(TestServer.env(dbUrl, TestServer.tempDir()), ahead)) {
      String k = keyIn("PendingDelete");
      assertThat(skewed.runJobs().purged()).isEmpty();
      assertThat(state(k)).isEqualTo("PendingDelete");
    }
  }
}
