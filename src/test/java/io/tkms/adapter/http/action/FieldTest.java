package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.Protocol.V2;
import static io.tkms.adapter.http.Protocol.V3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.adapter.http.Protocol;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeySpec;
import io.tkms.domain.KeyUsage;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * One decoder for both protocols: presence, wire type and bounds per protocol, then the domain
 * rule.
 */
class FieldTest {
  static final String KEY = "23e80852-1e38-11e9-b129-5cb9019b4b01";

  /**
   * The decoded value, or null when the request does not give the field (and it has no fallback).
   */
  static Object decode(Field<?> f, Protocol p, Map<String, Object> input) {
    Object v = f.decode(p, input::get, name -> input.containsKey(p.fieldName(name)));
    return v == Field.ABSENT ? f.fallback() : v;
  }

  static void assertFails(ThrowingCallable call, ErrorCode code, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KmsException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }

  @Test
  void requiredField_missing_isWordedAsTheProtocolWordsIt() {
    assertFails(
        () -> decode(Fields.KEY_ID, V2, Map.of()),
        ErrorCode.MISSING_PARAMETER,
        "lacked of required parameters: keyId");
    assertFails(
        () -> decode(Fields.KEY_ID, V3, Map.of()),
        ErrorCode.MISSING_PARAMETER,
        "the parameter KeyId is required");
    assertFails(
        () -> decode(Fields.KEY_ID, V3, Map.of("KeyId", "")), ErrorCode.MISSING_PARAMETER, "KeyId");
  }

  @Test
  void keyId_isSpelledPerProtocol_andApi2AcceptsTheApi3Spelling() {
    assertThat(decode(Fields.KEY_ID, V2, Map.of("keyId", KEY))).isEqualTo(KeyId.parse(KEY));
    assertThat(decode(Fields.KEY_ID, V2, Map.of("KeyId", KEY))).isEqualTo(KeyId.parse(KEY));
    assertFails(
        () -> decode(Fields.KEY_ID, V3, Map.of("keyId", KEY)),
        ErrorCode.MISSING_PARAMETER,
        "KeyId");
    // The API 2.0 spelling wins when both are given, even empty (as before: it is the documented
    // one).
    assertFails(
        () -> decode(Fields.KEY_ID, V2, Map.of("keyId", "", "KeyId", KEY)),
        ErrorCode.MISSING_PARAMETER,
        "keyId");
    assertFails(
        () -> decode(Fields.KEY_ID, V2, Map.of("keyId", "nope")), ErrorCode.INVALID_KEY_ID, "");
  }

  @Test
  void integer_acceptsNumbersAndNumericStrings_withinBounds() {
    assertThat(decode(Fields.LIMIT, V3, Map.of("Limit", 200))).isEqualTo(200);
    assertThat(decode(Fields.LIMIT, V3, Map.of("Limit", "007"))).isEqualTo(7);
    assertThat(decode(Fields.LIMIT, V3, Map.of("Limit", 5.0))).isEqualTo(5);
    assertThat(decode(Fields.LIMIT, V2, Map.of("limit", "1"))).isEqualTo(1);
    assertThat(decode(Fields.LIMIT, V2, Map.of())).isEqualTo(10);
    assertFails(
        () -> decode(Fields.LIMIT, V2, Map.of("limit", "201")),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "parameter limit must be between 1 and 200");
    assertFails(
        () -> decode(Fields.LIMIT, V3, Map.of("Limit", 0)),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "Limit must be between");
  }

  @Test
  void integer_refusesWhatIsNoInteger() {
    for (Object bad : List.of("abc", "1.5", "+1", "-", " 1", 1.5, true, List.of(1), Map.of())) {
      assertFails(
          () -> decode(Fields.LIMIT, V3, Map.of("Limit", bad)),
          ErrorCode.INVALID_PARAMETER_VALUE,
          "Limit must be an integer");
    }
  }

  @Test
  void integer_tooLargeForALong_isOutOfRange_neverWrapped() {
    // 2^64 + 1 would wrap to 1 (a valid Limit) if narrowed; 20 and 19 digits beyond a long
    // likewise.
    Object[] huge = {
      new BigInteger("18446744073709551617"), "99999999999999999999", "9999999999999999999", 1e19
    };
    for (Object v : huge) {
      assertFails(
          () -> decode(Fields.LIMIT, V3, Map.of("Limit", v)),
          ErrorCode.INVALID_PARAMETER_VALUE,
          "Limit is out of range");
    }
    assertFails(
        () -> decode(Fields.OFFSET, V2, Map.of("offset", "9999999999999999999")),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "offset is out of range");
  }

