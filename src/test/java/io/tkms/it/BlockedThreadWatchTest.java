package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watch the fault tests rely on does see an event loop blocked for a second or more. */
class BlockedThreadWatchTest {
  @Test
  void anEventLoopBlockedForOverASecond_failsTheWatch() throws Exception {
    BlockedThreadWatch watch = new BlockedThreadWatch();
    watch.beforeAll(null);
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setBlockedThreadCheckInterval(100)
                .setMaxEventLoopExecuteTime(TimeUnit.MILLISECONDS.toNanos(100)));
    try {
      vertx.runOnContext(
          v -> {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_600);
            while (System.nanoTime() < until) {
              Thread.onSpinWait();
            }
          });
      eventually(Duration.ofSeconds(10), () -> assertThat(watch.warnings()).isNotEmpty());
    } finally {
      vertx.close().await();
    }
    assertThatThrownBy(() -> watch.afterAll(null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("has been blocked for");
  }
}
