package io.tkms.adapter.http.v3;

import io.tkms.adapter.http.Envelope;
import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.LegacySigning;
import io.tkms.adapter.http.Pipeline;
import io.tkms.adapter.http.Protocol;
import io.tkms.adapter.http.action.ActionCatalog;
import io.tkms.adapter.http.action.Dispatcher;
import io.tkms.adapter.http.auth.Tc3Authorization;
import io.tkms.adapter.http.auth.Tc3KeyCache;
import io.tkms.adapter.http.auth.Tc3Signature;
import io.tkms.adapter.http.wire.FormBody;
import io.tkms.adapter.http.wire.FormDecoder;
import io.tkms.adapter.http.wire.JsonBody;
import io.tkms.adapter.http.wire.Param;
import io.tkms.adapter.http.wire.Params;
import io.tkms.adapter.http.wire.Unflatten;
import io.tkms.application.port.SignatureBindings;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
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
import java.util.function.Function;

/**
 * API 3.0 on {@code /}: TC3-HMAC-SHA256 (headers) or the legacy HmacSHA1/HmacSHA256 form signing
 * (parameters, with a nonce). Same pipeline as API 2.0; only parsing, the signature and the
 * envelope differ. Every handled request is answered with HTTP 200 and audited once. One per event
 * loop.
 */
public final class V3Endpoint implements Handler<HttpServerRequest> {
  public static final String PATH = "/";
  public static final String VERSION = "2019-01-18";

  /** How API 3.0 answers. */
  public static final Envelope ENVELOPE = Envelope.of(V3Response::success, V3Response::error);

  private static final int MAX_ITEMS = 100;

  // Header names as pre-hashed ASCII strings: looked up several times in every request.
  private static final CharSequence X_TC_ACTION = HttpHeaders.createOptimized("X-TC-Action");
  private static final CharSequence X_TC_VERSION = HttpHeaders.createOptimized("X-TC-Version");
  private static final CharSequence X_TC_TIMESTAMP = HttpHeaders.createOptimized("X-TC-Timestamp");
  private static final CharSequence X_TC_TOKEN = HttpHeaders.createOptimized("X-TC-Token");
  private static final CharSequence X_TC_REGION = HttpHeaders.createOptimized("X-TC-Region");
  private static final CharSequence X_TC_CONTENT_SHA256 =
      HttpHeaders.createOptimized("X-TC-Content-SHA256");

  /** Tencent's mandatory signed headers (signature v3 documentation). */
  private static final List<String> REQUIRED_SIGNED_HEADERS = List.of("content-type", "host");

  private final Pipeline pipeline;
  private final LegacySigning signing;
  private final Dispatcher dispatcher;
  private final Tc3KeyCache signingKeys;
  private final FormDecoder forms = new FormDecoder();
  private final boolean allowUnsignedPayload;
  private final SignatureBindings signatures;
  private final long timestampWindow;

  /** Action → region → binding (see {@link #binding}); this endpoint's event loop only. */
  private final Map<String, Map<String, String>> bindings = new HashMap<>();

  private int bindingCount;
  private static final int MAX_BINDINGS = 1024;

  public V3Endpoint(Pipeline pipeline, ActionCatalog actions) {
    this.pipeline = pipeline;
    this.signing = new LegacySigning(pipeline);
    this.dispatcher = new Dispatcher(actions, pipeline, Protocol.V3);
    this.signingKeys = pipeline.services().signingKeys();
    this.allowUnsignedPayload = pipeline.services().settings().allowUnsignedPayload();
    this.signatures = pipeline.services().signatures();
    this.timestampWindow = pipeline.services().settings().timestampWindowSeconds();
  }

  /** Handles one request; call on the event loop that received it. */
  @Override
  public void handle(HttpServerRequest req) {
    pipeline.handle(
        req,
        Protocol.V3,
        ENVELOPE,
        (ex, body) -> {
          String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
          return auth != null && auth.startsWith(Tc3Authorization.ALGORITHM)
              ? tc3(req, ex, body, auth)
              : legacy(req, ex, body);
        });
  }

