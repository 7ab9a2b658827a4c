package io.tkms.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyIdTest {
  private static final String CANONICAL = "3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c";

  @Test
  void parse_canonical_roundTripsThroughToString() {
    KeyId id = KeyId.parse(CANONICAL);
    assertThat(id).hasToString(CANONICAL);
    assertThat(id.uuid()).isEqualTo(UUID.fromString(CANONICAL));
  }

  @Test
  void parse_upperCase_isAcceptedAndPrintedLowerCase() {
    KeyId id = KeyId.parse(CANONICAL.toUpperCase());
    assertThat(id).hasToString(CANONICAL).isEqualTo(KeyId.parse(CANONICAL));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "1-1-1-1-1",
        "3f2a6c1e9b7d4e218c5a0d6f1b2e3a4c",
        "3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4",
        "3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c0",
        " 3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4",
        "3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4 ",
        "3f2a6c1e_9b7d-4e21-8c5a-0d6f1b2e3a4c",
        "3f2a6c1e-9b7d-4e21-8c5a0-d6f1b2e3a4c",
        "3f2a6c1g-9b7d-4e21-8c5a-0d6f1b2e3a4c",
        "{f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4}",
        "3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4\uff43",
        "+f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c",
        "alias/my-key-0000000000000000000000"
      })
  void parse_nonCanonical_failsWithInvalidKeyId(String text) {
    assertThatThrownBy(() -> KeyId.parse(text))
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_KEY_ID));
  }

  @Test
  void toBytes_isBigEndianUuid() {
    assertThat(HexFormat.of().formatHex(KeyId.parse(CANONICAL).toBytes()))
        .isEqualTo("3f2a6c1e9b7d4e218c5a0d6f1b2e3a4c");
  }

  @Test
  void fromBytes_atOffset_readsSixteenBytes() {
    byte[] framed = new byte[20];
    System.arraycopy(KeyId.parse(CANONICAL).toBytes(), 0, framed, 3, 16);
    assertThat(KeyId.fromBytes(framed, 3)).hasToString(CANONICAL);
    assertThatThrownBy(() -> KeyId.fromBytes(framed, 5))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void fromBytes_withHighBitsSet_roundTripsExactly() {
    byte[] bytes = new byte[16];
    Arrays.fill(bytes, (byte) 0xff);
    KeyId id = KeyId.fromBytes(bytes, 0);
    assertThat(id).hasToString("ffffffff-ffff-ffff-ffff-ffffffffffff");
    assertThat(id.toBytes()).isEqualTo(bytes);
  }

  @Test
  void random_isVersion4IetfVariant() {
    byte[] allOnes = new byte[16];
    Arrays.fill(allOnes, (byte) 0xff);
    KeyId id = KeyId.random(out -> System.arraycopy(allOnes, 0, out, 0, out.length));
    assertThat(id.uuid().version()).isEqualTo(4);
    assertThat(id.uuid().variant()).isEqualTo(2);
    assertThat(id).hasToString("ffffffff-ffff-4fff-bfff-ffffffffffff");
  }
}
