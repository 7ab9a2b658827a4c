package io.tkms.adapter.http.v2;

import io.tkms.adapter.http.Envelope;
import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.LegacySigning;
import io.tkms.adapter.http.Pipeline;
import io.tkms.adapter.http.Protocol;
import io.tkms.adapter.http.action.ActionCatalog;
import io.tkms.adapter.http.action.Dispatcher;
import io.tkms.adapter.http.wire.ArrayParams;
import io.tkms.adapter.http.wire.FormBody;
import io.tkms.adapter.http.wire.FormDecoder;
import io.tkms.adapter.http.wire.Param;
import io.tkms.adapter.http.wire.Params;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * API 2.0 on {@code /v2/index.php}: collects the body (bounded), then runs the pipeline in the
 * documented order: parse → credential → signature → timestamp window → replay → account limiter →
 * action. Every handled request is answered with HTTP 200 and the v2 envelope, and audited once.
 * One per event loop.
 */
public final class V2Endpoint implements Handler<HttpServerRequest> {
  public static final String PATH = "/v2/index.php";

  /** How API 2.0 answers. */
  public static final Envelope ENVELOPE = Envelope.of(V2Response::success, V2Response::error);

  private static final int MAX_ARRAY_ITEMS = 100;

  private final Pipeline pipeline;
  private final LegacySigning signing;
  private final Dispatcher dispatcher;
  private final FormDecoder forms = new FormDecoder();

  public V2Endpoint(Pipeline pipeline, ActionCatalog actions) {
    this.pipeline = pipeline;
    this.signing = new LegacySigning(pipeline);
    this.dispatcher = new Dispatcher(actions, pipeline, Protocol.V2);
  }

  /** Handles one request; call on the event loop that received it. */
  @Override
  public void handle(HttpServerRequest req) {
    pipeline.handle(
        req,
        Protocol.V2,
        ENVELOPE,
        (ex, body) -> {
          Map<String, String> params = parse(req, body);
          ex.action = params.getOrDefault("Action", "");
          return run(req, ex, params);
        });
  }

  private Map<String, String> parse(HttpServerRequest req, Buffer body) {
    List<Param> all = new ArrayList<>();
    String query = req.query();
    if (query != null && !query.isEmpty()) {
      all.addAll(forms.decode(query));
    }
    if (HttpMethod.POST.equals(req.method()) && body.length() > 0) {
      all.addAll(FormBody.decode(req.getHeader(HttpHeaders.CONTENT_TYPE), body.getBytes(), forms));
      if (all.size() > forms.maxParams()) {
        throw ErrorCode.REQUEST_UNPARSABLE.exception("too many parameters");
      }
    }
    Map<String, String> flat = Params.toMap(all);
    // No API 2.0 action takes an array: any indexed name (KeyIds.1, or KeyIds_1 as it is signed
    // and executed) is refused by the generic decoder.
    ArrayParams.decode(Params.legacyNames(flat), Set.of(), MAX_ARRAY_ITEMS);
    return flat;
  }

  private Future<JsonObject> run(HttpServerRequest req, Exchange ex, Map<String, String> params) {
    String action = LegacySigning.required(Protocol.V2, params, "Action");
    return signing
        .authenticate(ex, req, params, PATH, regionName(Pipeline.host(req), params))
        .compose(caller -> dispatcher.dispatch(ex, caller, action, Params.legacyNames(params)));
  }

  /** The region in {@code kms-<region>.…} of the Host wins over the Region parameter. */
  private static String regionName(String host, Map<String, String> params) {
    if (host.startsWith("kms-")) {
      int dot = host.indexOf('.');
      if (dot > 4) {
        return host.substring(4, dot);
      }
    }
    return params.get("Region");
  }
}
