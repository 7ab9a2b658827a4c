package io.tkms.adapter.http.v2;

import io.tkms.adapter.http.ApiServices;
import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.Pipeline;
import io.tkms.adapter.http.auth.V2Signature;
import io.tkms.adapter.http.wire.ArrayParams;
import io.tkms.adapter.http.wire.FormDecoder;
import io.tkms.adapter.http.wire.MultipartDecoder;
import io.tkms.adapter.http.wire.Param;
import io.tkms.adapter.http.wire.Params;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v2/index.php}: collects the body (bounded), then runs the pipeline in the documented
 * order: parse → credential → signature → timestamp window → replay → account limiter → action.
 * Every handled request is answered with HTTP 200 and the v2 envelope, and audited once.
 */
public final class V2Endpoint {
  public static final String PATH = "/v2/index.php";
  private static final int MAX_ARRAY_ITEMS = 100;

  private final Pipeline pipeline;
  private final ApiServices services;
  private final V2Actions actions;
  private final FormDecoder forms = new FormDecoder();

  public V2Endpoint(Pipeline pipeline) {
    this.pipeline = pipeline;
    this.services = pipeline.services();
    this.actions = new V2Actions(services.crypto(), services.keys());
  }

  private static final Pipeline.Envelope ENVELOPE = Pipeline.Envelope.of(V2Response::success, V2Response::error);

  /** Handles one request; call on the event loop that received it. */
  public void handle(HttpServerRequest req) {
    pipeline.handle(req, "v2", ENVELOPE, (ex, body) -> {
      V2Request params = new V2Request(parse(req, body));
      ex.action = params.optional("Action") == null ? "" : params.optional("Action");
      return authenticateAndRun(req, ex, params, Pipeline.host(req));
    });
  }

  private Map<String, String> parse(HttpServerRequest req, Buffer body) {
    List<Param> all = new ArrayList<>();
    String query = req.query();
    if (query != null && !query.isEmpty()) {
      all.addAll(forms.decode(query));
    }
    if (HttpMethod.POST.equals(req.method()) && body.length() > 0) {
      all.addAll(decodeBody(req, body, forms));
      if (all.size() > forms.maxParams()) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("too many parameters");
      }
    }
    Map<String, String> flat = Params.toMap(all);
    // No API 2.0 action takes an array: any indexed name is refused by the generic decoder.
    ArrayParams.decode(flat, Set.of(), MAX_ARRAY_ITEMS);
    return flat;
  }

  /** Form or multipart body parameters (legacy-signed requests of both protocols). */
  public static List<Param> decodeBody(HttpServerRequest req, Buffer body, FormDecoder forms) {
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
    if (lower.isEmpty() || lower.startsWith("application/x-www-form-urlencoded")) {
      return forms.decode(body.getBytes());
    }
    if (lower.startsWith("multipart/form-data")) {
      return MultipartDecoder.decode(body.getBytes(), type, forms.maxParams());
    }
    throw ErrorCode.REQUEST_UNPARSABLE.exception("unsupported content type; use application/x-www-form-urlencoded or multipart/form-data");
  }

  private Future<JsonObject> authenticateAndRun(HttpServerRequest req, Exchange ex, V2Request p, String host) {
    String action = p.required("Action");
    String secretId = p.required("SecretId");
    String signature = p.required("Signature");
    long timestamp = p.unsigned("Timestamp");
    p.unsigned("Nonce");
    String nonce = p.required("Nonce");
    String region = pipeline.region(regionName(host, p));
    String token = p.optional("Token");
    if (token != null && !token.isEmpty()) {
      throw ErrorCode.TOKEN_NOT_SUPPORTED.exception();
    }
    String method = req.method().name();
    return pipeline.credential(ex, secretId)
        .compose(cred -> {
          String sts = V2Signature.stringToSign(method, host, PATH, p.all());
          V2Signature.Algorithm alg = V2Signature.Algorithm.of(p.optional("SignatureMethod"));
          if (!V2Signature.verify(alg, cred.secretKey().bytes(), sts, signature)) {
            return pipeline.authFailure(ex, ErrorCode.SIGNATURE_FAILURE);
          }
          return pipeline.admit(ex, cred, timestamp, nonce, region);
        })
        .compose(caller -> {
          V2Actions.Action a = actions.find(action);
          if (a == null) {
            return Future.failedFuture(ErrorCode.INVALID_ACTION.exception());
          }
          return pipeline.throttle(caller, a.group(), action).compose(v -> {
            try {
              return a.handler().handle(ex, caller, p);
            } catch (KmsException e) {
              return Future.failedFuture(e);
            }
          });
        });
  }

  /** The region in {@code kms-<region>.…} of the Host wins over the Region parameter. */
  private static String regionName(String host, V2Request p) {
    if (host.startsWith("kms-")) {
      int dot = host.indexOf('.');
      if (dot > 4) {
        return host.substring(4, dot);
      }
    }
    return p.optional("Region");
  }

}
