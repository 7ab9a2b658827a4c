package io.tkms.adapter.http.v3;

import io.tkms.adapter.http.ApiServices;
import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.Pipeline;
import io.tkms.adapter.http.auth.Tc3Authorization;
import io.tkms.adapter.http.auth.Tc3KeyCache;
import io.tkms.adapter.http.auth.Tc3Signature;
import io.tkms.adapter.http.auth.V2Signature;
import io.tkms.adapter.http.v2.V2Endpoint;
import io.tkms.adapter.http.wire.FormDecoder;
import io.tkms.adapter.http.wire.JsonBody;
import io.tkms.adapter.http.wire.Param;
import io.tkms.adapter.http.wire.Params;
import io.tkms.adapter.http.wire.Unflatten;
import io.tkms.application.Caller;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * API 3.0 on {@code /}: TC3-HMAC-SHA256 (headers) or the legacy HmacSHA1/HmacSHA256 form signing
 * (parameters, with a nonce). Same pipeline as API 2.0; only parsing, the signature and the
 * envelope differ. Every handled request is answered with HTTP 200 and audited once.
 */
public final class V3Endpoint {
  public static final String PATH = "/";
  public static final String VERSION = "2019-01-18";
  private static final int MAX_ITEMS = 100;
  /** Parameters of the legacy signing that are not action input. */
  private static final Set<String> LEGACY_COMMON = Set.of("Action", "Version", "SecretId", "Signature", "SignatureMethod",
      "Timestamp", "Nonce", "Region", "Token", "Language", "RequestClient");

  // Header names as pre-hashed ASCII strings: looked up several times in every request.
  private static final CharSequence X_TC_ACTION = HttpHeaders.createOptimized("X-TC-Action");
  private static final CharSequence X_TC_VERSION = HttpHeaders.createOptimized("X-TC-Version");
  private static final CharSequence X_TC_TIMESTAMP = HttpHeaders.createOptimized("X-TC-Timestamp");
  private static final CharSequence X_TC_TOKEN = HttpHeaders.createOptimized("X-TC-Token");
  private static final CharSequence X_TC_REGION = HttpHeaders.createOptimized("X-TC-Region");

  private final Pipeline pipeline;
  private final ApiServices services;
  private final V3Actions actions;
  private final Tc3KeyCache signingKeys;
  private final FormDecoder forms = new FormDecoder();

  public V3Endpoint(Pipeline pipeline, Tc3KeyCache signingKeys) {
    this.pipeline = pipeline;
    this.services = pipeline.services();
    this.signingKeys = signingKeys;
    this.actions = new V3Actions(services.crypto(), services.keys(), services.settings().regions());
  }

  private static final Pipeline.Envelope ENVELOPE = Pipeline.Envelope.of(V3Response::success, V3Response::error);

  /** Handles one request; call on the event loop that received it. */
  public void handle(HttpServerRequest req) {
    pipeline.handle(req, "v3", ENVELOPE, (ex, body) -> {
      String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
      return auth != null && auth.startsWith(Tc3Authorization.ALGORITHM) ? tc3(req, ex, body, auth) : legacy(req, ex, body);
    });
  }

