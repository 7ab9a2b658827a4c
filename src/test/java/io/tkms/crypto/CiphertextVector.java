package io.tkms.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One block of {@code vectors/ciphertext-v1.txt}, written by {@code gen_ciphertext_vectors.py}, or
 * of {@code vectors/ciphertext-v2-sm.txt}, written by {@code gen_sm_vectors.py} (independent Python
 * implementations).
 */
record CiphertextVector(
    String name,
    byte[] material,
    String keyId,
    int keyVersion,
    String appId,
    String context,
    byte[] salt,
    byte[] nonce,
    byte[] plaintext,
    String blob) {

  static final String RESOURCE = "/vectors/ciphertext-v1.txt";
  static final String SM_RESOURCE = "/vectors/ciphertext-v2-sm.txt";
  private static final HexFormat HEX = HexFormat.of();

  @Override
  public String toString() {
    return name; // used as the parameterized test display name
  }

  static List<CiphertextVector> load() {
    return load(RESOURCE);
  }

  static List<CiphertextVector> load(String resource) {
    List<CiphertextVector> out = new ArrayList<>();
    try (InputStream in = CiphertextVector.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8));
      Map<String, String> block = new LinkedHashMap<>();
      for (String line = reader.readLine(); ; line = reader.readLine()) {
        if (line == null || line.isBlank()) {
          if (!block.isEmpty()) {
            out.add(of(block));
            block = new LinkedHashMap<>();
          }
          if (line == null) {
            break;
          }
          continue;
        }
        if (line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq < 0 || block.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
          throw new IllegalStateException("bad vector line: " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static CiphertextVector of(Map<String, String> b) {
    byte[] plaintext;
    if (b.containsKey("plaintext")) {
      plaintext = HEX.parseHex(b.get("plaintext"));
    } else {
      byte[] unit = HEX.parseHex(b.get("plaintextPattern"));
      plaintext = new byte[Integer.parseInt(b.get("plaintextLength"))];
      for (int i = 0; i < plaintext.length; i++) {
        plaintext[i] = unit[i % unit.length];
      }
    }
    return new CiphertextVector(
        require(b, "name"),
        HEX.parseHex(require(b, "material")),
        require(b, "keyId"),
        Integer.parseInt(require(b, "keyVersion")),
        require(b, "appId"),
        require(b, "context"),
        HEX.parseHex(require(b, "salt")),
        HEX.parseHex(require(b, "nonce")),
        plaintext,
        require(b, "blob"));
  }

  private static String require(Map<String, String> b, String key) {
    String v = b.get(key);
    if (v == null) {
      throw new IllegalStateException("vector lacks " + key + ": " + b.get("name"));
    }
    return v;
  }
}
