package io.tkms.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys and ciphertexts a simulation works on, created through API 3.0 in {@code before()},
 * and an endless random feeder over them (usable when the scenario is built, filled later).
 *
 * <p>Each record: {@code keyId}, {@code plaintext} (base64), {@code ciphertext} (that plaintext
 * encrypted under {@code keyId} with {@link #CONTEXT}) and {@code context}.
 */
public final class Fixtures implements Iterator<Map<String, Object>> {
  /** The encryption context of every request (a JSON object of strings). */
  public static final String CONTEXT = "{\"purpose\":\"load-test\"}";

  private volatile List<Map<String, Object>> records = List.of();
  private final String runId = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000_000L, 36)
      + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);

  /** A short id of this run, used in key aliases. */
  public String runId() {
    return runId;
  }

  /** Creates {@code keys} keys and {@code ciphertextsPerKey} ciphertexts under each. */
  public void create(KmsHttp kms, int keys, int ciphertextsPerKey, int plaintextBytes) {
    if (keys < 1 || ciphertextsPerKey < 1 || plaintextBytes < 1 || plaintextBytes > 4096) {
      throw new IllegalArgumentException("need load.keys >= 1, load.ciphertextsPerKey >= 1 and 1 <= load.plaintextBytes <= 4096");
    }
    long started = System.nanoTime();
    SecureRandom random = new SecureRandom();
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      String keyId = createKey(kms, "load-" + runId + "-" + i);
      for (int j = 0; j < ciphertextsPerKey; j++) {
        byte[] raw = new byte[plaintextBytes];
        random.nextBytes(raw);
        String plaintext = Base64.getEncoder().encodeToString(raw);
        ObjectNode enc = KmsHttp.JSON.createObjectNode().put("KeyId", keyId).put("Plaintext", plaintext).put("EncryptionContext", CONTEXT);
        String ciphertext = kms.call("Encrypt", enc).path("CiphertextBlob").asText();
        out.add(Map.of("keyId", keyId, "plaintext", plaintext, "ciphertext", ciphertext, "context", CONTEXT));
      }
    }
    records = List.copyOf(out);
    System.out.printf("tkms load: created %d keys and %d ciphertexts (run %s) in %d ms%n",
        keys, out.size(), runId, (System.nanoTime() - started) / 1_000_000);
  }

  /** Creates one key; returns its KeyId. */
  public static String createKey(KmsHttp kms, String alias) {
    ObjectNode body = KmsHttp.JSON.createObjectNode().put("Alias", alias).put("Description", "tkms load test");
    JsonNode r = kms.call("CreateKey", body);
    String keyId = r.path("KeyId").asText();
    if (keyId.isEmpty()) {
      throw new IllegalStateException("CreateKey answered no KeyId: " + r);
    }
    return keyId;
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public Map<String, Object> next() {
    List<Map<String, Object>> r = records;
    if (r.isEmpty()) {
      throw new IllegalStateException("no fixtures: before() did not create any");
    }
    return r.get(ThreadLocalRandom.current().nextInt(r.size()));
  }
}
