package io.tkms.adapter.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormDecoderTest {
  private final FormDecoder decoder = new FormDecoder();

  private List<Param> body(String s) {
    return decoder.decode(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertUnparsable(Runnable r, String messagePart) {
    assertThatThrownBy(r::run)
        .isInstanceOf(KmsException.class)
        .satisfies(
            e -> assertThat(((KmsException) e).code()).isEqualTo(ErrorCode.REQUEST_UNPARSABLE))
        .hasMessageContaining(messagePart);
  }

  @Test
  void decode_simplePairs_keepsOrderAndRepeats() {
    assertThat(body("b=2&a=1&b=3"))
        .containsExactly(new Param("b", "2"), new Param("a", "1"), new Param("b", "3"));
  }

  @Test
  void decode_plusAndPercent_becomeSpaceAndBytes() {
    assertThat(body("a+b=x+y%2By%3d%3D%2f%2F")).containsExactly(new Param("a b", "x y+y==//"));
  }

  @Test
  void decode_firstEqualsSplits_restBelongsToValue() {
    assertThat(body("a==b=")).containsExactly(new Param("a", "=b="));
  }

  @Test
  void decode_emptyPairsAndTrailingAmpersand_areSkipped() {
    assertThat(body("&&a=1&&b=2&")).containsExactly(new Param("a", "1"), new Param("b", "2"));
    assertThat(body("")).isEmpty();
    assertThat(body("&")).isEmpty();
  }

  @Test
  void decode_pairWithoutEquals_hasEmptyValue() {
    assertThat(body("flag&a=")).containsExactly(new Param("flag", ""), new Param("a", ""));
  }

  @Test
  void decode_percentEncodedUtf8_isDecoded() {
    assertThat(body("ctx=%E4%BD%A0%e5%a5%bd%F0%9F%98%80"))
        .containsExactly(new Param("ctx", "你好\uD83D\uDE00"));
  }

  @Test
  void decode_rawUtf8InBody_isDecoded() {
    assertThat(body("ctx=你好")).containsExactly(new Param("ctx", "你好"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=%", "a=%4", "a=%G1", "a=%1G", "a=%%41", "%=1", "a=b%"})
  void decode_withBrokenPercentEscape_failsWithUnparsable(String input) {
    assertUnparsable(() -> body(input), "percent-escape");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a=%C0%AF", // overlong '/'
        "a=%E0%80%AF", // overlong, three bytes
        "a=%ED%A0%80", // UTF-16 surrogate encoded in UTF-8
        "a=%80", // lone continuation byte
        "a=%E4%BD", // truncated sequence
        "a=%FF",
        "%C3=1" // names are checked too
      })
  void decode_withInvalidUtf8_failsWithUnparsable(String input) {
    assertUnparsable(() -> body(input), "UTF-8");
  }

  @Test
  void decode_withRawInvalidUtf8Bytes_failsWithUnparsable() {
    byte[] bytes = {
      'a', '=', (byte) 0xC3, '(',
    };
    assertUnparsable(() -> decoder.decode(bytes), "UTF-8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"=x", "=", "a=1&=2", "&="})
  void decode_withEmptyName_failsWithUnparsable(String input) {
    assertUnparsable(() -> body(input), "empty parameter name");
  }

  @Test
  void decode_withTooManyParameters_failsWithUnparsable() {
    FormDecoder small = new FormDecoder(3);
    assertThat(small.decode("a=1&b=2&c=3&&".getBytes(StandardCharsets.US_ASCII))).hasSize(3);
    assertUnparsable(
        () -> small.decode("a=1&b=2&c=3&d=4".getBytes(StandardCharsets.US_ASCII)),
        "too many parameters");
  }

  @Test
  void decode_defaultLimit_is256() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 256; i++) {
      sb.append("p").append(i).append("=v&");
    }
    assertThat(body(sb.toString())).hasSize(256);
    assertUnparsable(() -> body(sb + "one=more"), "too many parameters");
  }

  @Test
  void decode_queryString_takesCharsAsBytes() {
    // Netty hands raw request-line bytes over as ISO-8859-1 chars: "ä" in UTF-8 is C3 A4.
    assertThat(decoder.decode("a=%41&b=\u00C3\u00A4"))
        .containsExactly(new Param("a", "A"), new Param("b", "ä"));
  }

  @Test
  void decode_queryStringWithCharAboveFF_failsWithUnparsable() {
    assertUnparsable(() -> decoder.decode("a=\u4F60"), "non-byte character");
  }

  @Test
  void decode_offsetAndLength_decodesOnlyTheSlice() {
    byte[] data = "xxa=1&b=2yy".getBytes(StandardCharsets.US_ASCII);
    assertThat(decoder.decode(data, 2, 7))
        .containsExactly(new Param("a", "1"), new Param("b", "2"));
  }

  @Test
  void constructor_withNonPositiveLimit_isRefused() {
    assertThatThrownBy(() -> new FormDecoder(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void paramToString_hidesTheValue() {
    assertThat(new Param("Plaintext", "c2VjcmV0").toString())
        .contains("Plaintext")
        .doesNotContain("c2VjcmV0");
  }
}
