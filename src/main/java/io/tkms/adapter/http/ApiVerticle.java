package io.tkms.adapter.http;

import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One API event loop: serves {@code /healthz}, {@code /readyz} and the routes it is given (API 2.0
 * on {@code /v2/index.php} and API 3.0 on {@code /}, wired by boot). Deployed once per core; Vert.x
 * shares the port between the instances. Never logs URIs (query strings carry signatures and
 * plaintext).
 */
public final class ApiVerticle extends VerticleBase {
  private static final String JSON = "application/json; charset=utf-8";
  private final ApiServices services;
  private final HttpServerOptions options;
  private final List<Route> routes;
  private final Map<String, Handler<HttpServerRequest>> endpoints = new HashMap<>();
  private HttpServer server;
  private ClosingConnections connections;

  public ApiVerticle(ApiServices services, HttpServerOptions options, List<Route> routes) {
    this.services = services;
    this.options = options;
    this.routes = List.copyOf(routes);
  }

  @Override
  public Future<?> start() {
    Pipeline pipeline = new Pipeline(services);
    connections = pipeline.connections();
    for (Route r : routes) {
      endpoints.put(r.path(), r.endpoint().apply(pipeline));
    }
    server =
        vertx
            .createHttpServer(options)
            .requestHandler(this::route)
            .invalidRequestHandler(this::invalid);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void route(HttpServerRequest req) {
    // Counted until the response ends, so a graceful stop can let this request finish.
    if (connections.refuse(req)) {
      return; // pipelined behind a request whose connection is being closed: never served
    }
    services.readiness().inFlight().track(req);
    String path = req.path();
    Handler<HttpServerRequest> endpoint = path == null ? null : endpoints.get(path);
    if (path == null) {
      req.response().setStatusCode(400).end();
    } else if (endpoint != null) {
      endpoint.handle(req);
    } else if (path.equals("/healthz")) {
      json(req, 200, new JsonObject().put("status", "up"));
    } else if (path.equals("/readyz")) {
      readyz(req);
    } else {
      json(req, 404, new JsonObject().put("error", "not found"));
    }
  }

  /**
   * Requests the HTTP codec could not decode (request line or headers too long, bad header
   * characters): answered in the protocol's envelope with HTTP 200, like any other bad input, and
   * the connection closed since its framing cannot be trusted.
   */
  private void invalid(HttpServerRequest req) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    boolean tooLong = cause instanceof io.netty.handler.codec.TooLongFrameException;
    ErrorCode code = tooLong ? ErrorCode.REQUEST_TOO_LARGE : ErrorCode.REQUEST_UNPARSABLE;
    JsonObject body = invalidAnswer(req.uri() == null ? "" : req.uri(), code);
    req.response().putHeader(HttpHeaders.CONNECTION, "close");
    // Vert.x closes the connection after this answer. Closing while the client is still sending
    // the rest of an oversized request would make the kernel reset the connection, and a reset can
    // destroy the answer before the client reads it. The codec discards what still arrives, so
    // answer a moment later, once a client on a sane network has finished sending.
    vertx.setTimer(INVALID_ANSWER_DELAY_MS, t -> json(req, 200, body));
  }

  /**
   * The error in the envelope of the route {@code uri} names; when the request line itself was
   * unreadable (Netty then reports "/bad-request") the protocol is unknown: every envelope at once,
   * so a client of either protocol sees an error.
   */
  private JsonObject invalidAnswer(String uri, ErrorCode code) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    JsonObject all = new JsonObject();
    for (Route r : routes) {
      JsonObject one = new JsonObject(r.envelope().error(RequestIds.next(), code, code.message()));
      if (r.path().equals(path)) {
        return one;
      }
      all.mergeIn(one);
    }
    return all;
  }

  /** How long an undecodable request waits for its answer (see {@link #invalid}). */
  private static final long INVALID_ANSWER_DELAY_MS = 200;

  /** How long {@code /readyz} waits for the database's answer. */
  static final long READY_CHECK_MS = 1_000;

  private void readyz(HttpServerRequest req) {
    if (services.readiness().draining()) {
      json(
          req,
          503,
          new JsonObject()
              .put("status", "draining")
              .put("database", "unknown")
              .mergeIn(services.readiness().details()));
      return;
    }
    services
        .readiness()
        .checkDatabase()
        // Answered within a second whatever the database does (a frozen connection never
        // answers): a probe that hangs tells an orchestrator nothing.
        .timeout(READY_CHECK_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                json(
                    req,
                    200,
                    new JsonObject()
                        .put("status", "ready")
                        .put("sealed", false)
                        .put("migrated", true)
                        .put("database", "up")
                        .mergeIn(services.readiness().details()));
              } else {
                json(
                    req,
                    503,
                    new JsonObject()
                        .put("status", "not ready")
                        .put("sealed", false)
                        .put("migrated", true)
                        .put("database", "down")
                        .mergeIn(services.readiness().details()));
              }
            });
  }

  private void json(HttpServerRequest req, int status, JsonObject body) {
    if (!req.response().ended()) {
      req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
      connections.end(req, body.toBuffer());
    }
  }
}
