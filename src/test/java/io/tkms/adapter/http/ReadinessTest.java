package io.tkms.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  final Deque<Promise<Void>> checks = new ArrayDeque<>();
  final Readiness readiness =
      new Readiness(
          () -> {
            Promise<Void> p = Promise.promise();
            checks.add(p);
            return p.future();
          },
          JsonObject::new);

  @Test
  void theDatabaseIsUp_untilACheckFails_andUpAgainWhenOneAnswers() {
    assertThat(readiness.databaseUp()).isTrue();
    Future<Void> first = readiness.checkDatabase();
    assertThat(readiness.databaseUp()).as("a check just begun is not yet a stall").isTrue();
    checks.remove().fail("connection refused");
    assertThat(first.failed()).isTrue();
    assertThat(readiness.databaseUp()).isFalse();
    readiness.checkDatabase();
    assertThat(readiness.databaseUp()).isFalse();
    checks.remove().complete();
    assertThat(readiness.databaseUp()).isTrue();
  }
}
