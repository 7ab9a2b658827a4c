package io.tkms.adapter.http.v2;

import io.tkms.application.Caller;

/** Per-request facts gathered for the response and the audit event. Event-loop confined. */
final class Exchange {
  final String requestId;
  final long startNanos;
  final String source;
  String action = "";
  String secretId = "";
  String keyId = "";
  Caller caller;

  Exchange(String requestId, long startNanos, String source) {
    this.requestId = requestId;
    this.startNanos = startNanos;
    this.source = source;
  }
}
