package io.tkms.adapter.http.auth;

import io.tkms.crypto.ConstantTime;
import io.tkms.crypto.Hmacs;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The Tencent Cloud API 3.0 signature, TC3-HMAC-SHA256, checked the way the official SDKs produce
 * it (golden vectors: the Java and Node captures in {@code src/test/resources/sdk-captures}).
 *
 * <p>Server-side rules, each decided against the captures or the SDK sources:
 *
 * <ul>
 *   <li>Canonical header values are trimmed and <b>lower-cased</b>. Tencent's documentation does so
 *       in its example ({@code x-tc-action:describeinstances}) and the hand-written clients that
 *       copy it sign {@code x-tc-action} lower-cased while sending {@code X-TC-Action: Encrypt}, so
 *       the real gateway must lower-case too. The SDK captures verify under either rule (every
 *       value they sign is already lower-case); lower-casing is the one that accepts both kinds of
 *       client. The price: a change of letter case alone in a signed header value goes unnoticed,
 *       which is harmless for {@code content-type}, {@code host} and action names.
 *   <li>GET signs the query string exactly as received (the Java SDK does not sort it); every other
 *       method signs an empty query, so a caller must not read parameters from the query of a POST.
 *   <li>{@code X-TC-Content-SHA256: UNSIGNED-PAYLOAD} replaces the body hash by the SHA-256 of the
 *       literal {@code UNSIGNED-PAYLOAD} (Java and Go SDKs). The body is then not authenticated;
 *       whether to accept such requests at all is the caller's policy.
 *   <li>The Node SDK signs {@code host} without the port it sends, so a {@code Host} with a port is
 *       tried as sent and then without the port ({@link #stringsToSign}). For such clients the port
 *       is therefore not authenticated.
 *   <li>Date and service come from the client's credential scope (the SDKs derive the service from
 *       the endpoint's first label: {@code 127}, {@code localhost:18080}); the date must be the UTC
 *       day of {@code X-TC-Timestamp} ({@link #scopeDateMatches}).
 * </ul>
 *
 * <p>Stateless and thread safe; HMAC and SHA-256 come from {@code io.tkms.crypto}. Throws no {@code
 * KmsException}: a mismatch, a missing signed header or a malformed signature are all {@code
 * false}, which the caller maps to {@code SIGNATURE_FAILURE}. Null arguments other than those
 * documented as nullable are programming errors ({@link NullPointerException}).
 */
public final class Tc3Signature {
  /** The {@code X-TC-Content-SHA256} value by which a client opts out of hashing the body. */
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  /** Lower-case name of the header carrying {@link #UNSIGNED_PAYLOAD}. */
  public static final String CONTENT_SHA256 = "x-tc-content-sha256";

  private static final String UNSIGNED_PAYLOAD_HASH =
      Hmacs.sha256Hex(UNSIGNED_PAYLOAD.getBytes(StandardCharsets.US_ASCII));
  private static final byte[] KEY_PREFIX = "TC3".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TERMINATOR =
      Tc3Authorization.TERMINATOR.getBytes(StandardCharsets.US_ASCII);
  private static final long SECONDS_PER_DAY = 86_400L;

  private Tc3Signature() {}

  /**
   * The HashedRequestPayload: lower-hex SHA-256 of {@code body}, or of the literal {@code
   * UNSIGNED-PAYLOAD} when the {@code x-tc-content-sha256} header is exactly that (after trimming).
   *
   * @param body the raw body bytes as received (empty for GET)
   * @param header lower-case header name to its value, or null when absent
   */
  public static String hashedPayload(byte[] body, Function<String, String> header) {
    if (isUnsignedPayload(header.apply(CONTENT_SHA256))) {
      return UNSIGNED_PAYLOAD_HASH;
    }
    return Hmacs.sha256Hex(body);
  }

  /** Whether an {@code X-TC-Content-SHA256} value (null when absent) asks for an unsigned body. */
  public static boolean isUnsignedPayload(String contentSha256) {
    return contentSha256 != null && contentSha256.trim().equals(UNSIGNED_PAYLOAD);
  }

  /**
   * The CanonicalRequest, or null when a signed header is absent from the request (such a request
   * cannot verify).
   *
   * @param method the HTTP method; upper-cased here
   * @param rawQuery the query string as received, without {@code ?}, not decoded; null means none;
   *     only GET signs it
   * @param header lower-case header name to its value as received, or null when absent; for a
   *     repeated header the value the rest of the server acts on (callers had best refuse a request
   *     that repeats a signed header)
   * @param signedHeaders lower-case names, in the order the client signed them
   * @param hashedPayload see {@link #hashedPayload}
   */
  public static String canonicalRequest(
      String method,
      String rawQuery,
      Function<String, String> header,
      List<String> signedHeaders,
      String hashedPayload) {
    String m = method.toUpperCase(Locale.ROOT);
    String query = m.equals("GET") && rawQuery != null ? rawQuery : "";
    StringBuilder sb = new StringBuilder(256 + query.length());
    sb.append(m).append("\n/\n").append(query).append('\n');
    for (String name : signedHeaders) {
      String value = header.apply(name);
      if (value == null) {
        return null;
      }
      sb.append(name).append(':').append(value.trim().toLowerCase(Locale.ROOT)).append('\n');
    }
    sb.append('\n').append(String.join(";", signedHeaders)).append('\n');
    return sb.append(Objects.requireNonNull(hashedPayload, "hashedPayload")).toString();
  }

  /**
   * {@code TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n<hex sha256(canonical)>}.
   */
  public static String stringToSign(
      long timestamp, String date, String service, String canonicalRequest) {
    return Tc3Authorization.ALGORITHM
        + '\n'
        + timestamp
        + '\n'
        + date
        + '/'
        + service
        + '/'
        + Tc3Authorization.TERMINATOR
        + '\n'
        + Hmacs.sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code HMAC(HMAC(HMAC("TC3" + secretKey, date), service), "tc3_request")}. The intermediate
   * keys are zeroed; the caller owns the returned 32 bytes (a secret: zero it or keep it safe).
   *
   * @param secretKey the SecretKey as UTF-8 bytes; read, not kept
   */
  public static byte[] signingKey(byte[] secretKey, String date, String service) {
    byte[] k = new byte[KEY_PREFIX.length + secretKey.length];
    System.arraycopy(KEY_PREFIX, 0, k, 0, KEY_PREFIX.length);
    System.arraycopy(secretKey, 0, k, KEY_PREFIX.length, secretKey.length);
    byte[] kDate = Hmacs.hmacSha256(k, date.getBytes(StandardCharsets.UTF_8));
    Arrays.fill(k, (byte) 0);
    byte[] kService = Hmacs.hmacSha256(kDate, service.getBytes(StandardCharsets.UTF_8));
    Arrays.fill(kDate, (byte) 0);
    byte[] kSigning = Hmacs.hmacSha256(kService, TERMINATOR);
    Arrays.fill(kService, (byte) 0);
    return kSigning;
  }

  /**
   * Whether {@code hexSignature} is the HMAC of {@code stringToSign} under {@code signingKey}. Only
   * 64 lower-case hex characters are accepted (the SDKs' spelling, and the one spelling a replay
   * cache can key on); anything else, null included, is {@code false}. The MAC comparison is
   * constant time.
   */
  public static boolean verify(byte[] signingKey, String stringToSign, String hexSignature) {
    byte[] expected = Hmacs.hmacSha256(signingKey, stringToSign.getBytes(StandardCharsets.UTF_8));
    if (!Tc3Authorization.isLowerHex64(hexSignature)) {
      return false;
    }
    return ConstantTime.equals(expected, HexFormat.of().parseHex(hexSignature));
  }

  /**
   * Whether the scope {@code date} is the UTC day of {@code timestamp} (Unix seconds). Callers
   * answer {@code AuthFailure.SignatureFailure} otherwise.
   */
  public static boolean scopeDateMatches(String date, long timestamp) {
    try {
      return LocalDate.ofEpochDay(Math.floorDiv(timestamp, SECONDS_PER_DAY))
          .toString()
          .equals(date);
    } catch (DateTimeException e) {
      return false; // beyond LocalDate's range: no valid scope date can match
    }
  }

  /**
   * The strings-to-sign a genuine client of this request may have signed: one, or two when {@code
   * host} is signed and the {@code Host} value has a port (as sent first, then without the port,
   * for the Node SDK); none when a signed header is absent.
   *
   * @param timestamp {@code X-TC-Timestamp}, parsed strictly by the caller
   * @see #canonicalRequest for the other parameters
   */
  public static List<String> stringsToSign(
      Tc3Authorization auth,
      long timestamp,
      String method,
      String rawQuery,
      Function<String, String> header,
      String hashedPayload) {
    List<String> names = auth.signedHeaders();
    String asSent = canonicalRequest(method, rawQuery, header, names, hashedPayload);
    if (asSent == null) {
      return List.of();
    }
    String first = stringToSign(timestamp, auth.date(), auth.service(), asSent);
    String bareHost = names.contains("host") ? hostWithoutPort(header.apply("host")) : null;
    if (bareHost == null) {
      return List.of(first);
    }
    Function<String, String> portless = n -> n.equals("host") ? bareHost : header.apply(n);
    // The port-less candidate is built only if the first one fails (most clients sign the port).
    return new FirstThen(
        first,
        () ->
            stringToSign(
                timestamp,
                auth.date(),
                auth.service(),
                canonicalRequest(method, rawQuery, portless, names, hashedPayload)));
  }

  /** Two strings, the second computed on first access. Event-loop confined, like the request. */
  private static final class FirstThen extends java.util.AbstractList<String> {
    private final String first;
    private java.util.function.Supplier<String> later;
    private String second;

    FirstThen(String first, java.util.function.Supplier<String> later) {
      this.first = first;
      this.later = later;
    }

    @Override
    public String get(int index) {
      if (index == 0) {
        return first;
      }
      if (index != 1) {
        throw new IndexOutOfBoundsException(index);
      }
      if (later != null) {
        second = later.get();
        later = null;
      }
      return second;
    }

    @Override
    public int size() {
      return 2;
    }
  }

  /**
   * Whether the request verifies under {@code signingKey} with any of its {@link #stringsToSign}.
   * Does not check the timestamp window or {@link #scopeDateMatches}.
   */
  public static boolean verifyRequest(
      byte[] signingKey,
      Tc3Authorization auth,
      long timestamp,
      String method,
      String rawQuery,
      Function<String, String> header,
      String hashedPayload) {
    for (String sts : stringsToSign(auth, timestamp, method, rawQuery, header, hashedPayload)) {
      if (verify(signingKey, sts, auth.signature())) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code host} without its {@code :port} suffix, or null when it has none. IPv6 literals keep
   * their brackets ({@code [::1]:80} gives {@code [::1]}), as in the Node SDK's {@code
   * URL.hostname}; a bare IPv6 address has no port.
   */
  static String hostWithoutPort(String host) {
    if (host == null) {
      return null;
    }
    String h = host.trim();
    int colon = h.lastIndexOf(':');
    if (colon <= 0 || colon == h.length() - 1) {
      return null;
    }
    for (int i = colon + 1; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    boolean bracketed = h.charAt(0) == '[';
    if (bracketed ? h.charAt(colon - 1) != ']' : h.indexOf(':') != colon) {
      return null;
    }
    return h.substring(0, colon);
  }
}
