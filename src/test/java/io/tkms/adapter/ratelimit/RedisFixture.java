package io.tkms.adapter.ratelimit;

import io.tkms.it.TestRedis;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis backends for adapter tests: each fixture has its own key prefix and cleans up after itself.
 */
final class RedisFixture implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final String url;
  final String prefix = TestRedis.uniquePrefix();
  private final List<RedisBackend> backends = new ArrayList<>();

  RedisFixture(String url) {
    this.url = url;
  }

  /**
   * A new backend (a replica's connection) on this fixture's prefix. The contract is about what is
   * decided, not how fast: a generous timeout keeps a busy test machine from turning it into a test
   * of the failure mode (the outage tests use the shipped 50 ms).
   */
  RedisBackend backend() {
    return backend(url, 1000);
  }

  RedisBackend backend(String redisUrl, int timeoutMillis) {
    RedisBackend b =
        RedisBackend.start(vertx, new RedisBackend.Settings(redisUrl, null, timeoutMillis, prefix));
    backends.add(b);
    return b;
  }

  @Override
  public void close() {
    backends.forEach(RedisBackend::close);
    TestRedis.deleteKeys(url, prefix);
    vertx.close().await();
  }
}
