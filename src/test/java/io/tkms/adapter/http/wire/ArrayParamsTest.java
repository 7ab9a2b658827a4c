package io.tkms.adapter.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArrayParamsTest {

  private static void assertFails(Runnable r, ErrorCode code, String messagePart) {
    assertThatThrownBy(r::run)
        .isInstanceOf(KmsException.class)
        .satisfies(e -> assertThat(((KmsException) e).code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  @Test
  void decode_happyPath_splitsScalarsAndOrderedLists() {
    Map<String, String> flat = new HashMap<>();
    flat.put("Action", "DisableKeys");
    flat.put("keyIds.2", "c");
    flat.put("keyIds.0", "a");
    flat.put("keyIds.1", "b");
    flat.put("key12", "scalar, no dot before the digits");
    flat.put("x.", "scalar, no digits");
    flat.put(".0", "scalar, no base");
    ArrayParams.Decoded d = ArrayParams.decode(flat, Set.of("keyIds"), 3);
    assertThat(d.lists()).containsOnlyKeys("keyIds");
    assertThat(d.lists().get("keyIds")).containsExactly("a", "b", "c");
    assertThat(d.scalars()).containsOnlyKeys("Action", "key12", "x.", ".0");
  }

  @Test
  void decode_moreThanTenItems_areOrderedNumerically() {
    Map<String, String> flat = new HashMap<>();
    for (int i = 0; i < 12; i++) {
      flat.put("k." + i, "v" + i);
    }
    assertThat(ArrayParams.decode(flat, Set.of("k"), 12).lists().get("k"))
        .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11");
  }

  @Test
  void decode_captured08And14_yieldsTheSdkLists() {
    Map<String, String> c08 =
        form("KeyIds.0=k1&Nonce=1076407893&Action=DisableKeys&Version=2019-01-18&KeyIds.1=k2");
    assertThat(ArrayParams.decode(c08, Set.of("KeyIds"), 100).lists())
        .containsExactlyEntriesOf(Map.of("KeyIds", List.of("k1", "k2")));
    Map<String, String> c14 =
        form("TagFilters.0.TagValue.0=dev&TagFilters.0.TagValue.1=prod&TagFilters.0.TagKey=env");
    ArrayParams.Decoded d = ArrayParams.decode(c14, Set.of("TagFilters.0.TagValue"), 100);
    assertThat(d.lists().get("TagFilters.0.TagValue")).containsExactly("dev", "prod");
    assertThat(d.scalars()).containsExactlyEntriesOf(Map.of("TagFilters.0.TagKey", "env"));
  }

  @Test
  void decode_withIndexOnScalar_failsWithNotRepeatable() {
    assertFails(
        () -> ArrayParams.decode(Map.of("keyId.0", "a"), Set.of("keyIds"), 10),
        ErrorCode.PARAMETER_NOT_REPEATABLE,
        "parameter keyId is NOT a repeatable parameter");
  }

  @Test
  void decode_withIndexGap_failsWithNotConsequent() {
    assertFails(
        () -> ArrayParams.decode(Map.of("keyIds.0", "a", "keyIds.2", "c"), Set.of("keyIds"), 10),
        ErrorCode.PARAMETER_INDEX_NOT_CONSEQUENT,
        "keyIds");
  }

  @Test
  void decode_notStartingAtZero_failsWithNotConsequent() {
    assertFails(
        () -> ArrayParams.decode(Map.of("keyIds.1", "a"), Set.of("keyIds"), 10),
        ErrorCode.PARAMETER_INDEX_NOT_CONSEQUENT,
        "keyIds");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"keyIds.01", "keyIds.00", "keyIds.9999999999999999999", "keyIds.2147483648"})
  void decode_withLeadingZeroOrHugeIndex_failsWithNotConsequent(String name) {
    assertFails(
        () -> ArrayParams.decode(Map.of("keyIds.0", "a", name, "b"), Set.of("keyIds"), 10),
        ErrorCode.PARAMETER_INDEX_NOT_CONSEQUENT,
        "keyIds");
  }

  @Test
  void decode_withMoreItemsThanAllowed_failsWithBatchTooLarge() {
    Map<String, String> flat = Map.of("keyIds.0", "a", "keyIds.1", "b", "keyIds.2", "c");
    assertThat(ArrayParams.decode(flat, Set.of("keyIds"), 3).lists().get("keyIds")).hasSize(3);
    assertFails(
        () -> ArrayParams.decode(flat, Set.of("keyIds"), 2),
        ErrorCode.PARAMETER_BATCH_TOO_LARGE,
        "keyIds");
  }

  @Test
  void decode_withScalarAndListOfSameName_failsWithDuplicate() {
    assertFails(
        () -> ArrayParams.decode(Map.of("keyIds", "x", "keyIds.0", "a"), Set.of("keyIds"), 10),
        ErrorCode.DUPLICATE_PARAMETER,
        "keyIds");
  }

  @Test
  void decode_withNonAsciiDigits_isAScalar() {
    // U+0661 ARABIC-INDIC DIGIT ONE must not count as an index.
    ArrayParams.Decoded d = ArrayParams.decode(Map.of("keyIds.\u0661", "a"), Set.of(), 10);
    assertThat(d.scalars()).containsOnlyKeys("keyIds.\u0661");
  }

  private static Map<String, String> form(String s) {
    return Params.toMap(new FormDecoder().decode(s.getBytes(StandardCharsets.UTF_8)));
  }
}
