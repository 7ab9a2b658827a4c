package io.tkms.adapter.http.v2;

import io.tkms.adapter.http.ApiServices;
import io.tkms.adapter.http.RequestIds;
import io.tkms.adapter.http.auth.V2Signature;
import io.tkms.adapter.http.wire.ArrayParams;
import io.tkms.adapter.http.wire.FormDecoder;
import io.tkms.adapter.http.wire.MultipartDecoder;
import io.tkms.adapter.http.wire.Param;
import io.tkms.adapter.http.wire.Params;
import io.tkms.application.Caller;
import io.tkms.application.CredentialCache;
import io.tkms.application.port.AccountRepository.PrincipalType;
import io.tkms.application.port.AuditSink.AuditEvent;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v2/index.php}: collects the body (bounded), then runs the pipeline in the documented
 * order: parse → credential → signature → timestamp window → replay → account limiter → action.
 * Every handled request is answered with HTTP 200 and the v2 envelope, and audited once.
 */
public final class V2Endpoint {
  public static final String PATH = "/v2/index.php";
  private static final Logger LOG = LoggerFactory.getLogger(V2Endpoint.class);
  private static final int MAX_ARRAY_ITEMS = 100;
  private static final String JSON = "application/json; charset=utf-8";

  private final ApiServices services;
  private final V2Actions actions;
  private final FormDecoder forms = new FormDecoder();

  public V2Endpoint(ApiServices services) {
    this.services = services;
    this.actions = new V2Actions(services.crypto(), services.keys());
  }

  /** Handles one request; call on the event loop that received it. */
  public void handle(HttpServerRequest req) {
    Exchange ex = new Exchange(RequestIds.next(), System.nanoTime(), source(req));
    int limit = services.settings().maxBodyBytes();
    Buffer body = Buffer.buffer();
    boolean[] tooLarge = {false};
    req.handler(
        chunk -> {
          if (!tooLarge[0] && body.length() + chunk.length() <= limit) {
            body.appendBuffer(chunk);
          } else {
            tooLarge[0] = true;
          }
        });
    req.exceptionHandler(e -> LOG.debug("request stream failed: {}", e.getClass().getSimpleName()));
    req.endHandler(
        v -> {
          if (tooLarge[0]) {
            finish(req, ex, ErrorCode.REQUEST_TOO_LARGE.exception("request body is larger than " + limit + " bytes"));
          } else {
            process(req, ex, body);
          }
        });
  }

