package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.Pipeline;
import io.tkms.adapter.http.Protocol;
import io.tkms.adapter.http.wire.Params;
import io.tkms.application.Caller;
import io.tkms.domain.KeyId;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs an authenticated request's action, the same way for both protocols: look it up (unknown:
 * INVALID_ACTION; a Tencent action not built here: UNSUPPORTED_OPERATION), take a token from the
 * account's limiter for its group (throttled requests cost nothing more), decode and check its
 * input fields in declaration order, then run its handler. One per protocol and event loop; call on
 * that event loop.
 */
public final class Dispatcher {
  private final ActionCatalog catalog;
  private final Pipeline pipeline;
  private final Protocol protocol;

  public Dispatcher(ActionCatalog catalog, Pipeline pipeline, Protocol protocol) {
    this.catalog = catalog;
    this.pipeline = pipeline;
    this.protocol = protocol;
  }

  /**
   * Runs action {@code name} for {@code caller} with {@code input}; the answer's fields or its
   * failure.
   */
  public Future<JsonObject> dispatch(
      Exchange ex, Caller caller, String name, Map<String, ?> input) {
    Action action = catalog.find(protocol, name);
    if (action == null) {
      return Future.failedFuture(protocol.invalidAction(Pipeline.safeName(name)));
    }
    if (!action.supported()) {
      return Future.failedFuture(
          ErrorCode.UNSUPPORTED_OPERATION.exception(
              "the action " + name + " is not supported by this server yet"));
    }
    return pipeline
        .throttle(caller, action.group(), name)
        .compose(v -> run(action, ex, caller, input));
  }

  /**
   * Refuses unknown input names, decodes the inputs and runs the handler (after the lookup and the
   * limiter).
   */
  Future<JsonObject> run(Action action, Exchange ex, Caller caller, Map<String, ?> wire) {
    for (String n : wire.keySet()) {
      if (!action.accepts(protocol, n) && !protocol.isCommonParameter(n)) {
        return Future.failedFuture(
            ErrorCode.UNKNOWN_PARAMETER.exception(
                "the action "
                    + action.wireName(protocol).orElse(action.name())
                    + " has no parameter "
                    + Params.forMessage(n)));
      }
    }
    ActionInput input = wire::get;
    List<Field<?>> inputs = action.inputs(protocol);
    Object[] values = new Object[inputs.size()];
    boolean[] given = new boolean[inputs.size()];
    Predicate<String> wasGiven = name -> given(inputs, given, name);
    try {
      for (int i = 0; i < values.length; i++) {
        Field<?> field = inputs.get(i);
        Object v = field.decode(protocol, input, wasGiven);
        given[i] = v != Field.ABSENT;
        values[i] = given[i] ? v : field.fallback();
        KeyId key = field.auditedKey(values[i]);
        if (key != null) {
          ex.keyId = key.toString();
        }
      }
      return action
          .handler()
          .handle(new Call(action, protocol, ex, caller, pipeline.services(), values))
          .map(Result::json);
    } catch (KmsException e) {
      // A later field's failure, or the handler's before it took ownership: plaintexts decoded so
      // far are zeroed here, once for every action.
      zero(values);
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      zero(values);
      throw e;
    }
  }

  /** Whether the request gave the field {@code name} (declared, and so decoded, earlier). */
  private static boolean given(List<Field<?>> inputs, boolean[] given, String name) {
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).name().equals(name)) {
        return given[i];
      }
    }
    return false;
  }

  private static void zero(Object[] values) {
    for (Object v : values) {
      if (v instanceof byte[] b) {
        Arrays.fill(b, (byte) 0);
      }
    }
  }
}
