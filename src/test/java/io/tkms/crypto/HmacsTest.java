package io.tkms.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HmacsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] JEFE = "Jefe".getBytes(UTF_8);
  private static final byte[] WHAT = "what do ya want for nothing?".getBytes(UTF_8);

  @Test
  void hmacSha256_rfc4231TestCase2_matches() {
    assertThat(HEX.formatHex(Hmacs.hmacSha256(JEFE, WHAT)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void hmacSha1_rfc2202TestCase2_matches() {
    assertThat(HEX.formatHex(Hmacs.hmacSha1(JEFE, WHAT)))
        .isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  }

  @Test
  void hmac_withEmptyKeyAndMessage_matchesKnownValues() {
    assertThat(HEX.formatHex(Hmacs.hmacSha256(new byte[0], new byte[0])))
        .isEqualTo("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    assertThat(HEX.formatHex(Hmacs.hmacSha1(new byte[0], new byte[0])))
        .isEqualTo("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  }

  @Test
  void hmacSha256_withKeyLongerThanBlock_matchesRfc4231TestCase6() {
    byte[] key = new byte[131];
    Arrays.fill(key, (byte) 0xaa);
    byte[] msg = "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(UTF_8);
    assertThat(HEX.formatHex(Hmacs.hmacSha256(key, msg)))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }

  @Test
  void sha256_ofAbc_matchesFips180Example() {
    byte[] abc = "abc".getBytes(UTF_8);
    assertThat(HEX.formatHex(Hmacs.sha256(abc)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Hmacs.sha256Hex(abc))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void sha256Hex_ofEmpty_isLowerCase64Chars() {
    assertThat(Hmacs.sha256Hex(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void constantTimeEquals_comparesContentAndLength() {
    assertThat(ConstantTime.equals(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
    assertThat(ConstantTime.equals(new byte[] {1, 2}, new byte[] {1, 3})).isFalse();
    assertThat(ConstantTime.equals(new byte[] {1, 2}, new byte[] {1, 2, 0})).isFalse();
    assertThat(ConstantTime.equals(new byte[0], new byte[0])).isTrue();
    assertThat(ConstantTime.equals(null, new byte[0])).isFalse();
  }
}
