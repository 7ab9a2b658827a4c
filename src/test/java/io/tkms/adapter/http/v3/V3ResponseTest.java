package io.tkms.adapter.http.v3;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class V3ResponseTest {
  /** The envelope as Jackson writes it: the reference the direct writer must match. */
  private static String reference(String requestId, JsonObject fields) {
    JsonObject r = fields == null ? new JsonObject() : fields.copy();
    return new JsonObject().put("Response", r.put("RequestId", requestId)).encode();
  }

  @Test
  void flatResultsAreWrittenExactlyAsJacksonWouldWriteThem() {
    JsonObject fields =
        new JsonObject()
            .put("CiphertextBlob", "YWJj+/=")
            .put("KeyId", "k\"\\\n\u0001中")
            .put("Count", 3)
            .put("Big", 12_345_678_901L)
            .put("Enabled", true)
            .put("Nothing", (String) null);
    assertThat(V3Response.success("rid-1", fields).toString())
        .isEqualTo(reference("rid-1", fields));
  }

  @Test
  void emptyAndNullResultsCarryOnlyTheRequestId() {
    assertThat(V3Response.success("r", new JsonObject()).toString())
        .isEqualTo("{\"Response\":{\"RequestId\":\"r\"}}");
    assertThat(V3Response.success("r", null).toString())
        .isEqualTo("{\"Response\":{\"RequestId\":\"r\"}}");
  }

  @Test
  void nestedResultsGoThroughJacksonAndAreNotChanged() {
    JsonObject fields =
        new JsonObject()
            .put("KeyMetadatas", new JsonArray().add(new JsonObject().put("KeyId", "a")))
            .put("TotalCount", 1);
    String before = fields.encode();
    assertThat(V3Response.success("r", fields).toString()).isEqualTo(reference("r", fields));
    assertThat(fields.encode()).isEqualTo(before);
  }

  @Test
  void aResultNamingRequestIdKeepsItsPositionAndTakesTheRealId() {
    JsonObject fields = new JsonObject().put("RequestId", "client").put("KeyId", "k");
    assertThat(V3Response.success("server", fields).toString())
        .isEqualTo("{\"Response\":{\"RequestId\":\"server\",\"KeyId\":\"k\"}}");
  }

  @Test
  void errorsAreWrittenAsJacksonWouldWriteThem() {
    String message = "the parameter \"KeyId\" is \u0001 wrong: 中";
    String reference =
        new JsonObject()
            .put(
                "Response",
                new JsonObject()
                    .put(
                        "Error",
                        new JsonObject()
                            .put("Code", io.tkms.error.ErrorCode.INVALID_PARAMETER_VALUE.v3Code())
                            .put("Message", message))
                    .put("RequestId", "r\"1"))
            .encode();
    assertThat(
            V3Response.error("r\"1", io.tkms.error.ErrorCode.INVALID_PARAMETER_VALUE, message)
                .toString())
        .isEqualTo(reference);
  }
}
