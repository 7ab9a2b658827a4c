package io.tkms.adapter.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.http.auth.V2Signature.Algorithm;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Official vectors of the v2 signature page, plus literals computed offline with openssl. */
class V2SignatureTest {
  private static final byte[] KEY =
      "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA".getBytes(StandardCharsets.UTF_8);
  private static final String HOST = "cvm.api.qcloud.com";
  private static final String PATH = "/v2/index.php";
  private static final String OFFICIAL_SHA256_STS =
      "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg"
          + "&Nonce=11886&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"
          + "&SignatureMethod=HmacSHA256&Timestamp=1465185768";
  private static final String OFFICIAL_SHA1_STS =
      OFFICIAL_SHA256_STS.replace("HmacSHA256", "HmacSHA1");
  private static final String OFFICIAL_SHA256_SIG = "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=";
  private static final String OFFICIAL_SHA1_SIG = "nPVnY6njQmwQ8ciqbPl5Qe+Oru4=";

  private static Map<String, String> officialParams(String signatureMethod) {
    // Deliberately unsorted: stringToSign must sort.
    Map<String, String> p = new LinkedHashMap<>();
    p.put("Timestamp", "1465185768");
    p.put("SignatureMethod", signatureMethod);
    p.put("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA");
    p.put("Region", "ap-guangzhou");
    p.put("Nonce", "11886");
    p.put("InstanceIds.0", "ins-09dx96dg");
    p.put("Action", "DescribeInstances");
    p.put("Signature", "ignored");
    return p;
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  @Test
  void stringToSign_officialExample_matchesLiteral() {
    assertThat(V2Signature.stringToSign("get", HOST, PATH, officialParams("HmacSHA256")))
        .isEqualTo(OFFICIAL_SHA256_STS);
    assertThat(V2Signature.stringToSign("GET", HOST, PATH, officialParams("HmacSHA1")))
        .isEqualTo(OFFICIAL_SHA1_STS);
  }

  @Test
  void compute_officialVectors_matchExactly() {
    assertThat(b64(V2Signature.compute(Algorithm.HMAC_SHA256, KEY, OFFICIAL_SHA256_STS)))
        .isEqualTo(OFFICIAL_SHA256_SIG);
    assertThat(b64(V2Signature.compute(Algorithm.HMAC_SHA1, KEY, OFFICIAL_SHA1_STS)))
        .isEqualTo(OFFICIAL_SHA1_SIG);
  }

  @Test
  void verify_officialVectors_succeed() {
    assertThat(
            V2Signature.verify(
                Algorithm.HMAC_SHA256, KEY, OFFICIAL_SHA256_STS, OFFICIAL_SHA256_SIG))
        .isTrue();
    assertThat(V2Signature.verify(Algorithm.HMAC_SHA1, KEY, OFFICIAL_SHA1_STS, OFFICIAL_SHA1_SIG))
        .isTrue();
  }

  @Test
  void verify_withWrongAlgorithm_fails() {
    assertThat(
            V2Signature.verify(Algorithm.HMAC_SHA1, KEY, OFFICIAL_SHA256_STS, OFFICIAL_SHA256_SIG))
        .isFalse();
    assertThat(V2Signature.verify(Algorithm.HMAC_SHA256, KEY, OFFICIAL_SHA1_STS, OFFICIAL_SHA1_SIG))
        .isFalse();
  }

  @Test
  void verify_afterAnyOneByteChangeOfStringToSign_fails() {
    for (String[] v : vectors()) {
      Algorithm alg = Algorithm.valueOf(v[0]);
      char[] sts = v[1].toCharArray();
      for (int i = 0; i < sts.length; i++) {
        char[] changed = sts.clone();
        changed[i] ^= 0x01;
        assertThat(V2Signature.verify(alg, KEY, new String(changed), v[2]))
            .as("position %d", i)
            .isFalse();
      }
      assertThat(V2Signature.verify(alg, KEY, v[1] + "&", v[2])).isFalse();
      assertThat(V2Signature.verify(alg, KEY, v[1].substring(1), v[2])).isFalse();
    }
  }

  @Test
  void verify_afterAnyOneByteChangeOfKey_fails() {
    for (String[] v : vectors()) {
      for (int i = 0; i < KEY.length; i++) {
        byte[] key = KEY.clone();
        key[i] ^= 0x01;
        assertThat(V2Signature.verify(Algorithm.valueOf(v[0]), key, v[1], v[2]))
            .as("position %d", i)
            .isFalse();
      }
    }
  }

  @Test
  void verify_afterAnyOneCharChangeOfSignature_fails() {
    for (String[] v : vectors()) {
      char[] sig = v[2].toCharArray();
      for (int i = 0; i < sig.length; i++) {
        char[] changed = sig.clone();
        changed[i] = changed[i] == 'A' ? 'B' : 'A';
        assertThat(V2Signature.verify(Algorithm.valueOf(v[0]), KEY, v[1], new String(changed)))
            .as("position %d", i)
            .isFalse();
      }
    }
  }

  private static String[][] vectors() {
    return new String[][] {
      {"HMAC_SHA256", OFFICIAL_SHA256_STS, OFFICIAL_SHA256_SIG},
      {"HMAC_SHA1", OFFICIAL_SHA1_STS, OFFICIAL_SHA1_SIG}
    };
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "not base64!",
        "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s", // missing padding
        "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8t=", // same bytes, non-zero padding bits
        "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s==",
        " 0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=",
        "0EEm_HtGRr_VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=", // URL-safe alphabet
        "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=AAAA"
      })
  void verify_withMalformedSignature_returnsFalseWithoutThrowing(String signature) {
    assertThat(V2Signature.verify(Algorithm.HMAC_SHA256, KEY, OFFICIAL_SHA256_STS, signature))
        .isFalse();
  }

