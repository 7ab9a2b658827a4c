package io.tkms.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.tkms.load.sign.Tc3Signer;
import io.tkms.load.sign.V2Signer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Gatling requests that are signed for real, one signature per request: a session step builds
 * the body, signs exactly that string and keeps both in the session; the HTTP request then sends
 * them. API 3.0 is TC3-HMAC-SHA256 on {@code /}; API 2.0 is HmacSHA256 on {@code /v2/index.php}
 * with a unique {@code Nonce} per request.
 *
 * <p>Every request checks the KMS result in the body, since errors come back as HTTP 200: API 3.0
 * must have no {@code Response.Error}, API 2.0 must have {@code code == 0}.
 */
public final class Kms {
  public static final String V3_CONTENT_TYPE = "application/json";
  public static final String V2_CONTENT_TYPE = "application/x-www-form-urlencoded";
  /** Nonces are unique across the whole run; the random start keeps concurrent runs apart. */
  private static final AtomicLong NONCE = new AtomicLong(1 + ThreadLocalRandom.current().nextLong(1L << 30));

  private final Settings settings;
  private volatile Tc3Signer tc3;
  private volatile V2Signer v2;

  public Kms(Settings settings, Settings.Credentials credentials) {
    this.settings = settings;
    use(credentials);
  }

  /** Signs with {@code credentials} from now on (a simulation may switch in {@code before()}). */
  public void use(Settings.Credentials credentials) {
    this.tc3 = new Tc3Signer(credentials.secretId(), credentials.secretKey(), "kms");
    this.v2 = new V2Signer(credentials.secretId(), credentials.secretKey());
  }

  /** Base URL, the signed {@code Host} header, one keep-alive connection pool shared by all virtual users. */
  public HttpProtocolBuilder protocol() {
    return http.baseUrl(settings.url)
        .header("Host", settings.host)
        .acceptHeader("application/json")
        .userAgentHeader("tkms-load-tests")
        .shareConnections()
        .disableWarmUp()
        .disableCaching();
  }

  /** The standard API 3.0 result checks: HTTP 200, a {@code RequestId}, no {@code Error}. */
  public static List<CheckBuilder> v3Ok() {
    return List.of(status().is(200), jsonPath("$.Response.RequestId").exists(), 
        jsonPath("$.Response.Error.Code").notExists().name("Response.Error.Code absent").logActualValueInError(true));
  }

  /** The standard API 2.0 result checks: HTTP 200 and {@code code == 0}. */
  public static List<CheckBuilder> v2Ok() {
    return List.of(status().is(200), jsonPath("$.code").ofInt().is(0).name("code == 0").logActualValueInError(true));
  }

  /**
   * One API 3.0 call named {@code name}: {@code body} is built per request, signed, and sent with
   * {@code checks} (usually {@link #v3Ok()} plus action-specific ones).
   */
  public ChainBuilder v3(String name, String action, Function<Session, String> body, List<CheckBuilder> checks) {
    return exec(session -> {
      String b = body.apply(session);
      long now = System.currentTimeMillis() / 1000;
      return session.set("tc3Body", b).set("tc3Ts", Long.toString(now))
          .set("tc3Auth", tc3.authorization(settings.host, V3_CONTENT_TYPE, b, now));
    }).exec(http(name).post("/")
        .header("Content-Type", V3_CONTENT_TYPE)
        .header("X-TC-Action", action)
        .header("X-TC-Version", "2019-01-18")
        .header("X-TC-Region", settings.region)
        .header("X-TC-Timestamp", s -> s.getString("tc3Ts"))
        .header("Authorization", s -> s.getString("tc3Auth"))
        .body(StringBody(s -> s.getString("tc3Body")))
        .check(checks));
  }

  /**
   * One API 2.0 call named {@code name}: {@code params} (the action's parameters) get {@code
   * Action}, {@code Region}, {@code Timestamp}, a fresh {@code Nonce}, {@code SecretId}, {@code
   * SignatureMethod} and {@code Signature}, and are POSTed form-encoded.
   */
  public ChainBuilder v2(String name, String action, Function<Session, Map<String, String>> params, List<CheckBuilder> checks) {
    return exec(session -> {
      Map<String, String> p = new HashMap<>(params.apply(session));
      p.put("Action", action);
      p.put("Region", settings.region);
      p.put("Timestamp", Long.toString(System.currentTimeMillis() / 1000));
      p.put("Nonce", Long.toString(NONCE.incrementAndGet()));
      return session.set("v2Form", v2.signedForm(settings.host, p));
    }).exec(http(name).post(V2Signer.PATH)
        .header("Content-Type", V2_CONTENT_TYPE)
        .body(StringBody(s -> s.getString("v2Form")))
        .check(checks));
  }

  /** {@code base} followed by {@code more}. */
  public static List<CheckBuilder> plus(List<CheckBuilder> base, CheckBuilder... more) {
    List<CheckBuilder> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }
}
