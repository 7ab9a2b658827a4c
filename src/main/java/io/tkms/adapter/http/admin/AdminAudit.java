package io.tkms.adapter.http.admin;

import io.tkms.adapter.http.RequestIds;
import io.tkms.adapter.http.wire.Params;
import io.tkms.application.port.AuditSink;
import io.tkms.application.port.AuditSink.AuditEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One audit event per management request, in the same stream as the API's (protocol {@code admin}):
 * the time, the route ({@code POST /admin/v1/accounts/:appId/principals}), the ids it touched
 * (account, principal, credential: from the path, or from the answer of a create), the HTTP status
 * as the result, the source address and the latency. Never the token, a SecretKey or any other body
 * field.
 */
final class AdminAudit {
  private static final String STARTED = "tkms.started";
  private static final int MAX_PATH = 128;

  /** How often a held answer asks the audit queue again (only with a blocking audit). */
  private static final long RETRY_MILLIS = 2;

  private final AuditSink sink;
  private final int blockMillis;

  /**
   * @param blockMillis 0: answers never wait for the audit; else how long they may
   */
  AdminAudit(AuditSink sink, int blockMillis) {
    this.blockMillis = blockMillis;
    this.sink = sink;
  }

  /** The first handler of every request: notes when it began. */
  static void start(RoutingContext ctx) {
    ctx.put(STARTED, System.nanoTime());
    ctx.next();
  }

  /**
   * Answers through {@code write} and audits: by default writes first (with {@code true}) and then
   * records the event, dropped if the queue is full; with a blocking audit writes only once the
   * event is queued (polling on the event loop's timer), or with {@code false} after {@code
   * blockMillis}, counting the event as dropped.
   */
  void answer(RoutingContext ctx, int status, JsonObject body, Consumer<Boolean> write) {
    if (sink == null) {
      write.accept(true);
      return;
    }
    AuditEvent event = event(ctx, status, body);
    if (blockMillis == 0) {
      write.accept(true);
      sink.record(event);
    } else {
      await(ctx, event, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(blockMillis), write);
    }
  }

  private void await(RoutingContext ctx, AuditEvent event, long deadline, Consumer<Boolean> write) {
    if (sink.offer(event)) {
      write.accept(true);
    } else if (System.nanoTime() - deadline >= 0) {
      sink.abandon(event);
      write.accept(false);
    } else {
      ctx.vertx().setTimer(RETRY_MILLIS, t -> await(ctx, event, deadline, write));
    }
  }

  private AuditEvent event(RoutingContext ctx, int status, JsonObject answer) {
    Long started = ctx.get(STARTED);
    long micros = started == null ? 0 : (System.nanoTime() - started) / 1000;
    boolean ok = status >= 200 && status < 300;
    String source =
        ctx.request().remoteAddress() == null
            ? "unknown"
            : ctx.request().remoteAddress().hostAddress();
    return new AuditEvent(
        System.currentTimeMillis(),
        RequestIds.next(),
        "admin",
        id(ctx, "appId", ok ? answer : null),
        id(ctx, "uin", ok ? answer : null),
        id(ctx, "secretId", ok ? answer : null),
        route(ctx),
        "",
        Integer.toString(status),
        source,
        micros);
  }

  /** The id from the path, else from a successful answer (the id a create made), else "". */
  private static String id(RoutingContext ctx, String name, JsonObject answer) {
    String v = ctx.pathParam(name);
    if (v == null && answer != null) {
      Object a = answer.getValue(name);
      v = a instanceof String || a instanceof Number ? String.valueOf(a) : null;
    }
    return v == null ? "" : Params.forMessage(v);
  }

  /** The method and the route's pattern; the request's path (made printable) when none matched. */
  private static String route(RoutingContext ctx) {
    Route r = ctx.currentRoute();
    String path = r != null && r.getPath() != null ? r.getPath() : ctx.request().path();
    if (path == null) {
      path = "";
    } else if (path.length() > MAX_PATH) {
      path = path.substring(0, MAX_PATH);
    }
    return ctx.request().method().name() + " " + Params.forMessage(path);
  }
}