  private Future<JsonObject> tc3(HttpServerRequest req, Exchange ex, Buffer body, String header) {
    String action = requiredHeader(req, X_TC_ACTION);
    ex.action = action;
    String version = requiredHeader(req, X_TC_VERSION);
    checkVersion(version);
    String ts = requiredHeader(req, X_TC_TIMESTAMP);
    if (!LegacySigning.digits(ts, 12)) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("X-TC-Timestamp must be Unix seconds");
    }
    long timestamp = Long.parseLong(ts);
    Pipeline.refuseToken(req.getHeader(X_TC_TOKEN));
    Tc3Authorization auth = Tc3Authorization.parse(header);
    // Unsigned, Host would let a signature made for one endpoint be replayed at another, and
    // Content-Type would let a JSON body be read as a form.
    for (String name : REQUIRED_SIGNED_HEADERS) {
      if (!auth.signedHeaders().contains(name)) {
        throw ErrorCode.INVALID_AUTHORIZATION.exception("SignedHeaders must include " + name);
      }
    }
    boolean get = HttpMethod.GET.equals(req.method());
    String query = req.query() == null ? "" : req.query();
    if (!get && !query.isEmpty()) {
      throw ErrorCode.SIGNATURE_FAILURE.exception(
          "the query string of a POST is not signed (TC3 signs an empty query for POST):"
              + " send the parameters in the body");
    }
    if (!allowUnsignedPayload
        && Tc3Signature.isUnsignedPayload(req.getHeader(X_TC_CONTENT_SHA256))) {
      throw ErrorCode.SIGNATURE_FAILURE.exception(
          "X-TC-Content-SHA256: UNSIGNED-PAYLOAD leaves the body unsigned; this server requires a"
              + " signed body");
    }
    // The action input is parsed only after the signature verified: a tampered request is
    // reported as such, and unauthenticated input costs no parsing.
    return pipeline
        .credential(ex, auth.secretId())
        .compose(
            cred -> {
              if (!Tc3Signature.scopeDateMatches(auth.date(), timestamp)) {
                return pipeline.authFailure(ex, ErrorCode.SIGNATURE_FAILURE);
              }
              // HTTP/2 carries the host as :authority, not as a Host header.
              Function<String, String> headers =
                  name -> name.equals("host") ? Pipeline.host(req) : req.getHeader(name);
              byte[] bytes = body.getBytes();
              String payload = Tc3Signature.hashedPayload(bytes, headers);
              List<String> candidates =
                  Tc3Signature.stringsToSign(
                      auth, timestamp, req.method().name(), query, headers, payload);
              boolean ok =
                  !candidates.isEmpty()
                      && signingKeys.verifyAny(
                          auth.secretId(),
                          System.identityHashCode(cred.secretKey()),
                          cred.secretKey().bytes(),
                          auth.date(),
                          auth.service(),
                          candidates,
                          auth.signature());
              if (!ok) {
                return pipeline.authFailure(ex, ErrorCode.SIGNATURE_FAILURE);
              }
              Map<String, Object> input = tc3Input(req, get, body, bytes);
              String region =
                  pipeline.region(
                      firstNonEmpty(req.getHeader(X_TC_REGION), stringOrNull(input.get("Region"))));
              return pipeline
                  .admit(ex, cred, timestamp, null, region)
                  .compose(
                      caller -> {
                        Future<Void> bound =
                            bind(ex, req, auth, binding(action, region, version), timestamp);
                        // The usual outcome is already known: skip a compose step.
                        return bound.succeeded()
                            ? dispatcher.dispatch(ex, caller, action, input)
                            : bound.compose(v -> dispatcher.dispatch(ex, caller, action, input));
                      });
            });
  }

  /**
   * Binds the signature to what it runs as (action, region, version) for its timestamp window,
   * unless the signature covers them itself: the official SDKs sign neither {@code X-TC-Action} nor
   * {@code X-TC-Region}, and without this a captured request would run again as another action or
   * in another region. The first use wins; an identical repeat is allowed.
   */
  /**
   * {@code action\nregion\nversion}, the same String each time for the same three (so that its
   * hash, and the signature store's digest of it, are computed once): a few hundred combinations
   * are remembered per event loop, the rest built per request.
   */
  private String binding(String action, String region, String version) {
    Map<String, String> byRegion = bindings.get(action);
    String b = byRegion == null ? null : byRegion.get(region);
    if (b != null
        && b.endsWith(version)
        && b.length() == action.length() + region.length() + version.length() + 2) {
      return b;
    }
    b = action + '\n' + region + '\n' + version;
    if (bindingCount < MAX_BINDINGS) {
      bindings.computeIfAbsent(action, k -> new HashMap<>()).put(region, b);
      bindingCount++;
    }
    return b;
  }

  private Future<Void> bind(
      Exchange ex, HttpServerRequest req, Tc3Authorization auth, String binding, long timestamp) {
    List<String> signed = auth.signedHeaders();
    if (signed.contains("x-tc-action")
        && (req.getHeader(X_TC_REGION) == null || signed.contains("x-tc-region"))) {
      return Future.succeededFuture();
    }
    return signatures
        .bind(auth.signature(), binding, timestamp + timestampWindow)
        .compose(
            ok ->
                ok
                    ? Future.succeededFuture()
                    : pipeline.authFailure(
                        ex,
                        ErrorCode.SIGNATURE_FAILURE.exception(
                            "this signature was first used for another action, region or version"
                                + " (sign x-tc-action and x-tc-region to bind them)")));
  }

  private Map<String, Object> tc3Input(
      HttpServerRequest req, boolean get, Buffer body, byte[] bytes) {
    if (get) {
      return Unflatten.toTree(Params.toMap(decodeQuery(req)), MAX_ITEMS);
    }
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
    if (lower.startsWith("application/json")
        || (lower.isEmpty() && body.length() > 0 && body.getByte(0) == '{')) {
      return body.length() == 0 ? Map.of() : JsonBody.object(bytes);
    }
    // A POST's query is refused before this point: the form body is the whole input.
    return Unflatten.toTree(Params.toMap(FormBody.decode(type, bytes, forms)), MAX_ITEMS);
  }

  private List<Param> decodeQuery(HttpServerRequest req) {
    String q = req.query();
    return q == null || q.isEmpty() ? List.of() : forms.decode(q);
  }

  /** The legacy HmacSHA1/HmacSHA256 signing on {@code /}: API 2.0's rules with a Version. */
  private Future<JsonObject> legacy(HttpServerRequest req, Exchange ex, Buffer body) {
    List<Param> all = new ArrayList<>(decodeQuery(req));
    if (HttpMethod.POST.equals(req.method()) && body.length() > 0) {
      all.addAll(FormBody.decode(req.getHeader(HttpHeaders.CONTENT_TYPE), body.getBytes(), forms));
    }
    if (all.size() > forms.maxParams()) {
      throw ErrorCode.REQUEST_UNPARSABLE.exception("too many parameters");
    }
    Map<String, String> p = Params.toMap(all);
    String action = LegacySigning.required(Protocol.V3, p, "Action");
    ex.action = action;
    checkVersion(LegacySigning.required(Protocol.V3, p, "Version"));
    // Signed over the names as sent; executed with _ read as ., as the string-to-sign writes it.
    Map<String, String> executed = Params.legacyNames(p);
    return signing
        .authenticate(ex, req, p, PATH, p.get("Region"))
        .compose(
            caller -> {
              Map<String, String> inputFlat = new HashMap<>(executed);
              inputFlat.keySet().removeAll(LegacySigning.COMMON);
              return dispatcher.dispatch(
                  ex, caller, action, Unflatten.toTree(inputFlat, MAX_ITEMS));
            });
  }

  private static void checkVersion(String version) {
    if (!VERSION.equals(version)) {
      throw ErrorCode.NO_SUCH_VERSION.exception();
    }
  }

  private static String requiredHeader(HttpServerRequest req, CharSequence name) {
    String v = req.getHeader(name);
    if (v == null || v.isEmpty()) {
      throw ErrorCode.MISSING_PARAMETER.exception("the header " + name + " is required");
    }
    return v.trim();
  }

  /** The Region input field as a string (API 3.0 input may hold numbers); null when absent. */
  private static String stringOrNull(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter Region must be a string");
  }

  private static String firstNonEmpty(String a, String b) {
    return a != null && !a.isEmpty() ? a : b;
  }
}
