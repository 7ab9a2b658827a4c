package io.tkms.it;

import static io.tkms.it.V3Client.code;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.ratelimit.LocalSignatureBindings;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TC3 signature that does not sign {@code X-TC-Action} / {@code X-TC-Region} (the official SDKs
 * sign neither) runs, once {@value LocalSignatureBindings#REBIND_SECONDS} s have passed since its
 * first use, only as what it ran as then: a captured DescribeKey cannot be replayed as DisableKey
 * or in another region, while an identical repeat still succeeds, and so do the differently named
 * requests with identical bodies that a client signs within one second. Across replicas on one
 * Redis: {@link DistributedLimitIT}.
 */
class SignatureBindingIT {
  static final MutableClock clock = new MutableClock(Instant.now());

  @RegisterExtension static final TestServer server = TestServer.perClass().withClock(clock);
  static V3Client client;
  static String keyId;

  /** Now, or later when a test moved the clock ahead (the server's time never moves back). */
  @BeforeEach
  void now() {
    Instant now = Instant.now();
    if (now.isAfter(clock.instant())) {
      clock.set(now);
    }
  }

  @BeforeAll
  static void createKey() {
    client = server.bootstrapV3Client();
    keyId = Keys.create(client, "signature-binding");
  }

  /** The headers of a DescribeKey as an SDK signs it (content-type;host). */
  static Map<String, String> captured(V3Client c, String key, long timestamp) {
    return c.request("DescribeKey")
        .body(new JsonObject().put("KeyId", key))
        .timestamp(timestamp)
        .headersToSend();
  }

  /** {@code captured} sent again with {@code action} and {@code region} in place of its own. */
  static JsonObject replay(
      V3Client c, Map<String, String> captured, String key, String action, String region) {
    return c.request(action)
        .body(new JsonObject().put("KeyId", key))
        .timestamp(Long.parseLong(captured.get("X-TC-Timestamp")))
        .header("X-TC-Region", region)
        .authorization(captured.get("Authorization"))
        .send();
  }

  @Test
  void aCapturedRequest_cannotRunAsAnotherAction_orInAnotherRegion_butMayRepeat() {
    long now = clock.instant().getEpochSecond();
    Map<String, String> describe = captured(client, keyId, now);
    JsonObject first = replay(client, describe, keyId, "DescribeKey", "ap-guangzhou");
    assertThat(code(first)).as(first.encode()).isNull();
    clock.set(clock.instant().plusSeconds(LocalSignatureBindings.REBIND_SECONDS + 1));

    JsonObject disable = replay(client, describe, keyId, "DisableKey", "ap-guangzhou");
    assertThat(code(disable)).as(disable.encode()).isEqualTo("AuthFailure.SignatureFailure");
    assertThat(disable.getJsonObject("Error").getString("Message"))
        .contains("first used for another action");

    JsonObject elsewhere = replay(client, describe, keyId, "DescribeKey", "ap-shanghai");
    assertThat(code(elsewhere)).as(elsewhere.encode()).isEqualTo("AuthFailure.SignatureFailure");

    JsonObject again = replay(client, describe, keyId, "DescribeKey", "ap-guangzhou");
    assertThat(code(again)).as("an identical repeat: %s", again.encode()).isNull();
    assertThat(again.getJsonObject("KeyMetadata").getString("KeyState")).isEqualTo("Enabled");
  }

  @Test
  void requestsWithIdenticalBodiesSignedInOneSecond_allRun() {
    String key = Keys.fresh(client, "same-second");
    long now = clock.instant().getEpochSecond();
    Map<String, String> disable =
        client
            .request("DisableKey")
            .body(new JsonObject().put("KeyId", key))
            .timestamp(now)
            .headersToSend();
    Map<String, String> describe = captured(client, key, now);
    assertThat(disable.get("Authorization")).isEqualTo(describe.get("Authorization"));

    JsonObject off = replay(client, disable, key, "DisableKey", "ap-guangzhou");
    assertThat(code(off)).as(off.encode()).isNull();
    JsonObject state = replay(client, describe, key, "DescribeKey", "ap-guangzhou");
    assertThat(code(state)).as(state.encode()).isNull();
    assertThat(state.getJsonObject("KeyMetadata").getString("KeyState")).isEqualTo("Disabled");

    clock.set(clock.instant().plusSeconds(LocalSignatureBindings.REBIND_SECONDS + 1));
    assertThat(code(replay(client, describe, key, "DescribeKey", "ap-guangzhou")))
        .as("both remain repeatable")
        .isNull();
    assertThat(code(replay(client, describe, key, "EnableKey", "ap-guangzhou")))
        .isEqualTo("AuthFailure.SignatureFailure");
  }

  @Test
  void aSignatureThatSignsTheActionAndRegion_isBoundByItself() {
    JsonObject r =
        client
            .request("DescribeKey")
            .signedHeaders("content-type", "host", "x-tc-action", "x-tc-region")
            .body(new JsonObject().put("KeyId", keyId))
            .send();
    assertThat(code(r)).as(r.encode()).isNull();
    // Changing the action now breaks the signature itself.
    Map<String, String> h =
        client
            .request("DescribeKey")
            .signedHeaders("content-type", "host", "x-tc-action", "x-tc-region")
            .body(new JsonObject().put("KeyId", keyId))
            .headersToSend();
    JsonObject other = replay(client, h, keyId, "DisableKey", "ap-guangzhou");
    assertThat(code(other)).isEqualTo("AuthFailure.SignatureFailure");
    assertThat(other.getJsonObject("Error").getString("Message"))
        .doesNotContain("first used for another action");
  }
}
