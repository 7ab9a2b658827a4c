package io.tkms.adapter.http.auth;

import static io.tkms.adapter.http.auth.Tc3Capture.SECRET;
import static io.tkms.adapter.http.auth.Tc3Capture.other;
import static io.tkms.adapter.http.auth.Tc3Capture.replaceAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TC3-signed requests captured from the official Java and Node SDKs
 * (src/test/resources/sdk-captures, SecretKey {@code EXAMPLESECRETKEY}) verify exactly as received
 * at their own {@code X-TC-Timestamp}, and stop verifying after any single change of what they
 * signed.
 */
class Tc3SignatureCaptureTest {
  static Stream<String> ids() {
    return Tc3Capture.IDS.stream();
  }

  static Stream<String> postIds() {
    return ids().filter(id -> Tc3Capture.load(id).method().equals("POST"));
  }

  static Stream<String> getIds() {
    return ids().filter(id -> Tc3Capture.load(id).method().equals("GET"));
  }

  @ParameterizedTest
  @MethodSource("ids")
  void capture_asReceived_verifies(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    Tc3Authorization auth = c.authorization();
    assertThat(auth.secretId()).isEqualTo("AKIDEXAMPLEID");
    assertThat(Tc3Signature.scopeDateMatches(auth.date(), c.timestamp())).isTrue();
    assertThat(c.verifies()).isTrue();
  }

  @Test
  void capture01_canonicalRequest_isTheSdkOne() {
    Tc3Capture c = Tc3Capture.load("01");
    assertThat(c.canonicalRequest())
        .isEqualTo(
            "POST\n/\n\n"
                + "content-type:application/json; charset=utf-8\nhost:127.0.0.1:18080\n\n"
                + "content-type;host\n"
                + "1ea97f969596114968a56bc737c1dec29db2fbd3a4d8ea12767902bef8c3e72a");
    assertThat(c.stringsToSign(c.timestamp()))
        .containsExactly(
            "TC3-HMAC-SHA256\n1795759126\n2026-11-27/127/tc3_request\n"
                + "b5b1e6ba9c857e0f31d2cb8451fb8ec6643da47cc1c66e6a3eb50779cba318b1",
            "TC3-HMAC-SHA256\n1795759126\n2026-11-27/127/tc3_request\n"
                + "a36a6b8d0d8145dbec50b6438a36dbacf2f4a08fc89ba0199a960009bf744f09");
  }

  @Test
  void capture01_javaSignsHostWithPort_verifiesOnlyAsSent() {
    Tc3Capture c = Tc3Capture.load("01");
    assertThat(c.verifies()).isTrue();
    assertThat(c.withHeader("Host", "127.0.0.1").verifies()).isFalse();
    assertThat(c.withHeader("Host", "127.0.0.1:18081").verifies()).isFalse();
  }

  @Test
  void capture02_getUnsortedRawQuery_verifies() {
    Tc3Capture c = Tc3Capture.load("02");
    assertThat(c.rawQuery())
        .isEqualTo("Plaintext=aGVsbG8gd29ybGQ%3D&KeyId=23e80852-1e38-11e9-b129-5cb9019b4b01");
    assertThat(c.verifies()).isTrue();
    // A server that sorted or decoded the query would not match what the SDK signed.
    assertThat(
            c.withQuery("KeyId=23e80852-1e38-11e9-b129-5cb9019b4b01&Plaintext=aGVsbG8gd29ybGQ%3D")
                .verifies())
        .isFalse();
    assertThat(
            c.withQuery("Plaintext=aGVsbG8gd29ybGQ=&KeyId=23e80852-1e38-11e9-b129-5cb9019b4b01")
                .verifies())
        .isFalse();
  }

  @Test
  void capture05_localhostServiceWithPort_verifies() {
    Tc3Capture c = Tc3Capture.load("05");
    assertThat(c.authorization().service()).isEqualTo("localhost:18080");
    assertThat(c.verifies()).isTrue();
    assertThat(c.withAuthorization(a -> a.replace("/localhost:18080/", "/localhost/")).verifies())
        .isFalse();
    assertThat(c.withAuthorization(a -> a.replace("/localhost:18080/", "/kms/")).verifies())
        .isFalse();
  }

