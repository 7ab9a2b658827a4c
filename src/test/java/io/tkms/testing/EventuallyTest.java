package io.tkms.testing;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {
  @Test
  void returnsAsSoonAsTheCheckPasses() {
    AtomicInteger attempts = new AtomicInteger();
    eventually(Duration.ofSeconds(10), () -> assertThat(attempts.incrementAndGet()).isEqualTo(3));
    assertThat(attempts).hasValue(3);
  }

  @Test
  void retriesExceptionsToo() {
    AtomicInteger attempts = new AtomicInteger();
    eventually(
        Duration.ofSeconds(10),
        () -> {
          if (attempts.incrementAndGet() < 2) {
            throw new IllegalStateException("not listening yet");
          }
        });
    assertThat(attempts).hasValue(2);
  }

  @Test
  void afterTheTimeout_throwsTheLastFailure() {
    assertThatThrownBy(() -> eventually(Duration.ZERO, () -> assertThat(1).as("one").isEqualTo(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not within PT0S")
        .hasMessageContaining("one")
        .cause()
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void anotherError_stopsTheWaitingAtOnce() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                eventually(
                    Duration.ofSeconds(10),
                    () -> {
                      attempts.incrementAndGet();
                      throw new StackOverflowError("gone");
                    }))
        .isInstanceOf(StackOverflowError.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aCondition_namesWhatItWaitedFor() {
    assertThatThrownBy(() -> eventually(Duration.ZERO, "the sun", () -> false))
        .hasMessageContaining("still waiting for the sun");
    eventually(Duration.ZERO, "now", () -> true);
  }
}
