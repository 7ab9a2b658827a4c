package io.tkms.adapter.http.admin;

import io.tkms.application.AdminService;
import io.tkms.application.LimitPolicy;
import io.tkms.application.RootKeyService;
import io.tkms.application.port.AccountRepository;
import io.tkms.application.port.AuditSink;
import io.tkms.application.port.SourceLimiter;
import io.tkms.crypto.ConstantTime;
import io.tkms.crypto.Hmacs;
import io.tkms.domain.LimitOverrides;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API on its own listener: accounts, principals, credentials, limits, the root key.
 * JSON in and out; {@code Authorization: Bearer <token>} compared in constant time; 400 bad input,
 * 401 bad token, 404 unknown, 409 conflict, 429 after too many wrong tokens from one address.
 */
public final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final String JSON = "application/json; charset=utf-8";
  private final AdminService admin;
  private final LimitPolicy limits;
  private final RootKeyService rootKeys;
  private final SourceLimiter failures;
  private final byte[] tokenDigest;
  private final AdminAudit audit;

  /** How long after refusing a request whose body is still coming its connection is closed. */
  private static final long CLOSE_DELAY_MS = 200;

  /**
   * {@code token} is read once; only its SHA-256 is kept. The caller zeroes its array. Every answer
   * is recorded in {@code audit}.
   */
  public AdminApi(
      AdminService admin,
      LimitPolicy limits,
      RootKeyService rootKeys,
      SourceLimiter failures,
      byte[] token,
      AuditSink audit,
      int auditBlockMillis) {
    this.admin = admin;
    this.limits = limits;
    this.rootKeys = rootKeys;
    this.failures = failures;
    this.tokenDigest = Hmacs.sha256(token);
    this.audit = new AdminAudit(audit, auditBlockMillis);
  }

  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(AdminAudit::start);
    // The token is checked before a byte of the body is read: without it, a body costs nothing.
    // (authenticate is synchronous, so the body handler that follows it still sees every chunk.)
    r.route().handler(this::authenticate);
    r.route().handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    r.post("/admin/v1/accounts")
        .handler(
            ctx -> {
              JsonObject b = body(ctx);
              reply(
                  ctx,
                  201,
                  admin
                      .createAccount(str(b, "appId"), str(b, "uin"))
                      .map(v -> new JsonObject().put("appId", b.getValue("appId"))));
            });
    r.get("/admin/v1/accounts")
        .handler(
            ctx ->
                reply(
                    ctx,
                    200,
                    admin
                        .listAccounts()
                        .map(
                            ids ->
                                new JsonObject()
                                    .put(
                                        "accounts",
                                        new JsonArray(
                                            ids.stream().map(Object.class::cast).toList())))));
    r.get("/admin/v1/accounts/:appId")
        .handler(
            ctx -> reply(ctx, 200, admin.account(ctx.pathParam("appId")).map(AdminApi::account)));
    r.get("/admin/v1/accounts/:appId/limits")
        .handler(
            ctx -> {
              String appId = ctx.pathParam("appId");
              reply(
                  ctx,
                  200,
                  admin.account(appId).compose(a -> limits.effective(appId)).map(LimitsJson::of));
            });
    r.put("/admin/v1/accounts/:appId/limits")
        .handler(
            ctx -> {
              String appId = ctx.pathParam("appId");
              LimitOverrides change = LimitsJson.change(body(ctx));
              LimitPolicy.validate(change);
              reply(
                  ctx,
                  200,
                  admin.account(appId).compose(a -> limits.set(appId, change)).map(LimitsJson::of));
            });
    r.post("/admin/v1/accounts/:appId/principals")
        .handler(
            ctx -> {
              JsonObject b = body(ctx);
              reply(
                  ctx,
                  201,
                  admin
                      .addPrincipal(ctx.pathParam("appId"), str(b, "uin"), str(b, "type"))
                      .map(
                          v ->
                              new JsonObject()
                                  .put("uin", b.getValue("uin"))
                                  .put("type", b.getValue("type"))));
            });
    r.post("/admin/v1/principals/:uin/credentials")
        .handler(
            ctx ->
                reply(
                    ctx,
                    201,
                    admin
                        .issueCredential(ctx.pathParam("uin"))
                        .map(
                            c -> {
                              try (var key = c.secretKey()) {
                                return new JsonObject()
                                    .put("secretId", c.secretId())
                                    .put(
                                        "secretKey",
                                        new String(key.bytes(), StandardCharsets.US_ASCII));
                              }
                            })));
    r.delete("/admin/v1/credentials/:secretId")
        .handler(
            ctx ->
                reply(
                    ctx,
                    200,
                    admin
                        .revokeCredential(ctx.pathParam("secretId"))
                        .map(
                            v ->
                                new JsonObject()
                                    .put("secretId", ctx.pathParam("secretId"))
                                    .put("enabled", false))));
    r.get("/admin/v1/root-key")
        .handler(ctx -> reply(ctx, 200, rootKeys.status().map(AdminApi::rootKey)));
    r.post("/admin/v1/root-key/rotate")
        .handler(
            ctx ->
                reply(
                    ctx,
                    200,
                    rootKeys.rotate().compose(v -> rootKeys.status()).map(AdminApi::rootKey)));
    r.delete("/admin/v1/root-key/versions/:version")
        .handler(
            ctx -> {
              int version = version(ctx.pathParam("version"));
              reply(
                  ctx,
                  200,
                  rootKeys
                      .destroy(version)
                      .map(
                          inCustody ->
                              new JsonObject()
                                  .put("version", version)
                                  .put("destroyed", true)
                                  .put("keyDestroyedInHsa", inCustody)));
            });
    r.route().last().handler(ctx -> send(ctx, 404, error("not found")));
    r.route()
        .failureHandler(
            ctx -> {
              int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
              if (ctx.failure() instanceof KmsException k) {
                send(ctx, status(k.code()), error(k.getMessage()));
              } else if (status == 413) {
                send(ctx, 400, error("request body too large"));
              } else if (status >= 400 && status < 500) {
                send(ctx, status, error("bad request"));
              } else {
                LOG.error(
                    "management API failure: {}",
                    ctx.failure() == null ? status : ctx.failure().getClass().getName());
                send(ctx, 500, error("internal error"));
              }
            });
    return r;
  }

  private void authenticate(RoutingContext ctx) {
    String source =
        ctx.request().remoteAddress() == null
            ? "unknown"
            : ctx.request().remoteAddress().hostAddress();
    // Token guessing is limited per source address, like failed API authentications.
    if (failures.isBlocked(source)) {
      refuse(ctx, 429, error("too many failed attempts from this address, retry later"));
      return;
    }
    String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    byte[] given =
        h != null && h.startsWith("Bearer ")
            ? h.substring(7).getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    // Digests make the comparison independent of the token's length as well as its content.
    if (!ConstantTime.equals(Hmacs.sha256(given), tokenDigest) || given.length == 0) {
      failures.recordFailure(source);
      refuse(ctx, 401, error("missing or wrong bearer token"));
      return;
    }
    ctx.next();
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject b = ctx.body().asJsonObject();
      if (b == null) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception("a JSON object body is required");
      }
      return b;
    } catch (DecodeException | ClassCastException e) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("the body is not a JSON object");
    }
  }

  private static int version(String s) {
    if (s == null || !s.matches("[1-9][0-9]{0,8}")) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          "the root-key version must be a positive whole number");
    }
    return Integer.parseInt(s);
  }

  /** The custody, whether it answers, the version new wraps use, and what each version protects. */
  private static JsonObject rootKey(RootKeyService.Status s) {
    JsonArray versions = new JsonArray();
    s.versions()
        .forEach(
            u ->
                versions.add(
                    new JsonObject()
                        .put("version", u.version())
                        .put("custody", u.custody())
                        .put("createdAt", u.createdAt())
                        .put("keyVersions", u.keyVersions())
                        .put("credentials", u.credentials())
                        .put("current", u.version() == s.current())));
    return new JsonObject()
        .put("hsa", s.custody())
        .put("up", s.up())
        .put("currentVersion", s.current())
        .put("versions", versions);
  }

  private static String str(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception(
          field + " is required and must be a string");
    }
    return s;
  }

  private static JsonObject account(AccountRepository.Account a) {
    JsonArray principals = new JsonArray();
    a.principals()
        .forEach(
            p -> principals.add(new JsonObject().put("uin", p.uin()).put("type", p.type().wire())));
    JsonArray creds = new JsonArray();
    a.credentials()
        .forEach(
            c ->
                creds.add(
                    new JsonObject()
                        .put("secretId", c.secretId())
                        .put("uin", c.uin())
                        .put("enabled", c.enabled())
                        .put("createdAt", c.createdAt())));
    return new JsonObject()
        .put("appId", a.appId())
        .put("createdAt", a.createdAt())
        .put("principals", principals)
        .put("credentials", creds);
  }

  private void reply(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onComplete(
        ar -> {
          if (ar.succeeded()) {
            send(ctx, status, ar.result());
          } else {
            ctx.fail(ar.cause());
          }
        });
  }

  private static int status(ErrorCode code) {
    return switch (code) {
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case INTERNAL_ERROR -> 500;
      default -> 400;
    };
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }

  /**
   * The one place a management request is answered, and so audited: with a blocking audit ({@code
   * KMS_AUDIT_FAILURE_MODE=block}) only once its event is queued, else with 500.
   */
  private void send(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      audit.answer(
          ctx,
          status,
          body,
          queued -> {
            int s = queued ? status : 500;
            JsonObject b = queued ? body : error("the audit log cannot take the event");
            if (!ctx.response().ended()) {
              ctx.response()
                  .setStatusCode(s)
                  .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                  .end(b.toBuffer());
            }
          });
    }
  }

  /**
   * Answers an unauthenticated request before its body is read; a body still to come is never read:
   * the connection is closed once the answer is written.
   */
  private void refuse(RoutingContext ctx, int status, JsonObject body) {
    boolean bodyPending = !ctx.request().isEnded();
    if (bodyPending) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    send(ctx, status, body);
    if (bodyPending) {
      // A moment for the answer to reach the client before the close (a reset could destroy it).
      ctx.vertx().setTimer(CLOSE_DELAY_MS, t -> ctx.request().connection().close());
    }
  }
}
