package io.tkms.it;

import static io.tkms.it.V3Client.code;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code KMS_AUTH_ALLOW_UNSIGNED_PAYLOAD=true} accepts TC3 requests whose body is not signed. */
class UnsignedPayloadAllowedIT {
  @RegisterExtension
  static final TestServer server =
      TestServer.perClass().withEnv(env -> env.put("KMS_AUTH_ALLOW_UNSIGNED_PAYLOAD", "true"));

  @Test
  void anUnsignedPayload_isAccepted_andItsBodyRuns() {
    V3Client client = server.bootstrapV3Client();
    String keyId = Keys.create(client, "unsigned-allowed");
    String plaintext = Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8));
    JsonObject r =
        client
            .request("Encrypt")
            .unsignedPayload()
            .body(new JsonObject().put("KeyId", keyId).put("Plaintext", plaintext))
            .send();
    assertThat(code(r)).as(r.encode()).isNull();
    assertThat(r.getString("KeyId")).isEqualTo(keyId);
  }
}
