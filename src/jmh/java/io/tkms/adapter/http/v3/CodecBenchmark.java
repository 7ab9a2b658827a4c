package io.tkms.adapter.http.v3;

import io.tkms.adapter.http.v2.V2Codec;
import io.tkms.adapter.http.wire.FormDecoder;
import io.tkms.adapter.http.wire.Param;
import io.tkms.adapter.http.wire.Params;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Request decoding (API 3.0 JSON body into the input tree; API 2.0 form body into parameters) and
 * response encoding (both envelopes), for an Encrypt of 1 KB. In the v3 package because the
 * envelope encoders are package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  Buffer jsonBody;
  byte[] formBody;
  FormDecoder forms = new FormDecoder();
  String ciphertext;

  @Setup
  public void setup() {
    String pt = Base64.getEncoder().encodeToString(new byte[1024]);
    jsonBody =
        Buffer.buffer(
            "{\"KeyId\":\"3c1b2a53-9d86-4f4a-8d2b-5c3b2f0c1a11\",\"Plaintext\":\"" + pt + "\"}");
    formBody =
        ("Action=Encrypt&Nonce=12345&Region=gz&SecretId=AKIDbenchmark000000000000000000001&SignatureMethod=HmacSHA256"
                + "&Timestamp=1700000000&keyId=3c1b2a53-9d86-4f4a-8d2b-5c3b2f0c1a11&plaintext="
                + java.net.URLEncoder.encode(pt, StandardCharsets.UTF_8)
                + "&Signature=abc%2Bdef%3D")
            .getBytes(StandardCharsets.UTF_8);
    ciphertext = Base64.getEncoder().encodeToString(new byte[1024 + 77]);
  }

  @Benchmark
  public Object v3DecodeJson() {
    return new V3Input(io.tkms.adapter.http.wire.JsonBody.object(jsonBody.getBytes()));
  }

  @Benchmark
  public Map<String, String> v2DecodeForm() {
    List<Param> params = forms.decode(formBody);
    return Params.toMap(params);
  }

  @Benchmark
  public Buffer v3EncodeResponse() {
    return V3Response.success(
        "7d0bd9b8-7ad0-4a6e-bb58-3c0b0f6f3a21",
        new JsonObject()
            .put("CiphertextBlob", ciphertext)
            .put("KeyId", "3c1b2a53-9d86-4f4a-8d2b-5c3b2f0c1a11"));
  }

  @Benchmark
  public Buffer v2EncodeResponse() {
    return V2Codec.success(
        "7d0bd9b8-7ad0-4a6e-bb58-3c0b0f6f3a21",
        new JsonObject()
            .put("ciphertextBlob", ciphertext)
            .put("keyId", "3c1b2a53-9d86-4f4a-8d2b-5c3b2f0c1a11"));
  }
}
