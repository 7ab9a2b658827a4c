package io.tkms.application.port;

import io.tkms.application.port.RateLimiter.Group;

/**
 * Counts what the API answered, for operators (Prometheus) and for the benchmark's correctness
 * check. Called on event loops once per request, so implementations must be lock-free, never block,
 * never fail, and cost well under a microsecond. Bounded: names outside the known vocabulary are
 * counted under one catch-all label.
 */
public interface RequestMetrics {
  /**
   * One answered API request.
   *
   * @param protocol "v2" or "v3"
   * @param action the action name as received (may be empty or unknown)
   * @param result "0" for success, else the v3 error code
   * @param latencyNanos from the first byte handled to the answer written
   */
  void request(String protocol, String action, String result, long latencyNanos);

  /** One account-limiter decision for {@code appId}'s request in {@code group}. */
  void limiter(String appId, Group group, boolean admitted);

  /** Counts nothing (metrics turned off). */
  RequestMetrics NONE =
      new RequestMetrics() {
        @Override
        public void request(String protocol, String action, String result, long latencyNanos) {}

        @Override
        public void limiter(String appId, Group group, boolean admitted) {}
      };
}
