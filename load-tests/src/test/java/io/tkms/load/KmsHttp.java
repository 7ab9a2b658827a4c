package io.tkms.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tkms.load.sign.Tc3Signer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain blocking API 3.0 client for the set-up work in {@code before()} (creating keys and
 * ciphertexts) and the management API. Not used for the measured load.
 */
public final class KmsHttp {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String CONTENT_TYPE = "application/json";
  private static final int THROTTLE_RETRIES = 50;

  // HTTP/1.1: by default the JDK client offers an h2c upgrade, which the server accepts, and its
  // TC3 check then finds no Host header to verify (HTTP/2 carries :authority instead).
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private final Settings settings;
  private final Tc3Signer signer;

  public KmsHttp(Settings settings, Settings.Credentials credentials) {
    this.settings = settings;
    this.signer = new Tc3Signer(credentials.secretId(), credentials.secretKey(), "kms");
  }

  /**
   * Calls {@code action}, retrying (with a pause) while the account is throttled; returns the
   * {@code Response} object or throws when it holds an {@code Error}.
   */
  public JsonNode call(String action, ObjectNode body) {
    for (int attempt = 0; ; attempt++) {
      JsonNode response = callOnce(action, body);
      JsonNode error = response.path("Error");
      if (error.isMissingNode()) {
        return response;
      }
      String code = error.path("Code").asText();
      if (code.startsWith("RequestLimitExceeded") && attempt < THROTTLE_RETRIES) {
        sleep(200);
        continue;
      }
      throw new IllegalStateException(action + " failed during set-up: " + code + " " + error.path("Message").asText()
          + " (RequestId " + response.path("RequestId").asText() + ")");
    }
  }

  private JsonNode callOnce(String action, ObjectNode body) {
    String text = body.toString();
    long now = System.currentTimeMillis() / 1000;
    HttpRequest req = HttpRequest.newBuilder(URI.create(settings.url + "/"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", CONTENT_TYPE)
        .header("X-TC-Action", action)
        .header("X-TC-Version", "2019-01-18")
        .header("X-TC-Region", settings.region)
        .header("X-TC-Timestamp", Long.toString(now))
        .header("Authorization", signer.authorization(settings.host, CONTENT_TYPE, text, now))
        .POST(HttpRequest.BodyPublishers.ofString(text))
        .build();
    HttpResponse<String> resp = send(req);
    if (resp.statusCode() != 200) {
      throw new IllegalStateException(action + " answered HTTP " + resp.statusCode() + ": " + resp.body());
    }
    try {
      return JSON.readTree(resp.body()).path("Response");
    } catch (IOException e) {
      throw new IllegalStateException(action + " answered something that is not JSON: " + resp.body());
    }
  }

  /**
   * POSTs {@code body} to the management API ({@code adminUrl + path}) with the bearer token;
   * returns the JSON answer or throws on a non-2xx status.
   */
  public static JsonNode admin(String adminUrl, String token, String path, ObjectNode body) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(adminUrl.replaceAll("/+$", "") + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", CONTENT_TYPE)
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString()))
        .build();
    HttpResponse<String> resp = send(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), req);
    if (resp.statusCode() / 100 != 2) {
      throw new IllegalStateException("management API " + path + " answered HTTP " + resp.statusCode() + ": " + resp.body());
    }
    try {
      return JSON.readTree(resp.body());
    } catch (IOException e) {
      throw new IllegalStateException("management API " + path + " answered something that is not JSON");
    }
  }

  private HttpResponse<String> send(HttpRequest req) {
    return send(http, req);
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest req) {
    try {
      return client.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach " + req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