  @Test
  void numberOfBytes_zeroMeansNotGivenInApi2Only() {
    // The API 2.0 Java SDK always sends numberOfBytes, 0 when unset.
    assertThat(decode(Fields.NUMBER_OF_BYTES, V2, Map.of("numberOfBytes", "0"))).isNull();
    assertThat(decode(Fields.NUMBER_OF_BYTES, V2, Map.of("numberOfBytes", "-0"))).isNull();
    assertThat(decode(Fields.NUMBER_OF_BYTES, V2, Map.of("numberOfBytes", "1024"))).isEqualTo(1024);
    assertFails(
        () -> decode(Fields.NUMBER_OF_BYTES, V2, Map.of("numberOfBytes", "-1")),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "numberOfBytes must be between 1 and 1024");
    assertFails(
        () -> decode(Fields.NUMBER_OF_BYTES, V3, Map.of("NumberOfBytes", 0)),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "NumberOfBytes must be between 1 and 1024");
  }

  @Test
  void string_fromAJsonNumber_isItsText_butNeverFromAListOrObject() {
    assertThat(decode(KeyActions.SEARCH_KEY_ALIAS, V3, Map.of("SearchKeyAlias", 5))).isEqualTo("5");
    assertFails(
        () -> decode(Fields.KEY_SPEC, V3, Map.of("KeySpec", List.of("AES_256"))),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "KeySpec must be a string");
  }

  @Test
  void keySpec_isTheAlternativeOfNumberOfBytes_notReadWhenThatIsGiven() {
    assertThat(decode(Fields.KEY_SPEC, V3, Map.of("KeySpec", "AES_128")))
        .isEqualTo(KeySpec.AES_128);
    assertThat(decode(Fields.KEY_SPEC, V3, Map.of("NumberOfBytes", 16, "KeySpec", List.of("x"))))
        .isNull();
    assertFails(
        () -> decode(Fields.KEY_SPEC, V3, Map.of()),
        ErrorCode.MISSING_PARAMETER,
        "the parameter KeySpec or NumberOfBytes is required");
    assertFails(
        () -> decode(Fields.KEY_SPEC, V2, Map.of()),
        ErrorCode.MISSING_PARAMETER,
        "lacked of required parameters: keySpec or numberOfBytes");
    assertFails(
        () -> decode(Fields.KEY_SPEC, V2, Map.of("keySpec", "AES_512")),
        ErrorCode.INVALID_KEY_SPEC,
        "keySpec must be");
  }

  @Test
  void refusedField_isRefusedWhateverItsForm() {
    for (Object v : List.of("pem", 1, List.of(), Map.of())) {
      assertFails(
          () -> decode(Fields.ENCRYPTION_PUBLIC_KEY, V3, Map.of("EncryptionPublicKey", v)),
          ErrorCode.UNSUPPORTED_OPERATION,
          "EncryptionPublicKey");
    }
  }

  @Test
  void alias_boundsArePerProtocol() {
    String alias33 = "a".repeat(33);
    assertFails(
        () -> decode(Fields.ALIAS, V2, Map.of("alias", alias33)),
        ErrorCode.INVALID_ALIAS,
        "1 to 32");
    assertThat(decode(Fields.ALIAS, V3, Map.of("Alias", alias33))).isEqualTo(alias33);
    assertFails(
        () -> decode(Fields.ALIAS, V3, Map.of("Alias", "a".repeat(61))),
        ErrorCode.INVALID_ALIAS,
        "1 to 60");
    assertThat(decode(Fields.ALIAS.optional(V2), V2, Map.of())).isNull();
  }

  @Test
  void keyUsage_isSpelledPerProtocol() {
    assertThat(decode(Fields.KEY_USAGE, V2, Map.of("keyUsage", "ENCRYPT/DECRYPT")))
        .isEqualTo(KeyUsage.ENCRYPT_DECRYPT);
    assertThat(decode(Fields.KEY_USAGE, V3, Map.of("KeyUsage", "ENCRYPT_DECRYPT")))
        .isEqualTo(KeyUsage.ENCRYPT_DECRYPT);
    assertThat(decode(Fields.KEY_USAGE, V3, Map.of())).isEqualTo(KeyUsage.ENCRYPT_DECRYPT);
    assertFails(
        () -> decode(Fields.KEY_USAGE, V2, Map.of("keyUsage", "ENCRYPT_DECRYPT")),
        ErrorCode.INVALID_KEY_USAGE,
        "ENCRYPT/DECRYPT");
    assertFails(
        () -> decode(Fields.KEY_USAGE, V3, Map.of("KeyUsage", "ENCRYPT/DECRYPT")),
        ErrorCode.INVALID_KEY_USAGE,
        "ENCRYPT_DECRYPT");
  }

