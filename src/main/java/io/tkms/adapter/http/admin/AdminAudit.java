package io.tkms.adapter.http.admin;

import io.tkms.adapter.http.AuditHold;
import io.tkms.adapter.http.RequestIds;
import io.tkms.adapter.http.wire.Params;
import io.tkms.application.port.AuditSink;
import io.tkms.application.port.AuditSink.AuditEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
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

  private final AuditHold hold;

  /**
   * @param blockMillis 0: answers never wait for the audit; else how long they may
   */
  AdminAudit(AuditSink sink, int blockMillis) {
    this.hold = sink == null ? null : new AuditHold(sink, blockMillis);
  }

  /** The first handler of every request: notes when it began. */
  static void start(RoutingContext ctx) {
    ctx.put(STARTED, System.nanoTime());
    ctx.next();
  }

  /**
   * Answers through {@code write} and audits ({@link AuditHold}): {@code write} gets {@code false}
   * when a blocking audit could not queue the event in time.
   */
  void answer(RoutingContext ctx, int status, JsonObject body, Consumer<Boolean> write) {
    if (hold == null) {
      write.accept(true);
    } else {
      hold.answer(event(ctx, status, body), write);
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
