package io.tkms.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Calls the management API ({@code /admin/v1}, Bearer token, JSON) with the JDK's HTTP client and
 * turns every outcome other than a 2xx JSON answer into a {@link CliException} with the right exit
 * code. Blocking; one instance per command run. The token is only ever put in the Authorization
 * header, never in a message.
 */
final class AdminClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final String authorization;
  private final HttpClient http;

  /**
   * @param url the management API's base URL, e.g. {@code http://127.0.0.1:9090}
   * @param token the admin token (printable ASCII); the caller keeps and zeroes its array
   * @throws CliException USAGE when the URL is not an http(s) URL
   */
  AdminClient(String url, byte[] token) {
    this.base = baseUrl(url);
    this.authorization = "Bearer " + new String(token, StandardCharsets.US_ASCII);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  static String baseUrl(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw CliException.usage("--url '" + url + "' is not a URL");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if ((!scheme.equals("http") && !scheme.equals("https"))
        || u.getHost() == null
        || u.getRawQuery() != null
        || u.getRawFragment() != null
        || u.getRawUserInfo() != null) {
      throw CliException.usage(
          "--url must look like http://host:port or https://host:port, got '" + url + "'");
    }
    String s = u.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** One path segment, percent-encoded so that user input can never change the path. */
  static String segment(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '~'
          || (c == '.' && !s.equals(".") && !s.equals(".."))) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** The answer of a successful call: its status and JSON body. */
  record Answer(int status, JsonObject json) {}

  /**
   * Sends {@code method path} with {@code body} (null: none) and returns the 2xx answer.
   *
   * @throws CliException REFUSED for 4xx, UNAVAILABLE for no answer, 5xx or an unreadable answer
   */
  Answer call(String method, String path, JsonObject body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw CliException.unavailable(
          "cannot connect to "
              + base
              + ": no connection within "
              + CONNECT_TIMEOUT.toSeconds()
              + " s");
    } catch (HttpTimeoutException e) {
      throw CliException.unavailable(
          "no answer from " + base + " within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (ConnectException e) {
      throw CliException.unavailable(
          "cannot connect to "
              + base
              + " (connection refused). Is the server running, with its"
              + " management API on (the server opens it only when KMS_ADMIN_TOKEN_FILE or KMS_ADMIN_TOKEN is set)?");
    } catch (IOException e) {
      throw CliException.unavailable(
          "cannot talk to "
              + base
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.unavailable("interrupted while waiting for " + base);
    }
    return answer(method, path, r.statusCode(), r.body());
  }

  private static Answer answer(String method, String path, int status, String raw) {
    JsonObject json = parse(raw);
    if (status >= 200 && status < 300) {
      if (json == null) {
        throw CliException.unavailable(
            "the server's answer to "
                + method
                + " "
                + path
                + " is not a JSON object (HTTP "
                + status
                + ")");
      }
      return new Answer(status, json);
    }
    String error = json == null || !(json.getValue("error") instanceof String s) ? "" : s;
    String detail = error.isEmpty() ? "" : ": " + error;
    if (status == 401) {
      throw CliException.answered(
          ExitCodes.REFUSED,
          "the server refused the admin token ("
              + statusText(status)
              + detail
              + "). Check KMS_ADMIN_TOKEN_FILE, KMS_ADMIN_TOKEN or --token-file.",
          status,
          error);
    }
    if (status >= 400 && status < 500) {
      throw CliException.answered(
          ExitCodes.REFUSED,
          "the server refused " + method + " " + path + " (" + statusText(status) + ")" + detail,
          status,
          error);
    }
    throw CliException.answered(
        ExitCodes.UNAVAILABLE,
        "the server failed on " + method + " " + path + " (" + statusText(status) + ")" + detail,
        status,
        error);
  }

  private static JsonObject parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static String statusText(int status) {
    String reason =
        switch (status) {
          case 401 -> "Unauthorized";
          case 400 -> "Bad Request";
          case 403 -> "Forbidden";
          case 404 -> "Not Found";
          case 405 -> "Method Not Allowed";
          case 409 -> "Conflict";
          case 500 -> "Internal Server Error";
          case 502 -> "Bad Gateway";
          case 503 -> "Service Unavailable";
          case 504 -> "Gateway Timeout";
          default -> "";
        };
    return "HTTP " + status + (reason.isEmpty() ? "" : " " + reason);
  }

  @Override
  public String toString() {
    return "AdminClient[" + base + "]";
  }
}
