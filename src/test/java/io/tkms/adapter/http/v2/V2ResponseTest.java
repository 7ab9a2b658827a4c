package io.tkms.adapter.http.v2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class V2ResponseTest {
  private static String reference(String requestId, JsonObject fields) {
    JsonObject j =
        new JsonObject()
            .put("code", 0)
            .put("message", "")
            .put("codeDesc", "Success")
            .put("requestId", requestId);
    return (fields == null ? j : j.mergeIn(fields)).encode();
  }

  @Test
  void flatResultsAreWrittenExactlyAsJacksonWouldWriteThem() {
    JsonObject fields =
        new JsonObject()
            .put("ciphertext", "YWJj+/=")
            .put("keyId", "k\"\\\t\u001f中")
            .put("n", 7)
            .put("l", 9_000_000_000L)
            .put("b", false)
            .put("z", (String) null);
    assertThat(V2Response.success("rid \"1\"", fields).toString())
        .isEqualTo(reference("rid \"1\"", fields));
    assertThat(V2Response.success("r", null).toString()).isEqualTo(reference("r", null));
  }

  @Test
  void nestedResultsAndEnvelopeNamesGoThroughJackson() {
    JsonObject nested = new JsonObject().put("keys", new JsonArray().add("a")).put("totalCount", 1);
    assertThat(V2Response.success("r", nested).toString()).isEqualTo(reference("r", nested));
    JsonObject clash = new JsonObject().put("message", "x");
    assertThat(V2Response.success("r", clash).toString())
        .isEqualTo(reference("r", clash))
        .contains("\"message\":\"x\"");
  }

  @Test
  void errorsAreWrittenAsJacksonWouldWriteThem() {
    io.tkms.error.ErrorCode code = io.tkms.error.ErrorCode.INVALID_PARAMETER_VALUE;
    String message = "bad \"value\"\n中";
    String reference =
        new JsonObject()
            .put("code", code.v2Code())
            .put("message", "(" + code.v2Module() + ") " + message)
            .put("codeDesc", code.v3Code())
            .put("requestId", "r")
            .encode();
    assertThat(V2Response.error("r", code, message).toString()).isEqualTo(reference);
  }
}
