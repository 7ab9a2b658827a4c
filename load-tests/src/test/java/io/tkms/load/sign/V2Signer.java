package io.tkms.load.sign;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API 2.0 signature (Tencent KMS API reference §1.3) with HmacSHA256: every parameter but
 * {@code Signature}, sorted by name, {@code name=value} with raw values and {@code _} in names
 * written as {@code .}, joined by {@code &}, after {@code POST + host + /v2/index.php?}.
 */
public final class V2Signer {
  public static final String PATH = "/v2/index.php";
  private final String secretId;
  private final byte[] secretKey;

  public V2Signer(String secretId, String secretKey) {
    this.secretId = secretId;
    this.secretKey = secretKey.getBytes(StandardCharsets.UTF_8);
  }

  public String secretId() {
    return secretId;
  }

  /** What is signed for a POST of {@code params} (which must not hold {@code Signature}). */
  public static String stringToSign(String method, String host, Map<String, String> params) {
    StringBuilder sb = new StringBuilder(method).append(host).append(PATH).append('?');
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
      if (!first) {
        sb.append('&');
      }
      first = false;
      sb.append(e.getKey().replace('_', '.')).append('=').append(e.getValue());
    }
    return sb.toString();
  }

  /** Base64 HMAC of {@code stringToSign} under {@code secretKey} with {@code HmacSHA256} or {@code HmacSHA1}. */
  public static String signature(String signatureMethod, byte[] secretKey, String stringToSign) {
    return Base64.getEncoder().encodeToString(Hmac.mac(signatureMethod, secretKey, stringToSign));
  }

  /**
   * The form body of a signed POST: {@code params} (action parameters plus {@code Action},
   * {@code Region}, {@code Timestamp}, {@code Nonce}) with {@code SecretId}, {@code
   * SignatureMethod=HmacSHA256} and {@code Signature} added.
   */
  public String signedForm(String host, Map<String, String> params) {
    TreeMap<String, String> p = new TreeMap<>(params);
    p.put("SecretId", secretId);
    p.put("SignatureMethod", "HmacSHA256");
    p.put("Signature", signature("HmacSHA256", secretKey, stringToSign("POST", host, p)));
    return form(p);
  }

  /** {@code application/x-www-form-urlencoded} encoding of {@code params}. */
  public static String form(Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    });
    return sb.toString();
  }
}
