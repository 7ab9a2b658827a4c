package io.tkms.load.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Golden vectors: Tencent's published API 2.0 example and a request captured from the official Java SDK. */
class SignersTest {

  @Test
  void v2_matchesTencentsPublishedExample_sha256AndSha1() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("Action", "DescribeInstances");
    p.put("InstanceIds.0", "ins-09dx96dg");
    p.put("Nonce", "11886");
    p.put("Region", "ap-guangzhou");
    p.put("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA");
    p.put("SignatureMethod", "HmacSHA256");
    p.put("Timestamp", "1465185768");
    String sts = V2Signer.stringToSign("GET", "cvm.api.qcloud.com", p);
    assertEquals("GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886"
        + "&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256&Timestamp=1465185768", sts);
    byte[] key = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA".getBytes(StandardCharsets.UTF_8);
    assertEquals("0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=", V2Signer.signature("HmacSHA256", key, sts));
    p.put("SignatureMethod", "HmacSHA1");
    assertEquals("nPVnY6njQmwQ8ciqbPl5Qe+Oru4=", V2Signer.signature("HmacSHA1", key, V2Signer.stringToSign("GET", "cvm.api.qcloud.com", p)));
  }

  @Test
  void v2_sortsByteWise_andWritesUnderscoresInNamesAsDots() {
    Map<String, String> p = Map.of("keyId", "k_1", "Placement_Zone", "CN_GZ", "InstanceIds.12", "a", "InstanceIds.2", "b");
    assertEquals("POSTh:1/v2/index.php?InstanceIds.12=a&InstanceIds.2=b&Placement.Zone=CN_GZ&keyId=k_1",
        V2Signer.stringToSign("POST", "h:1", p));
  }

  @Test
  void v2_signedForm_carriesASignatureOverTheDecodedValues() {
    V2Signer signer = new V2Signer("AKIDtest", "secret");
    Map<String, String> p = new LinkedHashMap<>();
    p.put("Action", "Encrypt");
    p.put("plaintext", "aGk+/w==");
    p.put("encryptionContext", "{\"a\":\"b c\"}");
    String form = signer.signedForm("127.0.0.1:8080", p);
    TreeMap<String, String> decoded = new TreeMap<>();
    for (String pair : form.split("&")) {
      String[] nv = pair.split("=", 2);
      decoded.put(URLDecoder.decode(nv[0], StandardCharsets.UTF_8), URLDecoder.decode(nv[1], StandardCharsets.UTF_8));
    }
    assertEquals("aGk+/w==", decoded.get("plaintext"));
    assertEquals("AKIDtest", decoded.get("SecretId"));
    assertEquals("HmacSHA256", decoded.get("SignatureMethod"));
    String sig = decoded.remove("Signature");
    assertEquals(V2Signer.signature("HmacSHA256", "secret".getBytes(StandardCharsets.UTF_8),
        V2Signer.stringToSign("POST", "127.0.0.1:8080", decoded)), sig);
  }

  @Test
  void tc3_matchesACaptureOfTheOfficialJavaSdk() {
    // Captured Encrypt from tencentcloud-sdk-java-kms 3.1.1138 (SecretKey EXAMPLESECRETKEY,
    // endpoint 127.0.0.1:18080, so the SDK's scope service is "127").
    Tc3Signer signer = new Tc3Signer("AKIDEXAMPLEID", "EXAMPLESECRETKEY", "127");
    String body = "{\"KeyId\":\"23e80852-1e38-11e9-b129-5cb9019b4b01\",\"Plaintext\":\"aGVsbG8gd29ybGQ=\"}";
    assertEquals("TC3-HMAC-SHA256 Credential=AKIDEXAMPLEID/2026-11-27/127/tc3_request, SignedHeaders=content-type;host, "
            + "Signature=fb4861f6c3fc9cac26f3aaf65cc960004bf373a6035a2cbbce49c22c1f5116bf",
        signer.authorization("127.0.0.1:18080", "application/json; charset=utf-8", body, 1795759126L));
  }

  @Test
  void tc3_scopeDateIsTheUtcDayOfTheTimestamp_acrossMidnight() {
    Tc3Signer signer = new Tc3Signer("AKIDx", "k", "kms");
    assertTrue(signer.authorization("h", "application/json", "{}", 1795737599L).contains("/2026-11-26/kms/tc3_request"));
    String next = signer.authorization("h", "application/json", "{}", 1795737600L);
    assertTrue(next.contains("/2026-11-27/kms/tc3_request"));
    // the cached day key must not leak into the next day's signature
    assertEquals(new Tc3Signer("AKIDx", "k", "kms").authorization("h", "application/json", "{}", 1795737600L), next);
  }
}
