package io.tkms.adapter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

class InlineCryptoExecutorTest {
  final InlineCryptoExecutor executor = new InlineCryptoExecutor();

  @Test
  void execute_runsAtOnce_andCompletesWithTheResult() {
    Thread caller = Thread.currentThread();
    Future<Thread> f = executor.execute(Thread::currentThread);
    assertThat(f.succeeded()).isTrue();
    assertThat(f.result()).isSameAs(caller);
  }

  @Test
  void execute_withKmsException_failsWithItUnchanged() {
    Future<Object> f =
        executor.execute(
            () -> {
              throw ErrorCode.INVALID_CIPHERTEXT.exception();
            });
    assertThat(f.failed()).isTrue();
    assertThat(((KmsException) f.cause()).code()).isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void execute_withAnyOtherFailure_failsWithInternalError() {
    Future<Object> f =
        executor.execute(
            () -> {
              throw new javax.crypto.AEADBadTagException("secret detail");
            });
    assertThat(f.failed()).isTrue();
    assertThat(((KmsException) f.cause()).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(f.cause().getMessage()).doesNotContain("secret detail");
  }
}
