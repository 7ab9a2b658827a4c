package io.tkms.application.port;

/**
 * Receives one event per API request. Must never block the caller nor fail it: implementations drop
 * (and count) events they cannot take. Events hold no plaintext, ciphertext or secret.
 */
public interface AuditSink {
  /**
   * One API request, as audited.
   *
   * @param time Unix milliseconds
   * @param resultCode "0" or the v3 error code
   */
  record AuditEvent(
      long time,
      String requestId,
      String protocol,
      String appId,
      String uin,
      String secretId,
      String action,
      String keyId,
      String resultCode,
      String sourceAddress,
      long latencyMicros) {}

  void record(AuditEvent event);

  /** Events dropped so far (queue full, formatting failure); any thread. */
  default long dropped() {
    return 0;
  }
}