  @Test
  void api3OnlyField_isIgnoredInApi2() {
    assertThat(
            decode(
                Fields.ENCRYPTION_PUBLIC_KEY,
                V2,
                Map.of("encryptionPublicKey", "pem", "EncryptionPublicKey", "pem")))
        .isNull();
    assertFails(
        () -> decode(Fields.ENCRYPTION_PUBLIC_KEY, V3, Map.of("EncryptionPublicKey", "pem")),
        ErrorCode.UNSUPPORTED_OPERATION,
        "EncryptionPublicKey");
    assertThat(decode(Fields.KEY_TYPE, V2, Map.of())).isEqualTo(KeyOrigin.TENCENT_KMS);
    assertFails(
        () -> decode(Fields.KEY_TYPE, V2, Map.of("type", "2")),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "between 1 and 1");
    assertThat(decode(Fields.KEY_TYPE, V3, Map.of("Type", 2))).isEqualTo(KeyOrigin.EXTERNAL);
    assertThat(decode(Fields.KEY_TYPE, V3, Map.of("Type", 1))).isEqualTo(KeyOrigin.TENCENT_KMS);
  }

  @Test
  void lists_areBoundedAndTyped() {
    assertThat(decode(Fields.KEY_IDS, V3, Map.of("KeyIds", List.of(KEY))))
        .isEqualTo(List.of(KeyId.parse(KEY)));
    assertFails(
        () -> decode(Fields.KEY_IDS, V3, Map.of("KeyIds", List.of())),
        ErrorCode.MISSING_PARAMETER,
        "KeyIds");
    assertFails(
        () -> decode(Fields.KEY_IDS, V3, Map.of("KeyIds", List.of(KEY, KEY))),
        ErrorCode.DUPLICATED_KEY_ID,
        "");
    assertFails(
        () -> decode(Fields.KEY_IDS, V3, Map.of("KeyIds", List.of(1))),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "list of strings");
    assertFails(
        () -> decode(Fields.KEY_IDS, V3, Map.of("KeyIds", KEY)),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "list of strings");
    assertFails(
        () -> decode(Fields.KEY_IDS, V3, Map.of("KeyIds", java.util.Collections.nCopies(101, KEY))),
        ErrorCode.PARAMETER_BATCH_TOO_LARGE,
        "more than 100");
  }

  @Test
  void tags_andTagFilters_keepTheirRules() {
    assertThat(
            decode(
                Fields.TAGS, V3, Map.of("Tags", List.of(Map.of("TagKey", "k", "TagValue", "v")))))
        .isEqualTo(Map.of("k", "v"));
    assertFails(
        () ->
            decode(
                Fields.TAGS,
                V3,
                Map.of(
                    "Tags",
                    List.of(
                        Map.of("TagKey", "k", "TagValue", "v"),
                        Map.of("TagKey", "k", "TagValue", "w")))),
        ErrorCode.TAG_KEYS_DUPLICATED,
        "");
    assertFails(
        () ->
            decode(Fields.TAGS, V3, Map.of("Tags", List.of(Map.of("TagKey", "", "TagValue", "v")))),
        ErrorCode.INVALID_TAG,
        "");
    assertFails(
        () ->
            decode(Fields.TAG_FILTERS, V3, Map.of("TagFilters", List.of(Map.of("TagValue", "v")))),
        ErrorCode.MISSING_PARAMETER,
        "TagKey");
  }

  @Test
  void pendingWindow_isTheDomainsRule_forAnyInteger() {
    assertThat(decode(Fields.PENDING_WINDOW_IN_DAYS, V2, Map.of("pendingWindowInDays", "7")))
        .isEqualTo(7);
    // 2^32 + 7 would be 7 if narrowed to an int first.
    assertFails(
        () -> decode(Fields.PENDING_WINDOW_IN_DAYS, V3, Map.of("PendingWindowInDays", 4294967303L)),
        ErrorCode.INVALID_PENDING_WINDOW,
        "");
    assertFails(
        () -> decode(Fields.PENDING_WINDOW_IN_DAYS, V2, Map.of("pendingWindowInDays", "31")),
        ErrorCode.INVALID_PENDING_WINDOW,
        "");
  }
}