  @Test
  void stringToSign_underscoreInName_isSignedAsDotAfterSorting() {
    Map<String, String> p = officialParams("HmacSHA256");
    p.remove("InstanceIds.0");
    p.put("Placement_Zone", "CN_GUANGZHOU"); // value keeps its '_'
    p.put("Zone_A", "1");
    p.put("Zone.B", "2"); // sorts before Zone_A by received name ('.' < '_'), as the SDKs do
    String sts = V2Signature.stringToSign("GET", HOST, PATH, p);
    assertThat(sts)
        .isEqualTo(
            "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886"
                + "&Placement.Zone=CN_GUANGZHOU&Region=ap-guangzhou"
                + "&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256"
                + "&Timestamp=1465185768&Zone.B=2&Zone.A=1");
    // printf '%s' "$sts" | openssl dgst -sha256 -hmac Gu5t9xGARNpq86cd98joQYCN3Cozk1qA -binary |
    // base64
    assertThat(
            V2Signature.verify(
                Algorithm.HMAC_SHA256, KEY, sts, "92nqMY9s2x3C40XqYqFzNdMM0ctsw4fWgS/7tRtNvu4="))
        .isTrue();
  }

  @Test
  void compute_nonAsciiValue_isSignedAsUtf8() {
    String sts =
        V2Signature.stringToSign(
            "POST",
            "kms.local",
            "/",
            Map.of("Action", "Encrypt", "EncryptionContext", "{\"k\":\"你好\"}"));
    assertThat(sts).isEqualTo("POSTkms.local/?Action=Encrypt&EncryptionContext={\"k\":\"你好\"}");
    // openssl dgst -sha1 -hmac EXAMPLESECRETKEY -binary | base64
    assertThat(
            b64(
                V2Signature.compute(
                    Algorithm.HMAC_SHA1, "EXAMPLESECRETKEY".getBytes(StandardCharsets.UTF_8), sts)))
        .isEqualTo("VBRW6OmBWc9c4OzkAm+eRFqa5dc=");
  }

  @Test
  void stringToSign_sortsByUtf8ByteOrderNotUtf16() {
    // UTF-16 puts U+1F600 (surrogates D83D..) before U+FF5E; UTF-8 bytes (F0.. vs EF..) do not.
    String sts =
        V2Signature.stringToSign(
            "GET", "h", "/", Map.of("\uD83D\uDE00", "1", "\uFF5E", "2", "a", "3"));
    assertThat(sts).isEqualTo("GETh/?a=3&\uFF5E=2&\uD83D\uDE00=1");
  }

  @Test
  void stringToSign_noParams_endsWithQuestionMark() {
    assertThat(V2Signature.stringToSign("POST", "h", "/", Map.of("Signature", "x")))
        .isEqualTo("POSTh/?");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "HmacSHA1",
        "hmacsha256",
        "HMACSHA256",
        "HmacSHA256 ",
        "HmacSHA512",
        "TC3-HMAC-SHA256"
      })
  void algorithmOf_anythingButExactHmacSha256_isSha1(String value) {
    assertThat(Algorithm.of(value)).isEqualTo(Algorithm.HMAC_SHA1);
  }

  @Test
  void algorithmOf_exactHmacSha256_isSha256() {
    assertThat(Algorithm.of("HmacSHA256")).isEqualTo(Algorithm.HMAC_SHA256);
  }
}
