package io.tkms.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.domain.KeyState.Operation;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every cell of the state table, written out independently of the implementation: a state
 * name is the resulting state, anything else the v3 error code of the refusal.
 */
class KeyStateTest {
  static final List<KeyState> COLUMNS =
      List.of(
          KeyState.ENABLED,
          KeyState.DISABLED,
          KeyState.PENDING_DELETE,
          KeyState.ARCHIVED,
          KeyState.PENDING_IMPORT);

  static final Map<Operation, List<String>> EXPECTED =
      Map.ofEntries(
          Map.entry(
              Operation.ENCRYPT,
              List.of(
                  "Enabled",
                  "ResourceUnavailable.CmkDisabled",
                  "ResourceUnavailable.KeyPendingDelete",
                  "ResourceUnavailable.CmkArchived",
                  "ResourceUnavailable.CmkStateNotSupport")),
          Map.entry(
              Operation.DECRYPT,
              List.of(
                  "Enabled",
                  "ResourceUnavailable.CmkDisabled",
                  "ResourceUnavailable.KeyPendingDelete",
                  "Archived",
                  "ResourceUnavailable.CmkStateNotSupport")),
          Map.entry(
              Operation.ENABLE,
              List.of(
                  "Enabled",
                  "Enabled",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport")),
          Map.entry(
              Operation.DISABLE,
              List.of(
                  "Disabled",
                  "Disabled",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport")),
          Map.entry(
              Operation.SCHEDULE_DELETION,
              List.of(
                  "ResourceUnavailable.CmkShouldBeDisabled",
                  "PendingDelete",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "PendingDelete")),
          Map.entry(
              Operation.CANCEL_DELETION,
              List.of(
                  "ResourceUnavailable.CmkNotPendingDelete",
                  "ResourceUnavailable.CmkNotPendingDelete",
                  "Disabled",
                  "ResourceUnavailable.CmkNotPendingDelete",
                  "ResourceUnavailable.CmkNotPendingDelete")),
          Map.entry(
              Operation.ARCHIVE,
              List.of(
                  "Archived",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "Archived",
                  "ResourceUnavailable.CmkStateNotSupport")),
          Map.entry(
              Operation.CANCEL_ARCHIVE,
              List.of(
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "Enabled",
                  "ResourceUnavailable.CmkStateNotSupport")),
          Map.entry(
              Operation.UPDATE,
              List.of(
                  "Enabled",
                  "Disabled",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "Archived",
                  "PendingImport")),
          Map.entry(
              Operation.ENABLE_ROTATION,
              List.of(
                  "Enabled",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport")),
          Map.entry(
              Operation.DESCRIBE,
              List.of("Enabled", "Disabled", "PendingDelete", "Archived", "PendingImport")),
          Map.entry(
              Operation.USE_KEY_PAIR,
              List.of(
                  "Enabled",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport")),
          Map.entry(
              Operation.IMPORT_MATERIAL,
              List.of(
                  "Enabled",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "Enabled")),
          Map.entry(
              Operation.DELETE_MATERIAL,
              List.of(
                  "PendingImport",
                  "PendingImport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "ResourceUnavailable.CmkStateNotSupport",
                  "PendingImport")));

  @Test
  void everyCellOfTheStateTable() {
    assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(Operation.values());
    for (Map.Entry<Operation, List<String>> row : EXPECTED.entrySet()) {
      for (int i = 0; i < COLUMNS.size(); i++) {
        KeyState s = COLUMNS.get(i);
        String expected = row.getValue().get(i);
        String actual;
        try {
          actual = s.apply(row.getKey()).wireName();
        } catch (KmsException e) {
          actual = e.code().v3Code();
          // API 2.0 maps every refusal to 4550/10650, naming the state.
          assertThat(e.code().v2Code()).as(s + "/" + row.getKey()).isEqualTo(4550);
          assertThat(e.code().v2Module()).isEqualTo(10650);
          assertThat(e.getMessage()).contains(s.wireName());
        }
        assertThat(actual).as(s + " / " + row.getKey()).isEqualTo(expected);
      }
    }
  }

  @Test
  void aPurgedKey_isNotFoundForEveryOperation() {
    for (Operation op : Operation.values()) {
      assertThatThrownBy(() -> KeyState.PURGED.apply(op))
          .isInstanceOf(KmsException.class)
          .satisfies(e -> assertThat(((KmsException) e).code()).isEqualTo(ErrorCode.KEY_NOT_FOUND));
    }
  }

  @Test
  void wireNames_roundTrip() {
    for (KeyState s : KeyState.values()) {
      assertThat(KeyState.fromWireName(s.wireName())).isEqualTo(s);
    }
  }
}
