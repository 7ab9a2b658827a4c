package io.tkms.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared key fixtures: create a key through either protocol, check the answer, get its id. */
public final class Keys {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private Keys() {}

  /** A new enabled key with this alias (description "for tests"), made through API 2.0. */
  public static String create(V2Client client, String alias) {
    JsonObject r = client.call("CreateKey", "alias", alias, "description", "for tests");
    assertThat(r.getInteger("code")).as(r.encode()).isZero();
    assertThat(r.getString("message")).isEmpty();
    assertThat(r.getString("requestId")).isNotBlank();
    return r.getJsonObject("keyMetadata").getString("keyId");
  }

  /** A new enabled key with this alias, made through API 3.0. */
  public static String create(V3Client client, String alias) {
    JsonObject r = client.call("CreateKey", new JsonObject().put("Alias", alias));
    assertThat(V3Client.code(r)).as(r.encode()).isNull();
    return r.getString("KeyId");
  }

  /** A new enabled key with an alias of its own, {@code prefix-N}, made through API 3.0. */
  public static String fresh(V3Client client, String prefix) {
    return create(client, prefix + "-" + COUNTER.incrementAndGet());
  }
}
