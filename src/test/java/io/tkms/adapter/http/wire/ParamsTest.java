package io.tkms.adapter.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {

  @Test
  void toMap_distinctNames_givesImmutableMap() {
    Map<String, String> map = Params.toMap(List.of(new Param("a", "1"), new Param("b", "")));
    assertThat(map).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", ""));
    assertThatThrownBy(() -> map.put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toMap_withDuplicateName_failsWithDuplicateParameter() {
    assertThatThrownBy(
            () -> Params.toMap(List.of(new Param("keyId", "1"), new Param("keyId", "1"))))
        .isInstanceOf(KmsException.class)
        .hasMessage("parameter keyId is given more than once")
        .satisfies(
            e -> assertThat(((KmsException) e).code()).isEqualTo(ErrorCode.DUPLICATE_PARAMETER));
  }

  @Test
  void toMap_withLongHostileDuplicateName_truncatesAndStripsControlChars() {
    String name = "evil\r\n\u0000\u202Ename" + "x".repeat(100);
    assertThatThrownBy(() -> Params.toMap(List.of(new Param(name, ""), new Param(name, ""))))
        .isInstanceOf(KmsException.class)
        .hasMessage("parameter evilname" + "x".repeat(56) + "... is given more than once");
  }

  @Test
  void forMessage_keepsSupplementaryCharactersWhole() {
    assertThat(Params.forMessage("a\uD83D\uDE00b")).isEqualTo("a\uD83D\uDE00b");
    assertThat(Params.forMessage("\uD83D".repeat(3))).isEmpty(); // lone surrogates dropped
  }
}
