package io.tkms.application.fakes;

import io.tkms.application.port.RateLimiter;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RateLimiter} whose buckets start full ({@code qps} tokens) and never refill, since no time
 * passes in a unit test; remembers every call.
 */
public final class CountingRateLimiter implements RateLimiter {
  /** One {@link #tryAcquire} call and its answer. */
  public record Call(String appId, String scope, long qps, boolean admitted) {}

  private final Map<String, Long> left = new HashMap<>();
  private final List<Call> calls = new ArrayList<>();

  @Override
  public Future<Boolean> tryAcquire(String appId, String scope, long qps) {
    String bucket = appId + '/' + scope + '/' + qps;
    long tokens = left.getOrDefault(bucket, qps);
    boolean admitted = tokens > 0;
    left.put(bucket, admitted ? tokens - 1 : 0);
    calls.add(new Call(appId, scope, qps, admitted));
    return Future.succeededFuture(admitted);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }
}
