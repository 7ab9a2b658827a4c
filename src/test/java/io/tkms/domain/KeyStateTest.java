package io.tkms.domain;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.domain.KeyState.Operation;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The whole (state, operation) table, so a change to one cell is a visible change. */
class KeyStateTest {
  static final Set<Operation> CRYPTO = Set.of(Operation.ENCRYPT, Operation.DECRYPT, Operation.GENERATE_DATA_KEY);

  @Test
  void everyStateAndOperation() {
    for (KeyState s : KeyState.values()) {
      for (Operation op : Operation.values()) {
        boolean allowed =
            switch (s) {
              case ENABLED -> true;
              case DISABLED -> !CRYPTO.contains(op);
              case PENDING_DELETE -> op == Operation.DESCRIBE || op == Operation.SET_ALIAS;
            };
        if (allowed) {
          assertThatCode(() -> s.check(op)).as(s + "/" + op).doesNotThrowAnyException();
        } else {
          assertThatThrownBy(() -> s.check(op)).as(s + "/" + op).isInstanceOf(KmsException.class)
              .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((KmsException) e).code()).isEqualTo(ErrorCode.KEY_DISABLED))
              .hasMessageContaining(s.wireName());
        }
      }
    }
  }

  @Test
  void wireNames_roundTrip() {
    for (KeyState s : KeyState.values()) {
      org.assertj.core.api.Assertions.assertThat(KeyState.fromWireName(s.wireName())).isEqualTo(s);
    }
  }
}
