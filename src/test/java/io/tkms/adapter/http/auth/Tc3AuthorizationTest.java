package io.tkms.adapter.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Tc3AuthorizationTest {
  private static final String SIG =
      "fb4861f6c3fc9cac26f3aaf65cc960004bf373a6035a2cbbce49c22c1f5116bf";
  private static final String CRED = "Credential=AKIDEXAMPLEID/2026-11-27/127/tc3_request";
  private static final String GOOD =
      "TC3-HMAC-SHA256 " + CRED + ", SignedHeaders=content-type;host, Signature=" + SIG;

  @Test
  void parse_sdkHeader_givesAllFields() {
    Tc3Authorization a = Tc3Authorization.parse(GOOD);
    assertThat(a.secretId()).isEqualTo("AKIDEXAMPLEID");
    assertThat(a.date()).isEqualTo("2026-11-27");
    assertThat(a.service()).isEqualTo("127");
    assertThat(a.signedHeaders()).containsExactly("content-type", "host");
    assertThat(a.signature()).isEqualTo(SIG);
    assertThat(a.credentialScope()).isEqualTo("2026-11-27/127/tc3_request");
  }

  @Test
  void parse_serviceWithPort_isKept() {
    Tc3Authorization a = Tc3Authorization.parse(GOOD.replace("/127/", "/localhost:18080/"));
    assertThat(a.service()).isEqualTo("localhost:18080");
  }

  @Test
  void parse_flexibleBlanksAroundCommas_andUpperCaseHeaderNames_areAccepted() {
    Tc3Authorization a =
        Tc3Authorization.parse(
            "  TC3-HMAC-SHA256 \t "
                + CRED
                + ",SignedHeaders=Content-Type;HOST;x-tc-action"
                + " ,\t  Signature="
                + SIG
                + " ");
    assertThat(a.signedHeaders()).containsExactly("content-type", "host", "x-tc-action");
    assertThat(a.secretId()).isEqualTo("AKIDEXAMPLEID");
  }

  @Test
  void parse_keepsTheSignedHeaderOrder() {
    Tc3Authorization a =
        Tc3Authorization.parse(GOOD.replace("content-type;host", "host;x-tc-action;content-type"));
    assertThat(a.signedHeaders()).containsExactly("host", "x-tc-action", "content-type");
  }

  static Stream<Arguments> badHeaders() {
    String sh = ", SignedHeaders=content-type;host";
    String sig = ", Signature=" + SIG;
    return Stream.of(
        Arguments.of("absent", null),
        Arguments.of("empty", ""),
        Arguments.of("blank", "   "),
        Arguments.of("other scheme", "Bearer abc"),
        Arguments.of("other algorithm", "TC3-HMAC-SHA1 " + CRED + sh + sig),
        Arguments.of("lower-case algorithm", "tc3-hmac-sha256 " + CRED + sh + sig),
        Arguments.of("no blank after algorithm", "TC3-HMAC-SHA256" + CRED + sh + sig),
        Arguments.of("algorithm only", "TC3-HMAC-SHA256"),
        Arguments.of("missing Signature", "TC3-HMAC-SHA256 " + CRED + sh),
        Arguments.of("missing SignedHeaders", "TC3-HMAC-SHA256 " + CRED + sig),
        Arguments.of("missing Credential", "TC3-HMAC-SHA256 SignedHeaders=host" + sig),
        Arguments.of("parts reordered", "TC3-HMAC-SHA256 " + sh.substring(2) + ", " + CRED + sig),
        Arguments.of("extra part", "TC3-HMAC-SHA256 " + CRED + sh + sig + ", Foo=bar"),
        Arguments.of("trailing comma", "TC3-HMAC-SHA256 " + CRED + sh + sig + ","),
        Arguments.of(
            "blank around '='",
            "TC3-HMAC-SHA256 Credential = AKID/2026-11-27/kms/tc3_request" + sh + sig),
        Arguments.of(
            "lower-case part name",
            "TC3-HMAC-SHA256 credential=AKID/2026-11-27/kms/tc3_request" + sh + sig),
        Arguments.of(
            "empty SecretId", "TC3-HMAC-SHA256 Credential=/2026-11-27/kms/tc3_request" + sh + sig),
        Arguments.of(
            "empty service", "TC3-HMAC-SHA256 Credential=AKID/2026-11-27//tc3_request" + sh + sig),
        Arguments.of("empty credential", "TC3-HMAC-SHA256 Credential=" + sh + sig),
        Arguments.of(
            "scope not tc3_request",
            "TC3-HMAC-SHA256 Credential=AKID/2026-11-27/kms/aws4_request" + sh + sig),
        Arguments.of(
            "scope terminator upper-case",
            "TC3-HMAC-SHA256 Credential=AKID/2026-11-27/kms/TC3_REQUEST" + sh + sig),
        Arguments.of(
            "scope without terminator",
            "TC3-HMAC-SHA256 Credential=AKID/2026-11-27/kms" + sh + sig),
        Arguments.of(
            "scope with five elements",
            "TC3-HMAC-SHA256 Credential=AKID/x/2026-11-27/kms/tc3_request" + sh + sig),
        Arguments.of(
            "date month 13",
            "TC3-HMAC-SHA256 Credential=AKID/2026-13-01/kms/tc3_request" + sh + sig),
        Arguments.of(
            "date Feb 30", "TC3-HMAC-SHA256 Credential=AKID/2026-02-30/kms/tc3_request" + sh + sig),
        Arguments.of(
            "date compact", "TC3-HMAC-SHA256 Credential=AKID/20261127/kms/tc3_request" + sh + sig),
        Arguments.of(
            "date unpadded",
            "TC3-HMAC-SHA256 Credential=AKID/2026-1-27/kms/tc3_request" + sh + sig),
        Arguments.of(
            "date non-ASCII digits",
            "TC3-HMAC-SHA256 Credential=AKID/２026-11-27/kms/tc3_request" + sh + sig),
        Arguments.of(
            "blank inside credential",
            "TC3-HMAC-SHA256 Credential=AKID /2026-11-27/kms/tc3_request" + sh + sig),
        Arguments.of(
            "non-ASCII SecretId",
            "TC3-HMAC-SHA256 Credential=AKIDé/2026-11-27/kms/tc3_request" + sh + sig),
        Arguments.of("empty SignedHeaders", "TC3-HMAC-SHA256 " + CRED + ", SignedHeaders=" + sig),
        Arguments.of(
            "empty signed header name",
            "TC3-HMAC-SHA256 " + CRED + ", SignedHeaders=content-type;;host" + sig),
        Arguments.of(
            "trailing ';'", "TC3-HMAC-SHA256 " + CRED + ", SignedHeaders=content-type;host;" + sig),
        Arguments.of(
            "bad header name",
            "TC3-HMAC-SHA256 " + CRED + ", SignedHeaders=content-type;ho:st" + sig),
        Arguments.of(
            "duplicate signed header",
            "TC3-HMAC-SHA256 " + CRED + ", SignedHeaders=host;Host" + sig),
        Arguments.of(
            "upper-case hex signature",
            "TC3-HMAC-SHA256 " + CRED + sh + ", Signature=" + SIG.toUpperCase()),
        Arguments.of(
            "63 hex chars", "TC3-HMAC-SHA256 " + CRED + sh + ", Signature=" + SIG.substring(1)),
        Arguments.of("65 hex chars", "TC3-HMAC-SHA256 " + CRED + sh + ", Signature=" + SIG + "0"),
        Arguments.of(
            "non-hex signature",
            "TC3-HMAC-SHA256 " + CRED + sh + ", Signature=g" + SIG.substring(1)),
        Arguments.of(
            "base64 signature",
            "TC3-HMAC-SHA256 "
                + CRED
                + sh
                + ", Signature=r0aj1hwIkscSCMsElx5FeKQCOkKjtofr8hrxcnpwd8o="),
        Arguments.of("empty signature", "TC3-HMAC-SHA256 " + CRED + sh + ", Signature="),
        Arguments.of("over-long", longHeader(Tc3Authorization.MAX_LENGTH + 1)));
  }

  /** A well-formed header of exactly {@code length} characters (long SecretId). */
  private static String longHeader(int length) {
    String rest = "/2026-11-27/kms/tc3_request, SignedHeaders=host, Signature=" + SIG;
    String prefix = "TC3-HMAC-SHA256 Credential=";
    return prefix + "A".repeat(length - prefix.length() - rest.length()) + rest;
  }

  @Test
  void parse_headerOfMaximumLength_succeeds() {
    String h = longHeader(Tc3Authorization.MAX_LENGTH);
    assertThat(h).hasSize(Tc3Authorization.MAX_LENGTH);
    assertThat(Tc3Authorization.parse(h).service()).isEqualTo("kms");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHeaders")
  void parse_malformedHeader_failsWithInvalidAuthorization(String why, String header) {
    assertThatThrownBy(() -> Tc3Authorization.parse(header))
        .isInstanceOf(KmsException.class)
        .satisfies(
            e -> assertThat(((KmsException) e).code()).isEqualTo(ErrorCode.INVALID_AUTHORIZATION));
  }

  @Test
  void invalidAuthorization_hasTheApi3CodeAndTheAuthFailureV2Code() {
    assertThat(ErrorCode.INVALID_AUTHORIZATION.v3Code())
        .isEqualTo("AuthFailure.InvalidAuthorization");
    assertThat(ErrorCode.INVALID_AUTHORIZATION.v2Code()).isEqualTo(4100);
    assertThat(ErrorCode.INVALID_AUTHORIZATION.v2Module()).isEqualTo(10030);
  }

  @Test
  void parse_everyCaptureHeader_succeeds() {
    for (String id : Tc3Capture.IDS) {
      Tc3Authorization a = Tc3Capture.load(id).authorization();
      assertThat(a.signedHeaders()).as(id).containsExactly("content-type", "host");
      assertThat(a.date()).as(id).isEqualTo("2026-11-27");
    }
  }

  @Test
  void scopeDatesAreRealCalendarDaysAsIsoParsingSaysIncludingLeapYears() {
    // Every yyyy-MM-dd string with day 00-31 and month 00-13 of years with all the leap rules.
    for (int year : new int[] {0, 1900, 2000, 2024, 2026, 2100, 9999}) {
      for (int month = 0; month <= 13; month++) {
        for (int day = 0; day <= 32; day++) {
          String s = String.format("%04d-%02d-%02d", year, month, day);
          boolean iso;
          try {
            java.time.LocalDate.parse(s);
            iso = true;
          } catch (java.time.format.DateTimeParseException e) {
            iso = false;
          }
          assertThat(Tc3Authorization.isDate(s)).as(s).isEqualTo(iso);
        }
      }
    }
  }
}
