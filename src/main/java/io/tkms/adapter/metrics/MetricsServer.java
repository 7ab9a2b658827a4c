package io.tkms.adapter.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Prometheus endpoint: {@code GET /metrics} in the text exposition format, no authentication
 * (bind it to an address only the monitoring network reaches). The scrape is rendered on a worker
 * thread so a large registry never holds up an event loop.
 */
public final class MetricsServer {
  /** The path Prometheus scrapes. */
  public static final String PATH = "/metrics";

  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final Runnable beforeScrape;
  private HttpServer server;

  /**
   * @param beforeScrape refreshes gauges whose series change (run on the scrape's worker thread)
   */
  public MetricsServer(Vertx vertx, PrometheusMeterRegistry registry, Runnable beforeScrape) {
    this.vertx = vertx;
    this.registry = registry;
    this.beforeScrape = beforeScrape;
  }

  /** Listens on {@code host:port}; completes with the port bound. */
  public Future<Integer> listen(String host, int port) {
    server =
        vertx
            .createHttpServer(
                // HTTP/1.1 only: Prometheus scrapes with it, and an h2c upgrade (the JDK client
                // asks for one by default) answered a large page in frames above the client's
                // limit.
                new HttpServerOptions()
                    .setHost(host)
                    .setPort(port)
                    .setIdleTimeout(60)
                    .setHttp2ClearTextEnabled(false))
            .requestHandler(this::handle);
    return server.listen().map(HttpServer::actualPort);
  }

  private void handle(HttpServerRequest req) {
    if (!PATH.equals(req.path())) {
      req.response().setStatusCode(404).end();
      return;
    }
    if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
      req.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
      return;
    }
    vertx
        .executeBlocking(
            () -> {
              beforeScrape.run();
              return registry.scrape();
            },
            false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                req.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(ar.result());
              } else {
                req.response().setStatusCode(500).end();
              }
            });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
