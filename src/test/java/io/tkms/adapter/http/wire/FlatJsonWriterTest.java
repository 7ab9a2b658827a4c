package io.tkms.adapter.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonWriterTest {
  private static String written(JsonObject o) {
    FlatJsonWriter w = new FlatJsonWriter(1).raw("{");
    o.getMap().forEach((k, v) -> w.field(k, v).raw(","));
    return (o.isEmpty() ? w.raw("}") : w.replaceLast("}")).toBuffer().toString();
  }

  @Test
  void writesWhatJacksonWritesForEveryKindOfString() {
    // Plain ASCII, the two escaped printables, control characters (short and \\u forms), DEL,
    // Latin-1, CJK, a surrogate pair, the empty string, a long Base64-like value.
    JsonObject o =
        new JsonObject()
            .put("a", "plain text /+=")
            .put("b", "q\"b\\s")
            .put("c", "\n\t\r\b\f\u0000\u001f")
            .put("d", "\u007f\u00e9\u00ff")
            .put("e", "中文")
            .put("f", "\ud83d\ude00")
            .put("g", "")
            .put("h", "QUJD".repeat(500))
            .put("\u00fcber \"name\"", "x");
    assertThat(written(o)).isEqualTo(o.encode());
  }

  @Test
  void writesNumbersBooleansAndNullAsJacksonDoes() {
    JsonObject o =
        new JsonObject()
            .put("i", Integer.MIN_VALUE)
            .put("l", Long.MAX_VALUE)
            .put("t", true)
            .put("f", false)
            .putNull("n");
    assertThat(written(o)).isEqualTo(o.encode());
    assertThat(written(new JsonObject())).isEqualTo("{}");
  }

  @Test
  void growsPastItsFirstGuess() {
    JsonObject o = new JsonObject().put("k", "v".repeat(10_000)).put("m", "é".repeat(3_000));
    assertThat(written(o)).isEqualTo(o.encode());
  }

  @Test
  void tellsFlatMapsFromNestedOnes() {
    assertThat(FlatJsonWriter.isFlat(Map.of("a", "x", "b", 1, "c", 2L, "d", true))).isTrue();
    assertThat(FlatJsonWriter.isFlat(new JsonObject().putNull("a").getMap())).isTrue();
    assertThat(FlatJsonWriter.isFlat(Map.of("a", new JsonObject()))).isFalse();
    assertThat(FlatJsonWriter.isFlat(Map.of("a", new JsonArray()))).isFalse();
    assertThat(FlatJsonWriter.isFlat(Map.of("a", 1.5d))).isFalse();
    assertThatThrownBy(() -> new FlatJsonWriter(8).value(1.5d))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
