package io.tkms.adapter.http;

import io.tkms.adapter.http.v2.V2Endpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * One API event loop: serves {@code /healthz}, {@code /readyz}, API 2.0 on {@code /v2/index.php}
 * and (not yet) API 3.0 on {@code /}. Deployed once per core; Vert.x shares the port between the
 * instances. Never logs URIs (query strings carry signatures and plaintext).
 */
public final class ApiVerticle extends VerticleBase {
  private static final String JSON = "application/json; charset=utf-8";
  private final ApiServices services;
  private final HttpServerOptions options;
  private HttpServer server;
  private V2Endpoint v2;

  public ApiVerticle(ApiServices services, HttpServerOptions options) {
    this.services = services;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    v2 = new V2Endpoint(services);
    server = vertx.createHttpServer(options).requestHandler(this::route);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void route(HttpServerRequest req) {
    // Counted until the response ends, so a graceful stop can let this request finish.
    services.readiness().inFlight().track(req);
    String path = req.path();
    if (path == null) {
      req.response().setStatusCode(400).end();
    } else if (path.equals(V2Endpoint.PATH)) {
      v2.handle(req);
    } else if (path.equals("/healthz")) {
      json(req, 200, new JsonObject().put("status", "up"));
    } else if (path.equals("/readyz")) {
      readyz(req);
    } else if (path.equals("/")) {
      v3NotYet(req);
    } else {
      json(req, 404, new JsonObject().put("error", "not found"));
    }
  }

  private void readyz(HttpServerRequest req) {
    if (services.readiness().draining()) {
      json(req, 503, new JsonObject().put("status", "draining").put("database", "unknown"));
      return;
    }
    services.readiness().checkDatabase().onComplete(ar -> {
      if (ar.succeeded()) {
        json(req, 200, new JsonObject().put("status", "ready").put("sealed", false).put("migrated", true).put("database", "up"));
      } else {
        json(req, 503, new JsonObject().put("status", "not ready").put("sealed", false).put("migrated", true).put("database", "down"));
      }
    });
  }

  /** API 3.0 is the next milestone: answer in its envelope rather than pretend. */
  private void v3NotYet(HttpServerRequest req) {
    // Drain without buffering: the body is not needed and must not cost memory.
    req.handler(chunk -> {});
    req.endHandler(v -> json(req, 200, new JsonObject().put("Response", new JsonObject()
        .put("Error", new JsonObject().put("Code", "UnsupportedOperation").put("Message", "API 3.0 is not available on this server yet"))
        .put("RequestId", RequestIds.next()))));
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    if (!req.response().ended()) {
      req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.toBuffer());
    }
  }
}
