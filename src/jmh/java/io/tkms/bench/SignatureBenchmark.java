package io.tkms.bench;

import io.tkms.adapter.http.auth.Tc3Authorization;
import io.tkms.adapter.http.auth.Tc3KeyCache;
import io.tkms.adapter.http.auth.Tc3Signature;
import io.tkms.adapter.http.auth.V2Signature;
import io.tkms.crypto.Hmacs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request signature checks as the endpoints run them: API 2.0 (string-to-sign over the sorted
 * parameters + HMAC-SHA256) and TC3 (canonical request, both host variants, cached signing key),
 * for an Encrypt of 1 KB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignatureBenchmark {
  static final String SECRET_ID = "AKIDbenchmark000000000000000000001";
  static final byte[] SECRET_KEY =
      "benchmarkSecretKey0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  static final String HOST = "127.0.0.1:8080";

  Map<String, String> v2Params;
  String v2Signature;

  String tc3Header;
  Function<String, String> tc3Headers;
  byte[] tc3Body;
  long timestamp;
  Tc3KeyCache keys;

  @Setup
  public void setup() {
    byte[] pt = new byte[1024];
    String plaintext = Base64.getEncoder().encodeToString(pt);
    timestamp = Instant.now().getEpochSecond();
    v2Params =
        new TreeMap<>(
            Map.of(
                "Action",
                "Encrypt",
                "Nonce",
                "12345",
                "Region",
                "gz",
                "SecretId",
                SECRET_ID,
                "SignatureMethod",
                "HmacSHA256",
                "Timestamp",
                Long.toString(timestamp),
                "keyId",
                "3c1b2a53-9d86-4f4a-8d2b-5c3b2f0c1a11",
                "plaintext",
                plaintext));
    String sts = V2Signature.stringToSign("POST", HOST, "/v2/index.php", v2Params);
    v2Signature =
        Base64.getEncoder()
            .encodeToString(Hmacs.hmacSha256(SECRET_KEY, sts.getBytes(StandardCharsets.UTF_8)));

    tc3Body =
        ("{\"KeyId\":\"3c1b2a53-9d86-4f4a-8d2b-5c3b2f0c1a11\",\"Plaintext\":\"" + plaintext + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = Map.of("content-type", "application/json", "host", HOST);
    tc3Headers = n -> headers.get(n.toLowerCase(java.util.Locale.ROOT));
    String date =
        Instant.ofEpochSecond(timestamp).atOffset(ZoneOffset.UTC).toLocalDate().toString();
    String canonical =
        Tc3Signature.canonicalRequest(
            "POST", "", tc3Headers, List.of("content-type", "host"), Hmacs.sha256Hex(tc3Body));
    String tc3Sts = Tc3Signature.stringToSign(timestamp, date, "kms", canonical);
    String sig =
        HexFormat.of()
            .formatHex(
                Hmacs.hmacSha256(
                    Tc3Signature.signingKey(SECRET_KEY, date, "kms"),
                    tc3Sts.getBytes(StandardCharsets.UTF_8)));
    tc3Header =
        "TC3-HMAC-SHA256 Credential="
            + SECRET_ID
            + "/"
            + date
            + "/kms/tc3_request, SignedHeaders=content-type;host, Signature="
            + sig;
    keys = new Tc3KeyCache();
    if (!tc3Verify()) {
      throw new IllegalStateException("TC3 fixture does not verify");
    }
    if (!v2Verify()) {
      throw new IllegalStateException("v2 fixture does not verify");
    }
  }

  @Benchmark
  public boolean v2Verify() {
    String sts = V2Signature.stringToSign("POST", HOST, "/v2/index.php", v2Params);
    return V2Signature.verify(V2Signature.Algorithm.HMAC_SHA256, SECRET_KEY, sts, v2Signature);
  }

  @Benchmark
  public boolean tc3Verify() {
    Tc3Authorization auth = Tc3Authorization.parse(tc3Header);
    String payload = Tc3Signature.hashedPayload(tc3Body, tc3Headers);
    List<String> candidates =
        Tc3Signature.stringsToSign(auth, timestamp, "POST", "", tc3Headers, payload);
    return keys.verifyAny(
        auth.secretId(), 1, SECRET_KEY, auth.date(), auth.service(), candidates, auth.signature());
  }

  /** The signing-key derivation (four HMACs) that the cache saves on every hit. */
  @Benchmark
  public byte[] tc3SigningKeyDerivation() {
    return Tc3Signature.signingKey(SECRET_KEY, "2026-01-01", "kms");
  }
}
