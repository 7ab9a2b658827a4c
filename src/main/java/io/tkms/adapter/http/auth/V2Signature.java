package io.tkms.adapter.http.auth;

import io.tkms.crypto.Hmacs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The Tencent Cloud API 2.0 signature ("签名方法 v1"): HmacSHA1 or HmacSHA256 over {@code METHOD + host
 * + path + "?" + sorted name=value pairs}, Base64-encoded.
 *
 * <p>Unlike the SDKs, POST parameters whose value starts with {@code @} (their file-upload
 * convention) are <em>not</em> left out of the string-to-sign: an unsigned parameter could be
 * altered in transit, so such a request fails closed as a signature mismatch instead.
 *
 * <p>Thread safe (the HMAC engines are per thread, in {@code io.tkms.crypto}). Throws no {@code
 * KmsException}: {@link #verify} reports a mismatch (including an unparsable signature) as {@code
 * false}, and the caller maps that to {@code SIGNATURE_FAILURE}. Null arguments are programming
 * errors ({@link NullPointerException}).
 */
public final class V2Signature {
  /** Sort order of the SDKs for ASCII names, extended to all of Unicode as UTF-8 byte order. */
  private static final Comparator<String> UTF8_ORDER = V2Signature::compareCodePoints;

  private V2Signature() {}

  /** HMAC flavour chosen by the {@code SignatureMethod} parameter. */
  public enum Algorithm {
    HMAC_SHA1("HmacSHA1"),
    HMAC_SHA256("HmacSHA256");

    private final String wireName;

    Algorithm(String wireName) {
      this.wireName = wireName;
    }

    /** The wire value of {@code SignatureMethod}. */
    public String jcaName() {
      return wireName;
    }

    /**
     * Only the exact (case-sensitive) value {@code HmacSHA256} selects SHA-256; anything else,
     * including null, means HmacSHA1 — that is what Tencent's gateway and SDKs do.
     */
    public static Algorithm of(String signatureMethod) {
      return "HmacSHA256".equals(signatureMethod) ? HMAC_SHA256 : HMAC_SHA1;
    }
  }

  /**
   * Builds the string-to-sign. Every parameter but {@code Signature} takes part, sorted by its name
   * as received (the SDKs sort before mapping), written as {@code name=value} with the decoded
   * value and each {@code _} in the name written as {@code .}.
   *
   * @param method the HTTP method; upper-cased here
   * @param host the {@code Host} header as received (with port if the client sent one)
   * @param path the request path without query
   * @param params the decoded parameters, {@code Signature} included or not
   */
  public static String stringToSign(
      String method, String host, String path, Map<String, String> params) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    List<String> names = new ArrayList<>(params.size());
    int size = method.length() + host.length() + path.length() + 1;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!e.getKey().equals("Signature")) {
        names.add(e.getKey());
        size += e.getKey().length() + e.getValue().length() + 2;
      }
    }
    names.sort(UTF8_ORDER);
    StringBuilder sb = new StringBuilder(size);
    sb.append(method.toUpperCase(Locale.ROOT)).append(host).append(path).append('?');
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (i > 0) {
        sb.append('&');
      }
      sb.append(name.replace('_', '.')).append('=').append(params.get(name));
    }
    return sb.toString();
  }

  /** The raw HMAC of {@code stringToSign} (UTF-8) under {@code secretKey}. */
  public static byte[] compute(Algorithm algorithm, byte[] secretKey, String stringToSign) {
    Objects.requireNonNull(stringToSign, "stringToSign");
    byte[] msg = stringToSign.getBytes(StandardCharsets.UTF_8);
    return algorithm == Algorithm.HMAC_SHA256
        ? Hmacs.hmacSha256(secretKey, msg)
        : Hmacs.hmacSha1(secretKey, msg);
  }

  /**
   * Whether {@code signatureParam} is the Base64 of the HMAC of {@code stringToSign}. Never throws
   * for bad client input: null, invalid or non-canonical Base64 (missing padding, stray bits) all
   * give {@code false}. Requiring the one canonical spelling keeps a signature usable as a
   * replay-cache key. The MAC comparison is constant time.
   */
  public static boolean verify(
      Algorithm algorithm, byte[] secretKey, String stringToSign, String signatureParam) {
    byte[] expected = compute(algorithm, secretKey, stringToSign);
    if (signatureParam == null) {
      return false;
    }
    byte[] provided;
    try {
      provided = Base64.getDecoder().decode(signatureParam);
    } catch (IllegalArgumentException e) {
      return false;
    }
    // Canonical check on public data only (the client's own signature), so timing is harmless.
    if (!Base64.getEncoder().encodeToString(provided).equals(signatureParam)) {
      return false;
    }
    return MessageDigest.isEqual(expected, provided);
  }

  /** Code point order, which equals the byte order of the UTF-8 encodings. */
  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
