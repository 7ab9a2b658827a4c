package io.tkms.adapter.http;

import io.tkms.application.Caller;

/**
 * Per-request facts gathered for the response and the audit event, shared by both protocols.
 * Event-loop confined: created, filled and read on the request's event loop only.
 */
public final class Exchange {
  public final String requestId;
  public final long startNanos;
  public final String source;
  public final Protocol protocol;
  public String action = "";
  public String secretId = "";
  public String keyId = "";
  public Caller caller;

  public Exchange(String requestId, long startNanos, String source, Protocol protocol) {
    this.requestId = requestId;
    this.startNanos = startNanos;
    this.source = source;
    this.protocol = protocol;
  }
}