  private void process(HttpServerRequest req, Exchange ex, Buffer body) {
    V2Request params;
    String host;
    try {
      if (req.method() != HttpMethod.GET && req.method() != HttpMethod.POST) {
        throw ErrorCode.UNSUPPORTED_METHOD.exception();
      }
      params = new V2Request(parse(req, body));
      ex.action = params.optional("Action") == null ? "" : params.optional("Action");
      host = host(req);
    } catch (KmsException e) {
      finish(req, ex, e);
      return;
    } catch (RuntimeException e) {
      LOG.error("unexpected failure parsing a v2 request: {}", e.getClass().getName());
      finish(req, ex, ErrorCode.INTERNAL_ERROR.exception());
      return;
    }
    Future<JsonObject> result;
    try {
      result = authenticateAndRun(req, ex, params, host);
    } catch (KmsException e) {
      result = Future.failedFuture(e);
    } catch (RuntimeException e) {
      LOG.error("unexpected failure in a v2 request: {}", e.getClass().getName());
      result = Future.failedFuture(ErrorCode.INTERNAL_ERROR.exception());
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        respond(req, ex, V2Response.success(ex.requestId, ar.result()), "0");
      } else {
        finish(req, ex, ar.cause());
      }
    });
  }

  private Map<String, String> parse(HttpServerRequest req, Buffer body) {
    List<Param> all = new ArrayList<>();
    String query = req.query();
    if (query != null && query.length() > services.settings().maxBodyBytes()) {
      throw ErrorCode.REQUEST_TOO_LARGE.exception("query string is longer than " + services.settings().maxBodyBytes() + " bytes");
    }
    if (query != null && !query.isEmpty()) {
      all.addAll(forms.decode(query));
    }
    if (req.method() == HttpMethod.POST && body.length() > 0) {
      String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
      String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
      if (lower.isEmpty() || lower.startsWith("application/x-www-form-urlencoded")) {
        all.addAll(forms.decode(body.getBytes()));
      } else if (lower.startsWith("multipart/form-data")) {
        all.addAll(MultipartDecoder.decode(body.getBytes(), type, forms.maxParams()));
      } else {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("unsupported content type; use application/x-www-form-urlencoded or multipart/form-data");
      }
      if (all.size() > forms.maxParams()) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("too many parameters");
      }
    }
    Map<String, String> flat = Params.toMap(all);
    // No API 2.0 action takes an array: any indexed name is refused by the generic decoder.
    ArrayParams.decode(flat, Set.of(), MAX_ARRAY_ITEMS);
    return flat;
  }

  private Future<JsonObject> authenticateAndRun(HttpServerRequest req, Exchange ex, V2Request p, String host) {
    String action = p.required("Action");
    String secretId = p.required("SecretId");
    ex.secretId = secretId;
    String signature = p.required("Signature");
    long timestamp = p.unsigned("Timestamp");
    p.unsigned("Nonce");
    String nonce = p.required("Nonce");
    String region = region(host, p);
    String token = p.optional("Token");
    if (token != null && !token.isEmpty()) {
      throw ErrorCode.TOKEN_NOT_SUPPORTED.exception();
    }
    if (services.sourceLimiter().isBlocked(ex.source)) {
      throw ErrorCode.SOURCE_THROTTLED.exception();
    }
    String method = req.method().name();
    return services
        .credentials()
        .find(secretId)
        .compose(found -> {
          if (found.isEmpty()) {
            return authFailure(ex, ErrorCode.SECRET_ID_NOT_FOUND);
          }
          CredentialCache.Credential cred = found.get();
          if (!cred.enabled()) {
            return authFailure(ex, ErrorCode.SECRET_ID_DISABLED);
          }
          String sts = V2Signature.stringToSign(method, host, PATH, p.all());
          V2Signature.Algorithm alg = V2Signature.Algorithm.of(p.optional("SignatureMethod"));
          if (!V2Signature.verify(alg, cred.secretKey().bytes(), sts, signature)) {
            return authFailure(ex, ErrorCode.SIGNATURE_FAILURE);
          }
          long now = services.clock().instant().getEpochSecond();
          int window = services.settings().timestampWindowSeconds();
          if (Math.abs(now - timestamp) > window) {
            return authFailure(ex, ErrorCode.SIGNATURE_EXPIRED);
          }
          if (cred.type() == PrincipalType.COLLABORATOR) {
            return Future.failedFuture(ErrorCode.COLLABORATOR_REFUSED.exception());
          }
          Caller caller = new Caller(cred.appId(), cred.uin(), cred.secretId(), region);
          ex.caller = caller;
          return services.replay().firstSeen(secretId, timestamp, nonce, timestamp + window)
              .compose(first -> first ? Future.succeededFuture(caller) : authFailure(ex, ErrorCode.REPLAYED_NONCE));
        })
        .compose(caller -> run(ex, caller, action, p));
  }

  private Future<JsonObject> run(Exchange ex, Caller caller, String name, V2Request p) {
    V2Actions.Action action = actions.find(name);
    if (action == null) {
      return Future.failedFuture(ErrorCode.INVALID_ACTION.exception());
    }
    return services.limiter().tryAcquire(caller.appId(), action.group())
        .compose(ok -> {
          if (!ok) {
            return Future.failedFuture((action.group() == Group.CRYPTO ? ErrorCode.CRYPTO_THROTTLED : ErrorCode.MANAGEMENT_THROTTLED).exception());
          }
          try {
            return action.handler().handle(ex, caller, p);
          } catch (KmsException e) {
            return Future.failedFuture(e);
          }
        });
  }

  private <T> Future<T> authFailure(Exchange ex, ErrorCode code) {
    services.sourceLimiter().recordFailure(ex.source);
    return Future.failedFuture(code.exception());
  }

  private String region(String host, V2Request p) {
    String name = null;
    if (host.startsWith("kms-")) {
      int dot = host.indexOf('.');
      if (dot > 4) {
        name = host.substring(4, dot);
      }
    }
    if (name == null) {
      name = p.optional("Region");
    }
    if (name == null || name.isEmpty()) {
      return services.settings().defaultRegion();
    }
    return services.settings().region(name).orElseThrow(ErrorCode.UNSUPPORTED_REGION::exception);
  }

  private static String host(HttpServerRequest req) {
    String h = req.getHeader(HttpHeaders.HOST);
    if (h == null && req.authority() != null) {
      h = req.authority().toString();
    }
    return h == null ? "" : h;
  }

  private static String source(HttpServerRequest req) {
    SocketAddress a = req.remoteAddress();
    return a == null ? "unknown" : a.hostAddress();
  }

  private void finish(HttpServerRequest req, Exchange ex, Throwable failure) {
    KmsException e = KmsException.of(failure);
    if (!(failure instanceof KmsException)) {
      LOG.error("unexpected failure in {}: {}", ex.action.isEmpty() ? "a v2 request" : "v2 " + safe(ex.action),
          failure.getClass().getName());
    }
    respond(req, ex, V2Response.error(ex.requestId, e.code(), e.getMessage()), e.code().v3Code());
  }

  private void respond(HttpServerRequest req, Exchange ex, Buffer payload, String result) {
    var resp = req.response();
    if (!resp.ended() && !resp.closed()) {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, JSON);
      if (services.readiness().draining()) {
        resp.putHeader(HttpHeaders.CONNECTION, "close");
      }
      resp.end(payload);
    }
    Caller c = ex.caller;
    services.audit().record(new AuditEvent(System.currentTimeMillis(), ex.requestId, "v2",
        c == null ? "" : c.appId(), c == null ? "" : c.uin(), ex.secretId.length() > 128 ? "" : ex.secretId,
        safe(ex.action), ex.keyId, result, ex.source, (System.nanoTime() - ex.startNanos) / 1000));
  }

  /** Action names are echoed into logs and audit only when they look like names. */
  private static String safe(String s) {
    return s.length() <= 64 && s.chars().allMatch(Character::isLetterOrDigit) ? s : "?";
  }
}
