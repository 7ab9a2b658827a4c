package io.tkms.adapter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  final AtomicLong now = new AtomicLong();
  final List<String> events = new ArrayList<>();
  final CircuitBreaker breaker =
      new CircuitBreaker(
          3,
          1000,
          now::get,
          new CircuitBreaker.Listener() {
            @Override
            public void opened() {
              events.add("opened");
            }

            @Override
            public void closed() {
              events.add("closed");
            }
          });

  @Test
  void consecutiveFailures_openIt_andASuccessInBetweenResetsTheCount() {
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.allow()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.allow()).isFalse();
    assertThat(events).containsExactly("opened");
  }

  @Test
  void afterTheOpenTime_exactlyOneTrialGoesThrough_andItsSuccessClosesIt() {
    tripIt();
    now.addAndGet(999);
    assertThat(breaker.allow()).isFalse();
    now.addAndGet(1);
    assertThat(breaker.allow()).isTrue();
    assertThat(breaker.allow()).as("only one trial while half-open").isFalse();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.allow()).isTrue();
    assertThat(events).containsExactly("opened", "closed");
  }

  @Test
  void aFailedTrial_opensItAgainForAnotherPeriod() {
    tripIt();
    now.addAndGet(1000);
    assertThat(breaker.allow()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.allow()).isFalse();
    now.addAndGet(1000);
    assertThat(breaker.allow()).isTrue();
    assertThat(breaker.openings()).isEqualTo(2);
  }

  @Test
  void aSuccessFromOutside_closesAnOpenBreaker() {
    tripIt();
    breaker.onSuccess();
    assertThat(breaker.allow()).isTrue();
  }

  private void tripIt() {
    for (int i = 0; i < 3; i++) {
      breaker.onFailure();
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }
}
