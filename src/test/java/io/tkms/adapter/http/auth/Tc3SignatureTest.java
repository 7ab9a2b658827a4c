package io.tkms.adapter.http.auth;

import static io.tkms.adapter.http.auth.Tc3Capture.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.crypto.Hmacs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TC3 rules that the SDK captures do not exercise. Expected signatures were computed independently
 * with openssl, chaining the key derivation:
 *
 * <pre>
 * h() { printf '%s' "$2" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" | awk '{print $NF}'; }
 * KD=$(h $(printf TC3EXAMPLESECRETKEY | xxd -p) 2026-11-27); KS=$(h $KD kms); KG=$(h $KS tc3_request)
 * h $KG "$(printf 'TC3-HMAC-SHA256\n1795759200\n2026-11-27/kms/tc3_request\n%s' \
 *   $(openssl dgst -sha256 &lt; canonical-request.txt | awk '{print $NF}'))"
 * </pre>
 */
class Tc3SignatureTest {
  private static final long TS = 1795759200L; // 2026-11-27T06:40:00Z
  private static final long MIDNIGHT = 1795737600L; // 2026-11-27T00:00:00Z

  private static Tc3Capture request(
      String authorization, Map<String, String> headers, String body) {
    List<String[]> list = new ArrayList<>();
    headers.forEach((name, value) -> list.add(new String[] {name, value}));
    list.add(new String[] {"Authorization", authorization});
    list.add(new String[] {"X-TC-Timestamp", Long.toString(TS)});
    return new Tc3Capture("POST", null, list, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void signingKey_matchesOpensslDerivation() {
    assertThat(HexFormat.of().formatHex(Tc3Signature.signingKey(SECRET, "2026-11-27", "kms")))
        .isEqualTo("f6f957c298db541b926888304019b5bf0ed74b788f3c607ae417c3aeb3204112");
    assertThat(HexFormat.of().formatHex(Tc3Signature.signingKey(SECRET, "2026-11-27", "127")))
        .isEqualTo("968e102fd8b40ce7216a109bc4f1c50c0a746891339d7960301d5c64d5adbcd3");
  }

  @Test
  void unsignedPayload_verifiesWithAnyBody_andOnlyWithTheHeader() {
    // canonical request: POST / "" content-type:application/json; charset=utf-8
    // host:kms.tencentcloudapi.com, hashed payload sha256("UNSIGNED-PAYLOAD") = 438d4109...bb96
    Tc3Capture c =
        request(
            "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEID/2026-11-27/kms/tc3_request, "
                + "SignedHeaders=content-type;host, "
                + "Signature=240f622f50c93283acaf7ec184cac6f44460e95968f53db898d72a378669b4cc",
            Map.of(
                "Content-Type", "application/json; charset=utf-8",
                "Host", "kms.tencentcloudapi.com",
                "X-TC-Content-SHA256", "UNSIGNED-PAYLOAD"),
            "{\"KeyId\":\"k1\"}");
    assertThat(c.hashedPayload())
        .isEqualTo("438d4109ef0d676b8c2c7ed13cdfcb418e494d53b843d4634ce3b1085f07bb96");
    assertThat(c.verifies()).isTrue();
    assertThat(c.withBody("{\"KeyId\":\"k2\"}".getBytes(StandardCharsets.UTF_8)).verifies())
        .isTrue();
    assertThat(c.withBody(new byte[0]).verifies()).isTrue();
    assertThat(c.withHeader("X-TC-Content-SHA256", null).verifies()).isFalse();
    assertThat(c.withHeader("X-TC-Content-SHA256", "unsigned-payload").verifies()).isFalse();
    assertThat(c.withHeader("Host", "kms.ap-guangzhou.tencentcloudapi.com").verifies()).isFalse();
  }

  @Test
  void docStyleClient_signingLowerCasedActionValue_verifies() {
    // Signs x-tc-action:encrypt (Tencent's documented example style) but sends "Encrypt".
    String body = "{\"KeyId\":\"k1\",\"Plaintext\":\"aGk=\"}";
    Tc3Capture c =
        request(
            "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEID/2026-11-27/kms/tc3_request, "
                + "SignedHeaders=content-type;host;x-tc-action, "
                + "Signature=50b83ea24d978f5b22ed777366c9cdb0ce48ef5a37e1ff6598720a837074cb19",
            Map.of(
                "Content-Type", "application/json",
                "Host", "kms.tencentcloudapi.com",
                "X-TC-Action", "Encrypt"),
            body);
    assertThat(c.verifies()).isTrue();
    assertThat(c.withHeader("X-TC-Action", "Decrypt").verifies()).isFalse();
    assertThat(c.withHeader("X-TC-Action", null).verifies()).isFalse();
    assertThat(
            c.withBody("{\"KeyId\":\"k2\",\"Plaintext\":\"aGk=\"}".getBytes(StandardCharsets.UTF_8))
                .verifies())
        .isFalse();
  }

  @Test
  void canonicalRequest_missingSignedHeader_isNull_andNeverVerifies() {
    assertThat(
            Tc3Signature.canonicalRequest(
                "POST", null, Map.of("host", "h")::get, List.of("content-type", "host"), "00"))
        .isNull();
    Tc3Capture c = Tc3Capture.load("01").withHeader("Content-Type", null);
    assertThat(c.stringsToSign(c.timestamp())).isEmpty();
    assertThat(c.verifies()).isFalse();
  }

  @Test
  void canonicalRequest_methodIsUpperCased_andOnlyGetSignsTheQuery() {
    Map<String, String> h = Map.of("host", "H:1");
    assertThat(Tc3Signature.canonicalRequest("get", "b=2&a=1", h::get, List.of("host"), "p"))
        .isEqualTo("GET\n/\nb=2&a=1\nhost:h:1\n\nhost\np");
    assertThat(Tc3Signature.canonicalRequest("POST", "b=2&a=1", h::get, List.of("host"), "p"))
        .isEqualTo("POST\n/\n\nhost:h:1\n\nhost\np");
    assertThat(Tc3Signature.canonicalRequest("GET", null, h::get, List.of("host"), "p"))
        .isEqualTo("GET\n/\n\nhost:h:1\n\nhost\np");
  }

  @Test
  void stringToSign_hasTheFourLines() {
    assertThat(Tc3Signature.stringToSign(TS, "2026-11-27", "kms", ""))
        .isEqualTo(
            "TC3-HMAC-SHA256\n1795759200\n2026-11-27/kms/tc3_request\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void verify_acceptsOnlyLowerCaseHexOf64() {
    byte[] key = Tc3Signature.signingKey(SECRET, "2026-11-27", "kms");
    String sts = "TC3-HMAC-SHA256\n1\n2026-11-27/kms/tc3_request\nx";
    String good =
        HexFormat.of().formatHex(Hmacs.hmacSha256(key, sts.getBytes(StandardCharsets.UTF_8)));
    assertThat(Tc3Signature.verify(key, sts, good)).isTrue();
    assertThat(Tc3Signature.verify(key, sts, good.toUpperCase())).isFalse();
    assertThat(Tc3Signature.verify(key, sts, good.substring(1))).isFalse();
    assertThat(Tc3Signature.verify(key, sts, good + "0")).isFalse();
    assertThat(Tc3Signature.verify(key, sts, "g" + good.substring(1))).isFalse();
    assertThat(Tc3Signature.verify(key, sts, null)).isFalse();
    assertThat(Tc3Signature.verify(key, sts, "")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "2026-11-27, 1795737600, true", // first second of the day
    "2026-11-27, 1795823999, true", // last second of the day
    "2026-11-27, 1795759200, true",
    "2026-11-27, 1795737599, false", // one second before
    "2026-11-27, 1795824000, false", // next day
    "2026-11-26, 1795759200, false",
    "2026-11-28, 1795759200, false",
    "1970-01-01, 0, true",
    "1969-12-31, -1, true",
    "2026-11-27, 9223372036854775807, false",
    "2026-11-27, -9223372036854775808, false",
  })
  void scopeDateMatches_utcDayOfTimestamp(String date, long ts, boolean expected) {
    assertThat(Tc3Signature.scopeDateMatches(date, ts)).isEqualTo(expected);
  }

  @Test
  void scopeDateMismatch_isDetectedEvenWithAValidSignature() {
    // A signature made for another day's scope verifies cryptographically but must be refused.
    Tc3Capture c = Tc3Capture.load("01");
    long nextDay = MIDNIGHT + 86_400L + 5;
    assertThat(Tc3Signature.scopeDateMatches(c.authorization().date(), nextDay)).isFalse();
    assertThat(c.withHeader("X-TC-Timestamp", Long.toString(nextDay)).verifies()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {
        "127.0.0.1:18080, 127.0.0.1",
        "localhost:80, localhost",
        "[::1]:8443, [::1]",
        "' kms.tencentcloudapi.com:443 ', kms.tencentcloudapi.com",
        "kms.tencentcloudapi.com, NULL",
        "[::1], NULL",
        "::1, NULL",
        "fe80::1:80, NULL",
        "host:, NULL",
        ":80, NULL",
        "host:8a, NULL",
        "NULL, NULL",
      })
  void hostWithoutPort_stripsOnlyANumericPort(String host, String expected) {
    assertThat(Tc3Signature.hostWithoutPort(host)).isEqualTo(expected);
  }

  @Test
  void stringsToSign_unsignedHost_hasOneCandidate() {
    Tc3Capture c =
        Tc3Capture.load("01")
            .withAuthorization(
                a -> a.replace("SignedHeaders=content-type;host", "SignedHeaders=content-type"));
    assertThat(c.stringsToSign(c.timestamp())).hasSize(1);
  }
}
