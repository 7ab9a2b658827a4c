package io.tkms.adapter.http.action;

import io.tkms.adapter.http.ApiServices;
import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.Protocol;
import io.tkms.application.AsymmetricService;
import io.tkms.application.Caller;
import io.tkms.application.CryptoService;
import io.tkms.application.ImportService;
import io.tkms.application.KeyService;
import io.tkms.domain.KeyId;
import java.util.List;
import java.util.Optional;

/**
 * What a handler sees of one request: the authenticated caller, the decoded input fields, the use
 * cases, and the answer it builds. Event-loop confined.
 */
public final class Call {
  private final Action action;
  private final Protocol protocol;
  private final Exchange exchange;
  private final Caller caller;
  private final ApiServices services;
  private final Object[] values;

  Call(
      Action action,
      Protocol protocol,
      Exchange exchange,
      Caller caller,
      ApiServices services,
      Object[] values) {
    this.action = action;
    this.protocol = protocol;
    this.exchange = exchange;
    this.caller = caller;
    this.services = services;
    this.values = values;
  }

  public Caller caller() {
    return caller;
  }

  /** The request's protocol: only for the few answers whose shape differs between protocols. */
  public Protocol protocol() {
    return protocol;
  }

  public CryptoService crypto() {
    return services.crypto();
  }

  public AsymmetricService asymmetric() {
    return services.asymmetric();
  }

  public KeyService keys() {
    return services.keys();
  }

  public ImportService imports() {
    return services.imports();
  }

  /** The regions this server serves. */
  public List<String> regions() {
    return services.settings().regions();
  }

  /** The value of a required field, or of an optional one with a fallback. */
  public <T> T get(Field<T> field) {
    T v = value(field);
    if (v == null) {
      throw new IllegalStateException(
          action.name() + ": " + field.name() + " is optional without a fallback: use find");
    }
    return v;
  }

  /** The value of an optional field, if the request gave it. */
  public <T> Optional<T> find(Field<T> field) {
    return Optional.ofNullable(value(field));
  }

  @SuppressWarnings("unchecked")
  private <T> T value(Field<T> field) {
    List<Field<?>> inputs = action.inputs(protocol);
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).name().equals(field.name())) {
        return (T) values[i];
      }
    }
    throw new IllegalStateException(action.name() + " does not declare the field " + field.name());
  }

  /** The request's id, as the answer's {@code RequestId} and its audit event carry it. */
  public String requestId() {
    return exchange.requestId;
  }

  /** Records the key the request is about, for its audit event (when no input field names it). */
  public void keyId(KeyId keyId) {
    exchange.keyId = keyId.toString();
  }

  /** The answer, empty; only the action's declared output fields may be put. */
  public Result result() {
    return new Result(protocol, action.outputs(protocol));
  }

  /** An object nested in the answer (an item of a list). */
  public Result object() {
    return new Result(protocol, null);
  }
}
