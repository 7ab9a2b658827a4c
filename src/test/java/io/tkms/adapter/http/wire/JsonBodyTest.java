package io.tkms.adapter.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBodyTest {
  private static Map<String, Object> parse(String json) {
    return JsonBody.object(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void objectsArraysAndScalarsBecomePlainValuesInOrder() {
    Map<String, Object> m =
        parse(
            "{\"KeyId\":\"k\",\"N\":32,\"Big\":12345678901,\"Huge\":123456789012345678901234,"
                + "\"F\":1.5,\"T\":true,\"No\":false,\"Nil\":null,\"Ctx\":{\"a\":\"b\"},\"L\":[\"x\",{\"y\":[1]}]}");
    assertThat(m.keySet())
        .containsExactly("KeyId", "N", "Big", "Huge", "F", "T", "No", "Nil", "Ctx", "L");
    assertThat(m.get("KeyId")).isEqualTo("k");
    assertThat(m.get("N")).isEqualTo(32);
    assertThat(m.get("Big")).isEqualTo(12345678901L);
    assertThat(m.get("Huge")).isEqualTo(new BigInteger("123456789012345678901234"));
    assertThat(m.get("F")).isEqualTo(1.5d);
    assertThat(m.get("T")).isEqualTo(true);
    assertThat(m.get("No")).isEqualTo(false);
    assertThat(m).containsEntry("Nil", null);
    assertThat(m.get("Ctx")).isEqualTo(Map.of("a", "b"));
    assertThat(m.get("L")).isEqualTo(List.of("x", Map.of("y", List.of(1))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1,\"a\":\"two\"}",
        "{\"a\":null,\"a\":null}",
        "{\"Ctx\":{\"k\":\"v\",\"k\":\"w\"}}",
        "{\"L\":[{\"x\":1,\"x\":1}]}"
      })
  void aMemberNamedTwiceInOneObjectIsRefused(String body) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_PARAMETER));
  }

  @Test
  void theSameNameInDifferentObjectsIsFine() {
    assertThat(parse("{\"a\":{\"a\":1},\"b\":[{\"a\":2},{\"a\":3}]}")).containsKeys("a", "b");
  }

  @Test
  void membersAndArrayItemsAtEveryDepthCountAgainstTheLimit() {
    // 1 member + 2 array items + 1 member in the first item = 4.
    String four = "{\"L\":[{\"x\":1},2]}";
    assertThat(JsonBody.object(four.getBytes(StandardCharsets.UTF_8), 4)).containsKey("L");
    assertThatThrownBy(() -> JsonBody.object(four.getBytes(StandardCharsets.UTF_8), 3))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_UNPARSABLE));
  }

  @Test
  void theDefaultLimitIsTheFormParameterLimit() {
    StringBuilder items = new StringBuilder("{\"L\":[");
    for (int i = 0; i < FormDecoder.DEFAULT_MAX_PARAMS; i++) {
      items.append(i == 0 ? "" : ",").append(i);
    }
    String over = items.append("]}").toString(); // 1 member + 256 items
    assertThatThrownBy(() -> parse(over))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_UNPARSABLE));
    assertThat(parse(over.replace("[0,", "["))).containsKey("L");
  }

  @Test
  void escapesAndUnicodeAreDecoded() {
    assertThat(parse("{\"s\":\"\\u4e2d\\n\\\"\"}").get("s")).isEqualTo("中\n\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "[]",
        "\"s\"",
        "1",
        "null",
        "{",
        "{\"a\":}",
        "{\"a\":1}x",
        "{\"a\":1}{}",
        "{\"a\":[1,}",
        "{a:1}",
        "{\"a\":1,}",
        "{\"a\":\"secret-value"
      })
  void anythingButOneObjectIsUnparsableWithoutEchoingInput(String body) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_UNPARSABLE);
              assertThat(e.getMessage()).doesNotContain("secret-value");
            });
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    char[] open = new char[5000];
    Arrays.fill(open, '[');
    assertThatThrownBy(() -> parse("{\"a\":" + new String(open)))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_UNPARSABLE));
  }
}
