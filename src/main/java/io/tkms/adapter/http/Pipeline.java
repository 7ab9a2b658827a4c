package io.tkms.adapter.http;

import io.tkms.application.Caller;
import io.tkms.application.CredentialCache.Credential;
import io.tkms.application.port.AccountRepository.PrincipalType;
import io.tkms.application.port.AuditSink.AuditEvent;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol-independent steps of the request pipeline, in the order both endpoints run them:
 * bounded body, source throttle, credential, (the protocol's own signature check), timestamp
 * window, collaborator refusal, replay, account limiter; and the one place that answers and audits.
 * Call on the request's event loop.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final CharSequence JSON =
      HttpHeaders.createOptimized("application/json; charset=utf-8");

  private final ApiServices services;
  private final AuditHold audit;
  private final ClosingConnections connections = new ClosingConnections();

  public Pipeline(ApiServices services) {
    this.services = services;
    this.audit =
        services == null
            ? null
            : new AuditHold(services.audit(), services.settings().auditBlockMillis());
  }

  /** This event loop's connections that are answered once more and then closed. */
  ClosingConnections connections() {
    return connections;
  }

  public ApiServices services() {
    return services;
  }

  /** The protocol-specific part of handling one request: parse, authenticate, run the action. */
  @FunctionalInterface
  public interface Processor {
    Future<JsonObject> process(Exchange ex, Buffer body);
  }

  /**
   * Handles one request of {@code protocol} on the event loop that received it: bounded body,
   * GET/POST only, bounded query string, then {@code processor}; every outcome is answered in
   * {@code envelope} with HTTP 200 and audited once. Unexpected failures become INTERNAL_ERROR and
   * are logged by class name only.
   */
  public void handle(
      HttpServerRequest req, Protocol protocol, Envelope envelope, Processor processor) {
    Exchange ex = start(req, protocol);
    int limit = services.settings().maxBodyBytes();
    collect(
        req,
        body -> {
          Future<JsonObject> result;
          try {
            if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.POST.equals(req.method())) {
              throw ErrorCode.UNSUPPORTED_METHOD.exception();
            }
            String query = req.query();
            if (query != null && query.length() > limit) {
              throw ErrorCode.REQUEST_TOO_LARGE.exception(
                  "query string is longer than " + limit + " bytes");
            }
            result = processor.process(ex, body);
          } catch (KmsException e) {
            result = Future.failedFuture(e);
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          if (result.isComplete()) {
            answer(req, ex, envelope, result);
          } else {
            answerByDeadline(req, ex, envelope, result);
          }
        },
        () ->
            fail(
                req,
                ex,
                envelope,
                ErrorCode.REQUEST_TOO_LARGE.exception(
                    "request body is larger than " + limit + " bytes")));
  }

  private void answer(
      HttpServerRequest req, Exchange ex, Envelope envelope, Future<JsonObject> result) {
    if (result.succeeded()) {
      respond(req, ex, envelope, envelope.success(ex.requestId, result.result()), "0");
    } else {
      fail(req, ex, envelope, result.cause());
    }
  }

  /**
   * Answers when {@code result} completes or when the request's deadline passes, whichever is first
   * (a result after the deadline is dropped: the work it did, a committed change included, stays
   * done). Only requests still waiting after the synchronous part pay for the timer.
   */
  private void answerByDeadline(
      HttpServerRequest req, Exchange ex, Envelope envelope, Future<JsonObject> result) {
    long millis = services.settings().requestTimeoutMillis();
    Vertx vertx = Vertx.currentContext() == null ? null : Vertx.currentContext().owner();
    if (vertx == null || millis <= 0) {
      result.onComplete(ar -> answer(req, ex, envelope, result));
      return;
    }
    boolean[] answered = {false};
    long timer =
        vertx.setTimer(
            millis,
            t -> {
              if (!answered[0]) {
                answered[0] = true;
                timedOut(req, ex, envelope, millis);
              }
            });
    result.onComplete(
        ar -> {
          if (!answered[0]) {
            answered[0] = true;
            vertx.cancelTimer(timer);
            answer(req, ex, envelope, result);
          }
        });
  }

  /** What the audit records for a request answered at its deadline. */
  static final String TIMEOUT_RESULT = "InternalError.Timeout";

  private void timedOut(HttpServerRequest req, Exchange ex, Envelope envelope, long millis) {
    ErrorCode code = ErrorCode.INTERNAL_ERROR;
    LOG.atError()
        .addKeyValue("requestId", ex.requestId)
        .log(
            "request {} answered {} in {} {}: its deadline of {} ms passed",
            ex.requestId,
            code.v3Code(),
            ex.protocol.label(),
            safeName(ex.action),
            millis);
    respond(
        req,
        ex,
        envelope,
        envelope.error(ex.requestId, code, code.exception().getMessage()),
        code.v3Code(),
        TIMEOUT_RESULT);
  }

  private void fail(HttpServerRequest req, Exchange ex, Envelope envelope, Throwable failure) {
    KmsException e = KmsException.of(failure);
    String detail =
        failure instanceof KmsException k ? k.internalDetail() : failure.getClass().getName();
    if (detail != null) {
      // The one log line of a failed request, carrying its id (and, in JSON logs, as a field).
      LOG.atError()
          .addKeyValue("requestId", ex.requestId)
          .log(
              "request {} failed in {} {}: {}",
              ex.requestId,
              ex.protocol.label(),
              safeName(ex.action),
              detail);
    }
    respond(
        req,
        ex,
        envelope,
        envelope.error(ex.requestId, e.code(), e.getMessage()),
        e.code().v3Code());
  }

  /** A new exchange for {@code req}. */
  public Exchange start(HttpServerRequest req, Protocol protocol) {
    SocketAddress a = req.remoteAddress();
    return new Exchange(
        RequestIds.next(), System.nanoTime(), a == null ? "unknown" : a.hostAddress(), protocol);
  }

  /**
   * Collects the body, at most {@code maxBodyBytes}. A larger body is answered by {@code tooLarge}
   * as soon as it passes the limit, and its connection closed soon after (see {@link
   * ClosingConnections}); {@code then} never runs for it.
   */
  public void collect(HttpServerRequest req, Consumer<Buffer> then, Runnable tooLarge) {
    int limit = services.settings().maxBodyBytes();
    Buffer body = Buffer.buffer();
    long[] extra = {-1}; // bytes after the answer of an oversized body; -1 while within the limit
    req.handler(
        chunk -> {
          if (extra[0] >= 0) {
            extra[0] += chunk.length();
            connections.linger(req, extra[0]);
          } else if (body.length() + chunk.length() <= limit) {
            body.appendBuffer(chunk);
          } else {
            extra[0] = 0;
            connections.mark(req);
            connections.closeLater(req);
            tooLarge.run();
          }
        });
    req.exceptionHandler(e -> LOG.debug("request stream failed: {}", e.getClass().getSimpleName()));
    req.endHandler(
        v -> {
          if (extra[0] >= 0) {
            connections.linger(req, extra[0]);
          } else {
            then.accept(body);
          }
        });
  }

  /** The Host header as received (with its port), or the HTTP/2 authority. */
  public static String host(HttpServerRequest req) {
    String h = req.getHeader(HttpHeaders.HOST);
    if (h == null && req.authority() != null) {
      h = req.authority().toString();
    }
    return h == null ? "" : h;
  }

  /** The region named (or the default); UNSUPPORTED_REGION when it is not served. */
  public String region(String name) {
    if (name == null || name.isEmpty()) {
      return services.settings().defaultRegion();
    }
    return services.settings().region(name).orElseThrow(ErrorCode.UNSUPPORTED_REGION::exception);
  }

  /**
   * Source throttle, then the credential: malformed, unknown, disabled, or usable. A malformed
   * SecretId (not 1 to {@value #MAX_SECRET_ID} printable ASCII characters) is refused as not found
   * before any cache or database look-up; like an unknown or disabled one it counts as a failed
   * authentication of the source. A failed look-up (database down) is an internal error and does
   * not count.
   */
  public Future<Credential> credential(Exchange ex, String secretId) {
    if (services.sourceLimiter().isBlocked(ex.source)) {
      return Future.failedFuture(ErrorCode.SOURCE_THROTTLED.exception());
    }
    if (!wellFormedSecretId(secretId)) {
      return authFailure(ex, ErrorCode.SECRET_ID_NOT_FOUND);
    }
    ex.secretId = secretId;
    return services
        .credentials()
        .find(secretId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return authFailure(ex, ErrorCode.SECRET_ID_NOT_FOUND);
              }
              if (!found.get().enabled()) {
                return authFailure(ex, ErrorCode.SECRET_ID_DISABLED);
              }
              return Future.succeededFuture(found.get());
            });
  }

  /** The longest SecretId looked up; Tencent's are 36 characters, ours as issued are shorter. */
  static final int MAX_SECRET_ID = 128;

  /** 1 to {@value #MAX_SECRET_ID} printable ASCII characters (no blanks, no controls). */
  static boolean wellFormedSecretId(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_SECRET_ID) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses temporary credentials: a non-empty token (API 3.0 {@code X-TC-Token}, the legacy {@code
   * Token} parameter) fails with TOKEN_NOT_SUPPORTED.
   */
  public static void refuseToken(String token) {
    if (token != null && !token.isEmpty()) {
      throw ErrorCode.TOKEN_NOT_SUPPORTED.exception();
    }
  }

  /** Counts a failed authentication against the source address and fails with {@code code}. */
  public <T> Future<T> authFailure(Exchange ex, ErrorCode code) {
    return authFailure(ex, code.exception());
  }

  /** As {@link #authFailure(Exchange, ErrorCode)}, with a message of its own. */
  public <T> Future<T> authFailure(Exchange ex, KmsException failure) {
    services.sourceLimiter().recordFailure(ex.source);
    return Future.failedFuture(failure);
  }

  /**
   * After the signature verified: the timestamp window, the collaborator refusal, and the replay
   * check when the protocol has a nonce ({@code nonce} null for TC3).
   */
  public Future<Caller> admit(
      Exchange ex, Credential cred, long timestamp, String nonce, String region) {
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
    if (nonce == null) {
      return Future.succeededFuture(caller);
    }
    return services
        .replay()
        .firstSeen(cred.appId(), cred.secretId(), timestamp, nonce, timestamp + window)
        .compose(
            first ->
                first ? Future.succeededFuture(caller) : authFailure(ex, ErrorCode.REPLAYED_NONCE));
  }

  /** The account's limits for the action and its group; throttled requests fail before any work. */
  public Future<Void> throttle(Caller caller, Group group, String action) {
    return services
        .limits()
        .admit(caller.appId(), group, action)
        .compose(
            ok -> {
              services.metrics().limiter(caller.appId(), group, ok);
              return ok
                  ? Future.<Void>succeededFuture()
                  : Future.failedFuture(
                      (group == Group.MANAGEMENT
                              ? ErrorCode.MANAGEMENT_THROTTLED
                              : ErrorCode.CRYPTO_THROTTLED)
                          .exception());
            });
  }

  /**
   * Answers with HTTP 200 and {@code payload}, records the metrics and the audit event. By default
   * the answer never waits for the audit (a full queue drops the event and counts it). With {@link
   * HttpSettings#auditBlockMillis()} the answer is held until the event is queued, polled on this
   * event loop's timer so that nothing blocks, and after that long the request is answered with
   * {@code InternalError} instead (its event counted as dropped). The action has run by then: the
   * client learns only that it cannot rely on the answer.
   */
  private void respond(
      HttpServerRequest req, Exchange ex, Envelope envelope, Buffer payload, String result) {
    respond(req, ex, envelope, payload, result, result);
  }

  /** As above, with {@code auditResult} in the audit event instead of the answer's code. */
  private void respond(
      HttpServerRequest req,
      Exchange ex,
      Envelope envelope,
      Buffer payload,
      String result,
      String auditResult) {
    AuditEvent event = auditEvent(ex, auditResult, System.nanoTime() - ex.startNanos);
    audit.answer(
        event,
        queued -> {
          if (queued) {
            send(req, ex, payload, result, System.nanoTime() - ex.startNanos);
            return;
          }
          ErrorCode code = ErrorCode.INTERNAL_ERROR;
          LOG.atError()
              .addKeyValue("requestId", ex.requestId)
              .log(
                  "request {} answered {}: its audit event could not be queued",
                  ex.requestId,
                  code);
          send(
              req,
              ex,
              envelope.error(ex.requestId, code, code.exception().getMessage()),
              code.v3Code(),
              System.nanoTime() - ex.startNanos);
        });
  }

  private void send(HttpServerRequest req, Exchange ex, Buffer payload, String result, long nanos) {
    var resp = req.response();
    if (!resp.ended() && !resp.closed()) {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, JSON);
      if (services.readiness().draining()) {
        resp.putHeader(HttpHeaders.CONNECTION, "close");
      }
      connections.end(req, payload);
    }
    services.metrics().request(ex.protocol.label(), ex.action, result, nanos);
  }

  private static AuditEvent auditEvent(Exchange ex, String result, long nanos) {
    Caller c = ex.caller;
    return new AuditEvent(
        System.currentTimeMillis(),
        ex.requestId,
        ex.protocol.label(),
        c == null ? "" : c.appId(),
        c == null ? "" : c.uin(),
        ex.secretId.length() > 128 ? "" : ex.secretId,
        safeName(ex.action),
        ex.keyId,
        result,
        ex.source,
        nanos / 1000);
  }

  /** Names are echoed into logs and audit only when they look like names. */
  public static String safeName(String s) {
    if (s.length() > 64) {
      return "?";
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isLetterOrDigit(s.charAt(i))) {
        return "?";
      }
    }
    return s;
  }
}
