package io.tkms.adapter.http.auth;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.time.Month;
import java.time.Year;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The parsed {@code Authorization} header of an API 3.0 request: {@code TC3-HMAC-SHA256
 * Credential=<SecretId>/<yyyy-MM-dd>/<service>/tc3_request, SignedHeaders=<a;b>, Signature=<64
 * lower-case hex>}.
 *
 * <p>The three parts must come in that order; spaces and tabs around the commas are optional and
 * may repeat. The algorithm name, the part names and the {@code tc3_request} terminator are
 * case-sensitive. Header names in {@code SignedHeaders} are lower-cased (their canonical form) and
 * keep the client's order, which is the order they were signed in.
 *
 * <p>Immutable value; {@link #parse} is thread safe. None of the fields is secret (the signature
 * travels in clear), so {@link #toString()} is the record default.
 *
 * @param secretId the client's SecretId (not yet checked to exist)
 * @param date the scope date as sent, a valid calendar date {@code yyyy-MM-dd}
 * @param service the scope service as sent: the SDKs derive it from the endpoint's first label, so
 *     it is {@code kms} for real endpoints but e.g. {@code 127} or {@code localhost:18080} locally
 * @param signedHeaders lower-case header names, non-empty, without duplicates, in the given order
 * @param signature the signature, 64 lower-case hex characters
 */
public record Tc3Authorization(
    String secretId, String date, String service, List<String> signedHeaders, String signature) {

  /** The one algorithm name of signature v3. */
  public static final String ALGORITHM = "TC3-HMAC-SHA256";

  /** Last element of every credential scope. */
  public static final String TERMINATOR = "tc3_request";

  /** Far above any genuine header (~200 chars); bounds the work spent on junk. */
  static final int MAX_LENGTH = 4096;

  private static final String CREDENTIAL = "Credential=";
  private static final String SIGNED_HEADERS = "SignedHeaders=";
  private static final String SIGNATURE = "Signature=";

  public Tc3Authorization {
    Objects.requireNonNull(secretId, "secretId");
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(signature, "signature");
    signedHeaders = List.copyOf(signedHeaders);
  }

  /** {@code <date>/<service>/tc3_request}, the scope line of the string-to-sign. */
  public String credentialScope() {
    return date + "/" + service + "/" + TERMINATOR;
  }

  /**
   * Parses an {@code Authorization} header value.
   *
   * @param header the header value as received, or null when absent
   * @throws KmsException {@link ErrorCode#INVALID_AUTHORIZATION} for anything but the form above:
   *     absent or over-long header, another algorithm, a missing, misplaced or empty part, a
   *     credential that is not four {@code /}-separated elements ending in {@code tc3_request}, an
   *     empty SecretId or service, an impossible date, an empty or duplicate signed header name, or
   *     a signature that is not 64 lower-case hex characters
   */
  public static Tc3Authorization parse(String header) {
    if (header == null || header.length() > MAX_LENGTH) {
      throw invalid();
    }
    String s = stripBlanks(header);
    if (!s.startsWith(ALGORITHM)
        || s.length() == ALGORITHM.length()
        || !isBlank(s.charAt(ALGORITHM.length()))) {
      throw invalid();
    }
    String[] parts = s.substring(ALGORITHM.length()).split(",", -1);
    if (parts.length != 3) {
      throw invalid();
    }
    String credential = value(parts[0], CREDENTIAL);
    String signedHeaders = value(parts[1], SIGNED_HEADERS);
    String signature = value(parts[2], SIGNATURE);

    String[] scope = credential.split("/", -1);
    if (scope.length != 4 || !TERMINATOR.equals(scope[3])) {
      throw invalid();
    }
    String secretId = scope[0];
    String service = scope[2];
    if (secretId.isEmpty() || service.isEmpty() || !isDate(scope[1]) || !isLowerHex64(signature)) {
      throw invalid();
    }
    return new Tc3Authorization(secretId, scope[1], service, headerNames(signedHeaders), signature);
  }

  /** The value of {@code name=value} after blanks are stripped around it; never empty. */
  private static String value(String part, String name) {
    String p = stripBlanks(part);
    if (!p.startsWith(name) || p.length() == name.length()) {
      throw invalid();
    }
    String v = p.substring(name.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= 0x20 || c >= 0x7f) { // visible ASCII only: no inner blanks, controls or non-ASCII
        throw invalid();
      }
    }
    return v;
  }

  private static List<String> headerNames(String value) {
    String[] names = value.split(";", -1);
    List<String> out = new ArrayList<>(names.length);
    // Genuine requests sign two to four headers: a list look-up is cheaper than a set then.
    Set<String> seen = names.length > 8 ? new HashSet<>() : null;
    for (String n : names) {
      if (n.isEmpty() || !isToken(n)) {
        throw invalid();
      }
      String lower = n.toLowerCase(Locale.ROOT);
      if (seen != null ? !seen.add(lower) : out.contains(lower)) {
        throw invalid();
      }
      out.add(lower);
    }
    return out;
  }

  /** {@code yyyy-MM-dd}, a real calendar day (no 2026-02-30), without a formatter per request. */
  static boolean isDate(String s) {
    if (s.length() != 10) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      char c = s.charAt(i);
      boolean ok = (i == 4 || i == 7) ? c == '-' : c >= '0' && c <= '9';
      if (!ok) {
        return false;
      }
    }
    int year = Integer.parseInt(s, 0, 4, 10);
    int month = Integer.parseInt(s, 5, 7, 10);
    int day = Integer.parseInt(s, 8, 10, 10);
    return month >= 1
        && month <= 12
        && day >= 1
        && day <= Month.of(month).length(Year.isLeap(year));
  }

  static boolean isLowerHex64(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 {@code token}: the characters a header field name may use. */
  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static String stripBlanks(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isBlank(s.charAt(from))) {
      from++;
    }
    while (to > from && isBlank(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  private static KmsException invalid() {
    return ErrorCode.INVALID_AUTHORIZATION.exception();
  }
}
