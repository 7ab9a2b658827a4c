package io.tkms.adapter.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Function;

/**
 * One API path of the route table {@link ApiVerticle} serves: the exact path, the envelope its
 * clients read errors in, and how each event loop builds its endpoint. Wiring (boot) makes the
 * table, so this package never imports the protocol packages.
 *
 * @param path the request path, matched exactly
 * @param envelope the protocol's envelope (also for requests the HTTP codec could not decode)
 * @param endpoint builds the path's handler for one event loop's pipeline
 */
public record Route(
    String path, Envelope envelope, Function<Pipeline, Handler<HttpServerRequest>> endpoint) {}
