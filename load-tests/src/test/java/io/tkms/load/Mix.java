package io.tkms.load;

import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * The crypto traffic of a typical envelope-encryption client: 70 % Decrypt, 20 % Encrypt, 10 %
 * GenerateDataKey over the {@link Fixtures} keys and ciphertexts, in two scenarios: one signed
 * with TC3 (API 3.0) and one signed the API 2.0 way, sharing the rate {@code load.v2Share}.
 * Decrypt checks that the plaintext is the one encrypted in {@code before()}.
 */
public final class Mix {
  private final Kms kms;
  private final Fixtures fixtures;
  private final double v2Share;

  public Mix(Kms kms, Fixtures fixtures) {
    this.kms = kms;
    this.fixtures = fixtures;
    this.v2Share = Settings.decimal("load.v2Share", 0.1);
    if (v2Share < 0 || v2Share > 1) {
      throw new IllegalArgumentException("-Dload.v2Share must be between 0 and 1");
    }
  }

  private static String json(Map<String, String> fields) {
    var o = KmsHttp.JSON.createObjectNode();
    fields.forEach(o::put);
    return o.toString();
  }

  public ScenarioBuilder v3Scenario() {
    ChainBuilder decrypt = kms.v3("v3 Decrypt", "Decrypt",
        s -> json(Map.of("CiphertextBlob", s.getString("ciphertext"), "EncryptionContext", s.getString("context"))),
        Kms.plus(Kms.v3Ok(), jsonPath("$.Response.Plaintext").isEL("#{plaintext}")));
    ChainBuilder encrypt = kms.v3("v3 Encrypt", "Encrypt",
        s -> json(Map.of("KeyId", s.getString("keyId"), "Plaintext", s.getString("plaintext"), "EncryptionContext", s.getString("context"))),
        Kms.plus(Kms.v3Ok(), jsonPath("$.Response.CiphertextBlob").exists()));
    ChainBuilder gdk = kms.v3("v3 GenerateDataKey", "GenerateDataKey",
        s -> json(Map.of("KeyId", s.getString("keyId"), "KeySpec", "AES_256", "EncryptionContext", s.getString("context"))),
        Kms.plus(Kms.v3Ok(), jsonPath("$.Response.Plaintext").exists(), jsonPath("$.Response.CiphertextBlob").exists()));
    return scenario("API 3.0 (TC3) mix").feed(fixtures)
        .randomSwitch().on(percent(70.0).then(decrypt), percent(20.0).then(encrypt), percent(10.0).then(gdk));
  }

  public ScenarioBuilder v2Scenario() {
    ChainBuilder decrypt = kms.v2("v2 Decrypt", "Decrypt",
        s -> Map.of("ciphertextBlob", s.getString("ciphertext"), "encryptionContext", s.getString("context")),
        Kms.plus(Kms.v2Ok(), jsonPath("$.plaintext").isEL("#{plaintext}")));
    ChainBuilder encrypt = kms.v2("v2 Encrypt", "Encrypt",
        s -> Map.of("keyId", s.getString("keyId"), "plaintext", s.getString("plaintext"), "encryptionContext", s.getString("context")),
        Kms.plus(Kms.v2Ok(), jsonPath("$.ciphertextBlob").exists()));
    ChainBuilder gdk = kms.v2("v2 GenerateDataKey", "GenerateDataKey",
        s -> Map.of("keyId", s.getString("keyId"), "keySpec", "AES_256", "encryptionContext", s.getString("context")),
        Kms.plus(Kms.v2Ok(), jsonPath("$.plaintext").exists(), jsonPath("$.ciphertextBlob").exists()));
    return scenario("API 2.0 mix").feed(fixtures)
        .randomSwitch().on(percent(70.0).then(decrypt), percent(20.0).then(encrypt), percent(10.0).then(gdk));
  }

  /**
   * Both scenarios injected with {@code profile} (a function of the arrival rate in requests per
   * second), the API 3.0 one at {@code 1 - load.v2Share} of the rate, the API 2.0 one at the rest.
   */
  public List<PopulationBuilder> populations(DoubleFunction<List<OpenInjectionStep>> profile) {
    List<PopulationBuilder> out = new ArrayList<>();
    if (v2Share < 1) {
      out.add(v3Scenario().injectOpen(profile.apply(1 - v2Share)));
    }
    if (v2Share > 0) {
      out.add(v2Scenario().injectOpen(profile.apply(v2Share)));
    }
    return out;
  }
}
