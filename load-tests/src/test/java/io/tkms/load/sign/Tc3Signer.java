package io.tkms.load.sign;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HexFormat;

/**
 * TC3-HMAC-SHA256 for a POST with a JSON body, signing {@code content-type;host} like the
 * official Java SDK (Tencent KMS API reference §3.3). Thread safe; the derived signing key is
 * cached for the current UTC day.
 */
public final class Tc3Signer {
  public static final String ALGORITHM = "TC3-HMAC-SHA256";
  private static final String SIGNED_HEADERS = "content-type;host";

  private final String secretId;
  private final byte[] secretKey;
  private final String service;
  private volatile DayKey dayKey;

  private record DayKey(String date, byte[] key) {}

  /**
   * @param service the credential scope's service; {@code kms} for a real client (the SDKs derive
   *     it from the endpoint's first label, the server accepts whatever the scope says)
   */
  public Tc3Signer(String secretId, String secretKey, String service) {
    this.secretId = secretId;
    this.secretKey = secretKey.getBytes(StandardCharsets.UTF_8);
    this.service = service;
  }

  /** The {@code Authorization} header value for this request. */
  public String authorization(String host, String contentType, String body, long timestamp) {
    String date = LocalDate.ofEpochDay(Math.floorDiv(timestamp, 86_400L)).toString();
    String canonical = "POST\n/\n\n"
        + "content-type:" + contentType.trim().toLowerCase() + "\n"
        + "host:" + host.trim().toLowerCase() + "\n\n"
        + SIGNED_HEADERS + "\n"
        + Hmac.sha256Hex(body);
    String stringToSign = ALGORITHM + "\n" + timestamp + "\n" + date + "/" + service + "/tc3_request\n" + Hmac.sha256Hex(canonical);
    String signature = HexFormat.of().formatHex(Hmac.sha256(signingKey(date), stringToSign));
    return ALGORITHM + " Credential=" + secretId + "/" + date + "/" + service + "/tc3_request, SignedHeaders="
        + SIGNED_HEADERS + ", Signature=" + signature;
  }

  private byte[] signingKey(String date) {
    DayKey k = dayKey;
    if (k == null || !k.date().equals(date)) {
      byte[] prefixed = new byte[3 + secretKey.length];
      System.arraycopy("TC3".getBytes(StandardCharsets.US_ASCII), 0, prefixed, 0, 3);
      System.arraycopy(secretKey, 0, prefixed, 3, secretKey.length);
      byte[] kDate = Hmac.sha256(prefixed, date);
      byte[] kService = Hmac.sha256(kDate, service);
      k = new DayKey(date, Hmac.sha256(kService, "tc3_request"));
      dayKey = k;
    }
    return k.key();
  }
}
