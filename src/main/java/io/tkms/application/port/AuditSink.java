package io.tkms.application.port;

/**
 * Receives one event per API request. Never blocks the caller nor fails it: {@link #record} drops
 * (and counts) events it cannot take; {@link #offer} says whether it took one, so that a caller
 * that must not answer without its audit event can wait (asynchronously) and retry. Events hold no
 * plaintext, ciphertext or secret.
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

  /**
   * Queues {@code event} if there is room now; {@code false} (nothing counted) if not. Never
   * blocks. Sinks without a bounded queue take every event.
   */
  default boolean offer(AuditEvent event) {
    record(event);
    return true;
  }

  /** Counts {@code event}, which {@link #offer} could not queue in time, as dropped. */
  default void abandon(AuditEvent event) {}

  /** Events dropped so far (queue full, formatting failure); any thread. */
  default long dropped() {
    return 0;
  }
}
