package io.tkms.adapter.http.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.domain.LimitOverrides;
import io.tkms.domain.Limits;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The limits endpoint's JSON: one member per group, named in lower camel case, and actions. */
class LimitsJsonTest {
  @Test
  void groupMembers_areTheGroupNamesInLowerCamelCase() {
    assertThat(LimitsJson.camel("SIGN")).isEqualTo("sign");
    assertThat(LimitsJson.camel("ASYMMETRIC_DECRYPT")).isEqualTo("asymmetricDecrypt");
    assertThat(LimitsJson.camel("PUBLIC_KEY")).isEqualTo("publicKey");
  }

  @Test
  void change_readsEveryMember_byItsGroupsName() {
    LimitOverrides change =
        LimitsJson.change(
            new JsonObject()
                .put("crypto", 1)
                .put("management", 2)
                .put("sign", 3)
                .put("verify", 4)
                .put("asymmetricDecrypt", 5)
                .put("publicKey", 6)
                .put("actions", new JsonObject().put("Encrypt", 7)));
    assertThat(change)
        .isEqualTo(
            new LimitOverrides(
                OptionalInt.of(1),
                OptionalInt.of(2),
                Map.of("Encrypt", 7),
                Map.of("SIGN", 3, "VERIFY", 4, "ASYMMETRIC_DECRYPT", 5, "PUBLIC_KEY", 6)));
    assertThat(LimitsJson.change(new JsonObject())).isEqualTo(LimitOverrides.NONE);
    assertThat(LimitsJson.change(new JsonObject().putNull("sign"))).isEqualTo(LimitOverrides.NONE);
  }

  @Test
  void change_refusesUnknownMembers_andValuesThatAreNotWholeNumbers() {
    for (JsonObject bad :
        List.of(
            new JsonObject().put("signs", 1),
            new JsonObject().put("SIGN", 1),
            new JsonObject().put("public_key", 1),
            new JsonObject().put("groups", new JsonObject().put("SIGN", 1)),
            new JsonObject().put("sign", "many"),
            new JsonObject().put("verify", 1.5),
            new JsonObject().put("publicKey", 3_000_000_000L))) {
      assertThatThrownBy(() -> LimitsJson.change(bad))
          .as(bad.encode())
          .isInstanceOfSatisfying(
              KmsException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }
  }

  @Test
  void of_answersEveryGroup_inAFixedOrder_andTheActionsSorted() {
    JsonObject json =
        LimitsJson.of(
            new Limits(
                10,
                20,
                Map.of("GenerateRandom", 5, "Decrypt", 6),
                Map.of("PUBLIC_KEY", 4, "SIGN", 1, "ASYMMETRIC_DECRYPT", 3, "VERIFY", 2)));
    assertThat(json.encode())
        .isEqualTo(
            "{\"crypto\":10,\"management\":20,\"sign\":1,\"verify\":2,\"asymmetricDecrypt\":3,"
                + "\"publicKey\":4,\"actions\":{\"Decrypt\":6,\"GenerateRandom\":5}}");
    // What GET answers can be sent back as a PUT.
    assertThat(LimitsJson.change(json).groups()).hasSize(4);
  }
}
