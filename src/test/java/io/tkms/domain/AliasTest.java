package io.tkms.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.KmsException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AliasTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "A",
        "0",
        "orders_2024-prod",
        "kms",
        "KMS-upper-is-not-reserved",
        "x123456789012345678901234567890y"
      })
  void validAliases_areAccepted(String alias) {
    assertThat(Alias.validate(alias, Alias.V2_MAX)).isEqualTo(alias);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-a",
        "_a",
        "a b",
        "a/b",
        "a.b",
        "ä",
        "kms-x",
        "x1234567890123456789012345678901z"
      })
  void invalidAliases_failWithInvalidAlias(String alias) {
    assertThatThrownBy(() -> Alias.validate(alias, Alias.V2_MAX))
        .isInstanceOf(KmsException.class)
        .satisfies(
            e ->
                assertThat(((KmsException) e).code())
                    .isEqualTo(io.tkms.error.ErrorCode.INVALID_ALIAS));
  }

  @ParameterizedTest
  @ValueSource(ints = {32, 60})
  void lengthLimit_isPerProtocol(int max) {
    assertThat(Alias.validate("a".repeat(max), max)).hasSize(max);
    assertThatThrownBy(() -> Alias.validate("a".repeat(max + 1), max))
        .isInstanceOf(KmsException.class);
  }
}
