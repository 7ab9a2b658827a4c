package io.tkms.it;

import static io.tkms.it.V3Client.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.tencentcloudapi.common.CommonClient;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rotation on demand ({@code RotateKey}) and the rotation history over real HTTP, through a raw TC3
 * client and through the official Java SDK's generic request method (SDK 3.1.1138 has no model for
 * these actions): new versions, the history under both names, every error code the database can
 * provoke. RotateNotSupported (asymmetric or EXTERNAL keys) is tested where those keys are made:
 * {@code AsymmetricIT.misuse_answersTheDocumentedCodes}, {@code ImportIT.externalKeys_cannotRotate}
 * and {@code ManualRotationTest}.
 */
class RotateKeyIT {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  static V3Client client;
  static String dbUrl;

  @BeforeAll
  static void client() {
    client = server.bootstrapV3Client();
    dbUrl = server.databaseUrl();
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

  static String decrypt(String blob) {
    JsonObject r = client.call("Decrypt", new JsonObject().put("CiphertextBlob", blob));
    assertThat(code(r)).as(r.encode()).isNull();
    return new String(Base64.getDecoder().decode(r.getString("Plaintext")));
  }

  static JsonObject rotate(String keyId) {
    JsonObject r = client.call("RotateKey", id(keyId));
    assertThat(code(r)).as(r.encode()).isNull();
    return r;
  }

  /** The KeyVersions of the history under {@code action}, after checking its TotalCount. */
  static List<Integer> history(String action, String keyId) {
    JsonObject r = client.call(action, id(keyId));
    assertThat(code(r)).as(r.encode()).isNull();
    JsonArray list = r.getJsonArray("KeyRotationHistory");
    assertThat(r.getInteger("TotalCount")).isEqualTo(list.size());
    return list.stream().map(x -> ((JsonObject) x).getInteger("KeyVersion")).toList();
  }

  /** Makes the key's manual rotations a day and a second old, as if a day had passed. */
  static void aDayPasses(String keyId) {
    TestPostgres.execute(
        dbUrl,
        "UPDATE cmk_versions SET created_at = created_at - interval '24 hours 1 second'"
            + " WHERE key_id = '"
            + keyId
            + "'");
  }

  @Test
  void rotateKey_makesTheVersionNewCiphertextsUse_atOnce_andAnswersATaskId() {
    String k = Keys.fresh(client, "rotate");
    String before = blobFor(k, "made at version 1");
    assertThat(LifecycleIT.version(before)).isEqualTo(1);
    long now = Instant.now().getEpochSecond();

    JsonObject r = rotate(k);

    assertThat(r.getString("TaskId")).isNotBlank().isEqualTo(r.getString("RequestId"));
    String after = blobFor(k, "made at version 2");
    assertThat(LifecycleIT.version(after)).isEqualTo(2);
    assertThat(decrypt(before)).isEqualTo("made at version 1");
    assertThat(decrypt(after)).isEqualTo("made at version 2");
    JsonObject md = client.call("DescribeKey", id(k)).getJsonObject("KeyMetadata");
    assertThat(md.getLong("LastRotateTime")).isBetween(now - 120, now + 120);
    assertThat(md.getBoolean("KeyRotationEnabled")).as("automatic rotation untouched").isFalse();
    JsonObject re = client.call("ReEncrypt", new JsonObject().put("CiphertextBlob", before));
    assertThat(re.getBoolean("ReEncrypted")).isTrue();
    assertThat(LifecycleIT.version(re.getString("CiphertextBlob"))).isEqualTo(2);
  }

  @Test
  void theHistory_listsAutomaticAndManualRotations_oldestFirst_underBothNames() {
    String k = Keys.fresh(client, "history");
    assertThat(history("ListKeyRotationHistory", k)).isEmpty();
    assertThat(history("DescribeKeyRotationHistory", k)).isEmpty();
    long now = Instant.now().getEpochSecond();

    assertThat(code(client.call("EnableKeyRotation", id(k).put("RotateDays", 30)))).isNull();
    TestPostgres.execute(
        dbUrl,
        "UPDATE cmks SET next_rotate_time = now() - interval '1 second' WHERE key_id = '"
            + k
            + "'");
    assertThat(server.runJobs().rotated()).extracting(Object::toString).containsExactly(k);
    long nextRotation = client.call("GetKeyRotationStatus", id(k)).getLong("NextRotateTime");
    rotate(k);

    assertThat(client.call("GetKeyRotationStatus", id(k)).getLong("NextRotateTime"))
        .as("a manual rotation leaves the schedule alone")
        .isEqualTo(nextRotation);
    assertThat(history("ListKeyRotationHistory", k)).containsExactly(2, 3);
    JsonObject r = client.call("DescribeKeyRotationHistory", id(k));
    assertThat(r.getJsonArray("KeyRotationHistory").getJsonObject(1).getLong("RotateTime"))
        .isBetween(now - 120, now + 120);
    assertThat(r.getJsonArray("KeyRotationHistory").getJsonObject(0).fieldNames())
        .containsExactlyInAnyOrder("KeyVersion", "RotateTime");
    assertThat(history("DescribeKeyRotationHistory", k)).containsExactly(2, 3);
  }

  @Test
  void rotateKey_aSecondTimeWithin24Hours_isRotateRateLimited_andAllowedOnceADayHasPassed() {
    String k = Keys.fresh(client, "limited");
    rotate(k);
    JsonObject again = client.call("RotateKey", id(k));
    assertThat(code(again)).isEqualTo("RequestLimitExceeded.RotateRateLimited");
    assertThat(again.getJsonObject("Error").getString("Message")).contains("24 hours");
    assertThat(LifecycleIT.version(blobFor(k, "still version 2"))).isEqualTo(2);
    assertThat(code(client.call("RotateKey", id(Keys.fresh(client, "another")))))
        .as("the limit is per key")
        .isNull();

    aDayPasses(k);
    rotate(k);
    assertThat(LifecycleIT.version(blobFor(k, "version 3"))).isEqualTo(3);
    assertThat(history("ListKeyRotationHistory", k)).containsExactly(2, 3);
  }

  @Test
  void rotateKey_onlyOnAnEnabledKey_whileTheHistoryAnswersInEveryState() {
    String disabled = Keys.fresh(client, "disabled");
    assertThat(code(client.call("DisableKey", id(disabled)))).isNull();
    String pending = Keys.fresh(client, "pending");
    assertThat(code(client.call("DisableKey", id(pending)))).isNull();
    assertThat(code(client.call("ScheduleKeyDeletion", id(pending).put("PendingWindowInDays", 7))))
        .isNull();
    String archived = Keys.fresh(client, "archived");
    assertThat(code(client.call("ArchiveKey", id(archived)))).isNull();

    for (String k : List.of(disabled, pending, archived)) {
      assertThat(code(client.call("RotateKey", id(k))))
          .as("RotateKey as EnableKeyRotation answers")
          .isEqualTo("ResourceUnavailable.CmkStateNotSupport")
          .isEqualTo(code(client.call("EnableKeyRotation", id(k))));
      assertThat(history("ListKeyRotationHistory", k)).isEmpty();
      assertThat(history("DescribeKeyRotationHistory", k)).isEmpty();
    }
  }

  @Test
  void rotateKey_whileAnotherTransactionHoldsTheKey_isRotateTaskRunning() {
    String k = Keys.fresh(client, "locked");
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool =
          PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(dbUrl)).using(vertx).build();
      SqlConnection conn = pool.getConnection().await();
      Transaction tx = conn.begin().await();
      conn.preparedQuery("SELECT 1 FROM cmks WHERE key_id = $1 FOR UPDATE")
          .execute(Tuple.of(UUID.fromString(k)))
          .await();

      assertThat(code(client.call("RotateKey", id(k))))
          .isEqualTo("FailedOperation.RotateTaskRunning");

      tx.rollback().await();
      conn.close().await();
      pool.close().await();
    } finally {
      vertx.close().await();
    }
    assertThat(LifecycleIT.version(blobFor(k, "not rotated"))).isEqualTo(1);
    rotate(k);
  }

  @Test
  void badKeyIds_answerAsEveryKeyActionDoes() {
    String mine = Keys.fresh(client, "mine");
    V2Client stranger = server.newAccount("1250000777");
    V3Client theirs = new V3Client(server.port(), stranger.secretId(), stranger.secretKey());
    for (String action :
        List.of("RotateKey", "ListKeyRotationHistory", "DescribeKeyRotationHistory")) {
      assertThat(code(client.call(action, new JsonObject())))
          .as(action)
          .isEqualTo("MissingParameter");
      assertThat(code(client.call(action, id("not-a-key-id"))))
          .as(action)
          .isEqualTo("InvalidParameterValue.InvalidKeyId");
      assertThat(code(client.call(action, id(UUID.randomUUID().toString()))))
          .as(action)
          .isEqualTo("ResourceUnavailable.CmkNotFound");
      assertThat(code(theirs.call(action, id(mine))))
          .as("%s on another account's key", action)
          .isEqualTo("ResourceUnavailable.CmkNotFound");
    }
    assertThat(LifecycleIT.version(blobFor(mine, "untouched"))).isEqualTo(1);
  }

  @Test
  void theOfficialSdksGenericRequestMethod_rotatesAndListsTheHistory() throws Exception {
    HttpProfile http = new HttpProfile();
    http.setEndpoint("127.0.0.1:" + server.port());
    http.setProtocol("http://");
    ClientProfile profile = new ClientProfile();
    profile.setHttpProfile(http);
    CommonClient sdk =
        new CommonClient(
            "kms",
            "2019-01-18",
            new Credential(TestServer.SECRET_ID, TestServer.SECRET_KEY),
            "ap-guangzhou",
            profile);
    String k = Keys.fresh(client, "sdk");
    String body = new JsonObject().put("KeyId", k).encode();

    JsonObject rotated = new JsonObject(sdk.call("RotateKey", body)).getJsonObject("Response");
    assertThat(rotated.getString("TaskId")).isNotBlank();
    TencentCloudSDKException limited =
        catchThrowableOfType(TencentCloudSDKException.class, () -> sdk.call("RotateKey", body));
    assertThat(limited.getErrorCode()).isEqualTo("RequestLimitExceeded.RotateRateLimited");
    for (String action : List.of("ListKeyRotationHistory", "DescribeKeyRotationHistory")) {
      JsonObject h = new JsonObject(sdk.call(action, body)).getJsonObject("Response");
      assertThat(h.getInteger("TotalCount")).as(action).isEqualTo(1);
      assertThat(h.getJsonArray("KeyRotationHistory").getJsonObject(0).getInteger("KeyVersion"))
          .isEqualTo(2);
    }
  }
}