  private Future<JsonObject> tc3(HttpServerRequest req, Exchange ex, Buffer body, String header) {
    String action = requiredHeader(req, X_TC_ACTION);
    ex.action = action;
    checkVersion(requiredHeader(req, X_TC_VERSION));
    String ts = requiredHeader(req, X_TC_TIMESTAMP);
    if (!digits(ts, 12)) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("X-TC-Timestamp must be Unix seconds");
    }
    long timestamp = Long.parseLong(ts);
    refuseToken(req.getHeader(X_TC_TOKEN));
    Tc3Authorization auth = Tc3Authorization.parse(header);
    if (!auth.signedHeaders().contains("host")) {
      // Unsigned Host would let a signature made for one endpoint be replayed at another.
      throw ErrorCode.INVALID_AUTHORIZATION.exception("SignedHeaders must include host");
    }
    String query = HttpMethod.GET.equals(req.method()) && req.query() != null ? req.query() : "";
    // The action input is parsed only after the signature verified: a tampered request is
    // reported as such, and unauthenticated input costs no parsing.
    return pipeline.credential(ex, auth.secretId())
        .compose(cred -> {
          if (!Tc3Signature.scopeDateMatches(auth.date(), timestamp)) {
            return pipeline.authFailure(ex, ErrorCode.SIGNATURE_FAILURE);
          }
          // HTTP/2 carries the host as :authority, not as a Host header.
          java.util.function.Function<String, String> headers = name -> name.equals("host") ? Pipeline.host(req) : req.getHeader(name);
          byte[] bytes = body.getBytes();
          String payload = Tc3Signature.hashedPayload(bytes, headers);
          List<String> candidates = Tc3Signature.stringsToSign(auth, timestamp, req.method().name(), query, headers, payload);
          boolean ok = !candidates.isEmpty() && signingKeys.verifyAny(auth.secretId(), System.identityHashCode(cred.secretKey()),
              cred.secretKey().bytes(), auth.date(), auth.service(), candidates, auth.signature());
          if (!ok) {
            return pipeline.authFailure(ex, ErrorCode.SIGNATURE_FAILURE);
          }
          V3Input input = tc3Input(req, body, bytes);
          String region = pipeline.region(firstNonEmpty(req.getHeader(X_TC_REGION), input.string("Region")));
          return pipeline.admit(ex, cred, timestamp, null, region).compose(caller -> run(ex, caller, action, input));
        });
  }

  private V3Input tc3Input(HttpServerRequest req, Buffer body, byte[] bytes) {
    if (HttpMethod.GET.equals(req.method())) {
      return new V3Input(Unflatten.toTree(Params.toMap(decodeQuery(req)), MAX_ITEMS));
    }
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
    if (lower.startsWith("application/json") || (lower.isEmpty() && body.length() > 0 && body.getByte(0) == '{')) {
      if (body.length() == 0) {
        return new V3Input(Map.of());
      }
      return new V3Input(JsonBody.object(bytes));
    }
    List<Param> params = new ArrayList<>(decodeQuery(req));
    params.addAll(V2Endpoint.decodeBody(req, body, forms));
    return new V3Input(Unflatten.toTree(Params.toMap(params), MAX_ITEMS));
  }

  private List<Param> decodeQuery(HttpServerRequest req) {
    String q = req.query();
    return q == null || q.isEmpty() ? List.of() : forms.decode(q);
  }

  /** The legacy HmacSHA1/HmacSHA256 signing on {@code /}: API 2.0's rules with a Version. */
  private Future<JsonObject> legacy(HttpServerRequest req, Exchange ex, Buffer body) {
    List<Param> all = new ArrayList<>(decodeQuery(req));
    if (HttpMethod.POST.equals(req.method()) && body.length() > 0) {
      all.addAll(V2Endpoint.decodeBody(req, body, forms));
    }
    if (all.size() > forms.maxParams()) {
      throw ErrorCode.REQUEST_UNPARSABLE.exception("too many parameters");
    }
    Map<String, String> p = Params.toMap(all);
    String action = required(p, "Action");
    ex.action = action;
    checkVersion(required(p, "Version"));
    String secretId = required(p, "SecretId");
    String signature = required(p, "Signature");
    long timestamp = unsigned(p, "Timestamp");
    String nonce = required(p, "Nonce");
    unsigned(p, "Nonce");
    refuseToken(p.get("Token"));
    String region = pipeline.region(p.get("Region"));
    String host = Pipeline.host(req);
    String method = req.method().name();
    return pipeline.credential(ex, secretId)
        .compose(cred -> {
          String sts = V2Signature.stringToSign(method, host, PATH, p);
          if (!V2Signature.verify(V2Signature.Algorithm.of(p.get("SignatureMethod")), cred.secretKey().bytes(), sts, signature)) {
            return pipeline.authFailure(ex, ErrorCode.SIGNATURE_FAILURE);
          }
          return pipeline.admit(ex, cred, timestamp, nonce, region);
        })
        .compose(caller -> {
          Map<String, String> inputFlat = new HashMap<>(p);
          inputFlat.keySet().removeAll(LEGACY_COMMON);
          return run(ex, caller, action, new V3Input(Unflatten.toTree(inputFlat, MAX_ITEMS)));
        });
  }

  private Future<JsonObject> run(Exchange ex, Caller caller, String name, V3Input input) {
    V3Actions.Action action = actions.find(name);
    if (action == null) {
      return Future.failedFuture(ErrorCode.INVALID_ACTION.exception("the action " + Pipeline.safeName(name) + " does not exist"));
    }
    return pipeline.throttle(caller, action.group(), name).compose(v -> {
      try {
        return action.handler().handle(ex, caller, input);
      } catch (KmsException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private static void checkVersion(String version) {
    if (!VERSION.equals(version)) {
      throw ErrorCode.NO_SUCH_VERSION.exception();
    }
  }

  private static void refuseToken(String token) {
    if (token != null && !token.isEmpty()) {
      throw ErrorCode.TOKEN_NOT_SUPPORTED.exception();
    }
  }

  private static String requiredHeader(HttpServerRequest req, CharSequence name) {
    String v = req.getHeader(name);
    if (v == null || v.isEmpty()) {
      throw ErrorCode.MISSING_PARAMETER.exception("the header " + name + " is required");
    }
    return v.trim();
  }

  private static String required(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null || v.isEmpty()) {
      throw ErrorCode.MISSING_PARAMETER.exception("the parameter " + name + " is required");
    }
    return v;
  }

  private static long unsigned(Map<String, String> p, String name) {
    String v = required(p, name);
    if (!digits(v, 18)) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter " + name + " must be a non-negative integer");
    }
    return Long.parseLong(v);
  }

  /** Whether {@code s} is 1 to {@code max} ASCII digits (a regex here cost a Pattern per request). */
  static boolean digits(String s, int max) {
    if (s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static String firstNonEmpty(String a, String b) {
    return a != null && !a.isEmpty() ? a : b;
  }

}
