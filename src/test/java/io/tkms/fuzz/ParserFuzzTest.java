package io.tkms.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tkms.adapter.http.auth.Tc3Authorization;
import io.tkms.adapter.http.auth.V2Signature;
import io.tkms.adapter.http.wire.FormDecoder;
import io.tkms.adapter.http.wire.JsonBody;
import io.tkms.adapter.http.wire.MultipartDecoder;
import io.tkms.adapter.http.wire.Param;
import io.tkms.adapter.http.wire.Unflatten;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.error.KmsException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzz tests for every parser that reads unauthenticated or client-controlled bytes. Each parser
 * may refuse its input only with a {@link KmsException} (which the pipeline turns into the
 * protocol's error envelope); any other exception, a hang or an allocation the small fuzzing heap
 * cannot hold is a finding. Where a parser has an inverse, the round trip is checked too.
 *
 * <p>In {@code ./mvnw verify} each method runs only its seeds, kept under {@code
 * src/test/resources/io/tkms/fuzz/ParserFuzzTestInputs/<method>/} (findings are added there).
 * Fuzzing one method: {@code JAZZER_FUZZ=1 ./mvnw test -Dtest='ParserFuzzTest#ciphertextBlob'
 * -DargLine=-Xmx256m} (docs/testing.md).
 */
class ParserFuzzTest {
  private static final String TEN_MINUTES = "10m";

  @FuzzTest(maxDuration = TEN_MINUTES)
  void ciphertextBlob(FuzzedDataProvider data) {
    boolean base64 = data.consumeBoolean();
    if (base64) {
      String text = data.consumeRemainingAsString();
      try {
        CiphertextBlob blob = CiphertextBlob.decodeBase64(text);
        // Strict base64: the one spelling of a blob is the one it decoded from.
        assertThat(blob.encodeBase64()).isEqualTo(text);
      } catch (KmsException expected) {
        // refused input
      }
    } else {
      byte[] raw = data.consumeRemainingAsBytes();
      try {
        CiphertextBlob blob = CiphertextBlob.decode(raw);
        assertThat(blob.encode()).isEqualTo(raw);
        assertThat(blob.length()).isEqualTo(raw.length);
      } catch (KmsException expected) {
        // refused input
      }
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void formBody(byte[] body) {
    try {
      List<Param> params = new FormDecoder().decode(body);
      assertThat(params).hasSizeLessThanOrEqualTo(FormDecoder.DEFAULT_MAX_PARAMS);
      for (Param p : params) {
        // Decoded text is never longer than its encoding.
        assertThat(p.name().length() + p.value().length()).isLessThanOrEqualTo(body.length);
      }
    } catch (KmsException expected) {
      // refused input
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void multipartBody(FuzzedDataProvider data) {
    String contentType =
        data.consumeBoolean()
            ? "multipart/form-data; boundary=" + data.consumeAsciiString(80)
            : data.consumeString(120);
    byte[] body = data.consumeRemainingAsBytes();
    try {
      List<Param> params = MultipartDecoder.decode(body, contentType, 16);
      assertThat(params).hasSizeLessThanOrEqualTo(16);
    } catch (KmsException expected) {
      // refused input
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void unflatten(FuzzedDataProvider data) {
    Map<String, String> flat = new LinkedHashMap<>();
    int n = data.consumeInt(0, 24);
    for (int i = 0; i < n; i++) {
      flat.put(data.consumeString(24), data.consumeString(8));
    }
    try {
      Map<String, Object> tree = Unflatten.toTree(flat, 8);
      assertThat(count(tree)).isLessThanOrEqualTo(flat.size());
    } catch (KmsException expected) {
      // refused input
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void tc3Authorization(FuzzedDataProvider data) {
    String header = data.consumeRemainingAsString();
    try {
      Tc3Authorization auth = Tc3Authorization.parse(header);
      assertThat(auth.signedHeaders()).isNotEmpty();
      assertThat(auth.credentialScope()).endsWith("/" + Tc3Authorization.TERMINATOR);
    } catch (KmsException expected) {
      // refused input
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void jsonBody(byte[] body) {
    try {
      Map<String, Object> object = JsonBody.object(body, 32);
      assertThat(count(object)).isLessThanOrEqualTo(32);
    } catch (KmsException expected) {
      // refused input
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void encryptionContext(FuzzedDataProvider data) {
    String json = data.consumeRemainingAsString();
    try {
      EncryptionContext context = EncryptionContext.parse(json);
      // The canonical form encodes exactly the pairs, in UTF-8 key order, without loss.
      assertThat(decodeCanonical(context.canonical())).isEqualTo(context.pairs());
      assertThat(EncryptionContext.parse(json).canonical()).isEqualTo(context.canonical());
    } catch (KmsException expected) {
      // refused input
    }
  }

  @FuzzTest(maxDuration = TEN_MINUTES)
  void v2StringToSign(FuzzedDataProvider data) {
    String method = data.pickValue(new String[] {"GET", "post", "Post"});
    String host = data.consumeString(40);
    String path = data.consumeString(40);
    Map<String, String> params = new LinkedHashMap<>();
    int n = data.consumeInt(0, 16);
    for (int i = 0; i < n; i++) {
      params.put(data.consumeString(16), data.consumeString(32));
    }
    // The string-to-sign is total: every decoded parameter set has one.
    String sts = V2Signature.stringToSign(method, host, path, params);
    assertThat(sts).startsWith(method.toUpperCase(java.util.Locale.ROOT) + host + path + "?");
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!e.getKey().equals("Signature")) {
        assertThat(sts).contains(e.getKey().replace('_', '.') + "=" + e.getValue());
      }
    }
    assertThat(V2Signature.stringToSign(method, host, path, new LinkedHashMap<>(params)))
        .isEqualTo(sts);
  }

  /** Leaves and items of a decoded tree. */
  private static int count(Object node) {
    if (node instanceof Map<?, ?> m) {
      int c = 0;
      for (Object v : m.values()) {
        c += Math.max(1, count(v));
      }
      return c;
    }
    if (node instanceof List<?> l) {
      int c = 0;
      for (Object v : l) {
        c += Math.max(1, count(v));
      }
      return c;
    }
    return 0;
  }

  private static Map<String, String> decodeCanonical(byte[] canonical) {
    ByteBuffer in = ByteBuffer.wrap(canonical);
    int n = in.getInt();
    Map<String, String> pairs = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String k = string(in);
      pairs.put(k, string(in));
    }
    assertThat(in.hasRemaining()).isFalse();
    return pairs;
  }

  private static String string(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
