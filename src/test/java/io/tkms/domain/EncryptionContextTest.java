package io.tkms.domain;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptionContextTest {
  private static final String VECTORS = "/vectors/encryption-context-canonical.txt";

  static List<Arguments> canonicalVectors() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (InputStream in = EncryptionContextTest.class.getResourceAsStream(VECTORS)) {
      assertThat(in).as(VECTORS).isNotNull();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.lastIndexOf('\t');
        out.add(Arguments.of(line.substring(0, tab), line.substring(tab + 1)));
      }
    }
    assertThat(out).hasSizeGreaterThanOrEqualTo(6);
    return out;
  }

  @ParameterizedTest
  @MethodSource("canonicalVectors")
  void canonical_matchesIndependentlyGeneratedVector(String json, String expectedHex) {
    assertThat(HexFormat.of().formatHex(EncryptionContext.parse(json).canonical()))
        .isEqualTo(expectedHex);
  }

  @Test
  void parse_nullEmptyAndEmptyObject_areAllEmpty() {
    assertThat(EncryptionContext.parse(null)).isSameAs(EncryptionContext.EMPTY);
    assertThat(EncryptionContext.parse("")).isSameAs(EncryptionContext.EMPTY);
    assertThat(EncryptionContext.parse(" {\n}\t")).isEqualTo(EncryptionContext.EMPTY);
    assertThat(EncryptionContext.EMPTY.canonical()).containsExactly(0, 0, 0, 0);
    assertThat(EncryptionContext.EMPTY.isEmpty()).isTrue();
  }

  @Test
  void canonical_abC_differsFromABc() {
    assertThat(EncryptionContext.parse("{\"ab\":\"c\"}").canonical())
        .isNotEqualTo(EncryptionContext.parse("{\"a\":\"bc\"}").canonical());
    assertThat(EncryptionContext.parse("{\"ab\":\"c\"}"))
        .isNotEqualTo(EncryptionContext.parse("{\"a\":\"bc\"}"));
  }

  @Test
  void parse_escapesAndSurrogatePairs_decode() {
    EncryptionContext ctx =
        EncryptionContext.parse(
            "{\"q\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"u\":\"\\u00E9\\ud83d\\ude00\",\"raw\":\"é😀\"}");
    assertThat(ctx.pairs())
        .containsExactly(
            Map.entry("q", "\"\\/\b\f\n\r\t"), Map.entry("raw", "é😀"), Map.entry("u", "é😀"));
  }

  @Test
  void pairs_areSortedByUtf8BytesAndUnmodifiable() {
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80: UTF-8 order puts U+FF21 first,
    // although String.compareTo (UTF-16) would not.
    EncryptionContext ctx =
        EncryptionContext.parse("{\"😀\":\"1\",\"Ａ\":\"2\",\"b\":\"3\",\"B\":\"4\",\"\":\"5\"}");
    assertThat(ctx.pairs().keySet()).containsExactly("", "B", "b", "Ａ", "😀");
    assertThatThrownBy(() -> ctx.pairs().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equals_ignoresJsonSpelling() {
    EncryptionContext a = EncryptionContext.parse("{\"a\":\"1\",\"b\":\"é\"}");
    EncryptionContext b = EncryptionContext.parse(" { \"b\" : \"\\u00e9\" , \"a\" : \"1\" } ");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.canonical()).isEqualTo(b.canonical());
  }

  @Test
  void canonical_returnsACopy() {
    EncryptionContext ctx = EncryptionContext.parse("{\"a\":\"b\"}");
    ctx.canonical()[0] = 9;
    assertThat(ctx.canonical()[0]).isZero();
  }

  @Test
  void toString_showsOnlyThePairCount() {
    assertThat(EncryptionContext.parse("{\"secretish\":\"value\"}").toString())
        .doesNotContain("secretish")
        .doesNotContain("value")
        .contains("1");
  }

  @Test
  void parse_exactly1024Utf8Bytes_isAccepted_and1025IsRefused() {
    String ok = "{\"k\":\"" + "é".repeat(508) + "\"}"; // 8 bytes of frame + 1016
    assertThat(ok.getBytes(UTF_8)).hasSize(1024);
    assertThat(EncryptionContext.parse(ok).pairs()).hasSize(1);

    String tooLong = "{\"k\":\"" + "é".repeat(508) + "x\"}";
    assertThat(tooLong.getBytes(UTF_8)).hasSize(1025);
    assertInvalid(tooLong, "marker");

    // Fewer than 1024 chars but more than 1024 bytes.
    String wide = "{\"k\":\"" + "😀".repeat(300) + "\"}";
    assertThat(wide.length()).isLessThan(1024);
    assertInvalid(wide, "😀");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SECRET",
        "[\"SECRET\"]",
        "\"SECRET\"",
        "null",
        "{\"SECRET\":1}",
        "{\"SECRET\":null}",
        "{\"SECRET\":true}",
        "{\"SECRET\":-1}",
        "{\"SECRET\":{\"a\":\"b\"}}",
        "{\"SECRET\":[\"b\"]}",
        "{\"SECRET\":\"a\",\"SECRET\":\"b\"}",
        "{\"SECRET\":\"a\"} x",
        "{\"SECRET\":\"a\"}{}",
        "{\"SECRET\":\"a\",}",
        "{,\"SECRET\":\"a\"}",
        "{\"SECRET\" \"a\"}",
        "{\"SECRET\":\"a\"",
        "{\"SECRET\":\"a}",
        "{\"SECRET",
        "{'SECRET':'a'}",
        "{SECRET:\"a\"}",
        "{\"SECRET\":\"\\ud800\"}",
        "{\"SECRET\":\"\\udc00\\ud800\"}",
        "{\"SECRET\":\"\\ud800\\u0041\"}",
        "{\"SECRET\":\"\\ud83d\"}",
        "{\"SECRET\":\"a\u0001\"}",
        "{\"SECRET\":\"a\nb\"}",
        "{\"SECRET\":\"\\x41\"}",
        "{\"SECRET\":\"\\u12g4\"}",
        "{\"SECRET\":\"\\u12\"}",
        "{\"SECRET\":\"\\u０１２３\"}",
        "{\"SECRET\":\"\\",
        "\ufeff{\"SECRET\":\"a\"}",
        "\u00a0{\"SECRET\":\"a\"}",
        "{\"SECRET\":\"a\"}\u0000",
        " ",
        "{\"SECRET\"\u2028:\"a\"}"
      })
  void parse_invalidJson_failsWithInvalidEncryptionContextWithoutEchoingInput(String json) {
    assertInvalid(json, "SECRET");
  }

  @Test
  void parse_loneSurrogateCharInInput_isRefused() {
    assertInvalid("{\"SECRET\":\"\ud800\"}", "SECRET");
    assertInvalid("{\"SECRET\":\"\udc00\"}", "SECRET");
  }

  private static void assertInvalid(String json, String marker) {
    assertThatThrownBy(() -> EncryptionContext.parse(json))
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENCRYPTION_CONTEXT);
              assertThat(e.getMessage()).startsWith("encryptionContext").doesNotContain(marker);
            });
  }
}