  @Test
  void capture07_getFlattenedArray_verifies() {
    Tc3Capture c = Tc3Capture.load("07");
    assertThat(c.rawQuery()).isEqualTo("KeyIds.0=k1&KeyIds.1=k2");
    assertThat(c.verifies()).isTrue();
    assertThat(c.withQuery("KeyIds.1=k2&KeyIds.0=k1").verifies()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("enUsIds")
  void capture_enUsLanguage_verifies(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    assertThat(c.header("X-TC-Language")).isEqualTo("en-US");
    assertThat(c.verifies()).isTrue();
  }

  static Stream<String> enUsIds() {
    return Stream.of("10", "11", "12", "13");
  }

  @Test
  void capture12_getNestedArrayUnsortedQuery_verifies() {
    Tc3Capture c = Tc3Capture.load("12");
    assertThat(c.verifies()).isTrue();
    String[] pairs = c.rawQuery().split("&");
    Arrays.sort(pairs);
    assertThat(c.withQuery(String.join("&", pairs)).verifies()).isFalse();
  }

  @Test
  void capture15_nodeHostWithoutPort_verifies() {
    Tc3Capture c = Tc3Capture.load("15");
    assertThat(c.header("Host")).isEqualTo("127.0.0.1:18080");
    assertThat(c.verifies()).isTrue();
    // It is the second candidate (host without port) that matches.
    List<String> candidates = c.stringsToSign(c.timestamp());
    Tc3Authorization auth = c.authorization();
    byte[] key = Tc3Signature.signingKey(SECRET, auth.date(), auth.service());
    assertThat(candidates).hasSize(2);
    assertThat(Tc3Signature.verify(key, candidates.get(0), auth.signature())).isFalse();
    assertThat(Tc3Signature.verify(key, candidates.get(1), auth.signature())).isTrue();
    // Also when a proxy forwards the bare host.
    assertThat(c.withHeader("Host", "127.0.0.1").verifies()).isTrue();
  }

  @Test
  void capture16_nodeHostWithoutPort_verifies() {
    Tc3Capture c = Tc3Capture.load("16");
    assertThat(c.verifies()).isTrue();
    assertThat(c.withHeader("Host", "127.0.0.2:18080").verifies()).isFalse();
  }

  @Test
  void capture15_nodeDoesNotSignThePort_soAnyPortVerifies() {
    // The price of accepting the Node SDK: its port is not authenticated.
    Tc3Capture c = Tc3Capture.load("15");
    assertThat(c.withHeader("Host", "127.0.0.1:9999").verifies()).isTrue();
    assertThat(c.withHeader("Host", "127.0.0.1:").verifies()).isFalse();
  }

  @Test
  void capture01_caseOnlyChangeOfSignedHeaderValue_stillVerifies() {
    // Values are lower-cased before signing (Tencent's documented rule): letter case is not signed.
    Tc3Capture c = Tc3Capture.load("01");
    assertThat(c.withHeader("Content-Type", "Application/JSON; Charset=UTF-8").verifies()).isTrue();
    assertThat(c.withHeader("Content-Type", "  application/json; charset=utf-8 ").verifies())
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("postIds")
  void capture_postBodyChangedInAnyByte_fails(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    byte[] body = c.body();
    assertThat(body).isNotEmpty();
    for (int i = 0; i < body.length; i++) {
      byte[] changed = body.clone();
      changed[i] ^= 0x01;
      assertThat(c.withBody(changed).verifies()).as("byte %d", i).isFalse();
    }
    assertThat(c.withBody(Arrays.copyOf(body, body.length + 1)).verifies()).isFalse();
    assertThat(c.withBody(Arrays.copyOf(body, body.length - 1)).verifies()).isFalse();
    assertThat(c.withBody(new byte[0]).verifies()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("getIds")
  void capture_getQueryChangedInAnyByte_fails(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    String q = c.rawQuery();
    for (int i = 0; i < q.length(); i++) {
      assertThat(c.withQuery(replaceAt(q, i, other(q.charAt(i)))).verifies())
          .as("query[%d]", i)
          .isFalse();
    }
    assertThat(c.withQuery(q + "&").verifies()).isFalse();
    assertThat(c.withQuery(q.substring(1)).verifies()).isFalse();
    assertThat(c.withQuery(null).verifies()).isFalse();
    // A GET body is not signed as such: the server must ignore it, but its hash is still signed.
    assertThat(c.withBody("x".getBytes(StandardCharsets.UTF_8)).verifies()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("ids")
  void capture_signedHeaderValueChangedInAnyByte_fails(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    for (String name : c.authorization().signedHeaders()) {
      String v = c.header(name);
      for (int i = 0; i < v.length(); i++) {
        assertThat(c.withHeader(name, replaceAt(v, i, other(v.charAt(i)))).verifies())
            .as("%s[%d]", name, i)
            .isFalse();
      }
      assertThat(c.withHeader(name, v + "x").verifies()).as("%s appended", name).isFalse();
      assertThat(c.withHeader(name, null).verifies()).as("%s removed", name).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("ids")
  void capture_timestampChanged_fails(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    long ts = c.timestamp();
    // Same UTC day: the scope date still matches, only the signature can catch it.
    assertThat(c.signatureVerifies(SECRET, ts)).isTrue();
    assertThat(c.signatureVerifies(SECRET, ts + 1)).isFalse();
    assertThat(c.signatureVerifies(SECRET, ts - 1)).isFalse();
    String t = c.header("X-TC-Timestamp");
    for (int i = 0; i < t.length(); i++) {
      char d = (char) ('0' + (t.charAt(i) - '0' + 1) % 10);
      assertThat(c.withHeader("X-TC-Timestamp", replaceAt(t, i, d)).verifies())
          .as("timestamp[%d]", i)
          .isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("ids")
  void capture_signatureChangedInAnyHexDigit_fails(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    String sig = c.authorization().signature();
    for (int i = 0; i < sig.length(); i++) {
      char d = sig.charAt(i) == '0' ? '1' : '0';
      String changed = replaceAt(sig, i, d);
      assertThat(c.withAuthorization(a -> a.replace(sig, changed)).verifies())
          .as("signature[%d]", i)
          .isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("ids")
  void capture_secretKeyChangedInAnyByte_fails(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    for (int i = 0; i < SECRET.length; i++) {
      byte[] wrong = SECRET.clone();
      wrong[i] ^= 0x01;
      assertThat(c.verifies(wrong)).as("secret[%d]", i).isFalse();
    }
    byte[] longer = Arrays.copyOf(SECRET, SECRET.length + 1);
    longer[SECRET.length] = 'x'; // not 0: HMAC zero-pads its key, so K and K||0x00 are one key
    assertThat(c.verifies(longer)).isFalse();
    assertThat(c.verifies(Arrays.copyOf(SECRET, SECRET.length - 1))).isFalse();
  }

  @ParameterizedTest
  @MethodSource("ids")
  void capture_scopeOrMethodChanged_fails(String id) {
    Tc3Capture c = Tc3Capture.load(id);
    Tc3Authorization auth = c.authorization();
    long ts = c.timestamp();
    Tc3Capture otherDay = c.withAuthorization(a -> a.replace("/2026-11-27/", "/2026-11-28/"));
    assertThat(otherDay.verifies()).isFalse();
    assertThat(otherDay.signatureVerifies(SECRET, ts)).isFalse();
    String svc = "/" + auth.service() + "/";
    assertThat(c.withAuthorization(a -> a.replace(svc, "/kms/")).signatureVerifies(SECRET, ts))
        .isFalse();
    assertThat(c.withAuthorization(a -> a.replace("AKIDEXAMPLEID", "AKIDOTHER")).verifies())
        .as("SecretId is not signed; it only selects the key")
        .isTrue();
    assertThat(c.withMethod(c.method().equals("GET") ? "POST" : "GET").verifies()).isFalse();
    assertThat(
            c.withAuthorization(
                    a -> a.replace("SignedHeaders=content-type;host", "SignedHeaders=host"))
                .verifies())
        .isFalse();
  }
}
