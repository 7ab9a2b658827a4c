package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.action.Fields.KEY_ID;
import static io.tkms.adapter.http.action.Fields.KEY_IDS;
import static io.tkms.adapter.http.action.Fields.PENDING_WINDOW_IN_DAYS;

import io.tkms.application.Caller;
import io.tkms.application.KeyService;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.vertx.core.Future;
import java.util.List;

/**
 * A CMK's lifecycle state (management limiter group): enable and disable (one or a batch),
 * scheduled deletion, archive. The state table is {@code domain/KeyState}.
 */
final class KeyStateActions {
  private KeyStateActions() {}

  /** One state change of {@link KeyService}. */
  @FunctionalInterface
  private interface Change {
    Future<Void> apply(KeyService keys, Caller caller, KeyId keyId);
  }

  static final Action ENABLE_KEY = single(Action.management("EnableKey").v2(), KeyService::enable);
  static final Action DISABLE_KEY =
      single(Action.management("DisableKey").v2(), KeyService::disable);

  static final Action ENABLE_KEYS = batch("EnableKeys", KeyService::enable);
  static final Action DISABLE_KEYS = batch("DisableKeys", KeyService::disable);

  static final Action SCHEDULE_KEY_DELETION =
      Action.management("ScheduleKeyDeletion")
          .v2()
          .inputs(KEY_ID, PENDING_WINDOW_IN_DAYS)
          .outputs("DeletionDate", "KeyId")
          .note("the key must be Disabled; it is purged when the window has passed")
          .handler(
              c ->
                  c.keys()
                      .scheduleDeletion(c.caller(), c.get(KEY_ID), c.get(PENDING_WINDOW_IN_DAYS))
                      .map(
                          date ->
                              c.result()
                                  .put("DeletionDate", date)
                                  .put("KeyId", c.get(KEY_ID).toString())));

  static final Action CANCEL_KEY_DELETION =
      Action.management("CancelKeyDeletion")
          .v2()
          .inputs(KEY_ID)
          .outputs("KeyId")
          .note("the key goes back to Disabled")
          .handler(
              c ->
                  c.keys()
                      .cancelDeletion(c.caller(), c.get(KEY_ID))
                      .map(v -> c.result().put("KeyId", c.get(KEY_ID).toString())));

  static final Action ARCHIVE_KEY =
      single(
          Action.management("ArchiveKey").note("an archived key only decrypts"),
          KeyService::archive);
  static final Action CANCEL_KEY_ARCHIVE =
      single(
          Action.management("CancelKeyArchive").note("the key goes back to Enabled"),
          KeyService::cancelArchive);

  static final List<Action> ALL =
      List.of(
          ENABLE_KEY,
          DISABLE_KEY,
          ENABLE_KEYS,
          DISABLE_KEYS,
          SCHEDULE_KEY_DELETION,
          CANCEL_KEY_DELETION,
          ARCHIVE_KEY,
          CANCEL_KEY_ARCHIVE);

  private static Action single(Action.Builder action, Change change) {
    return action
        .inputs(KEY_ID)
        .handler(c -> change.apply(c.keys(), c.caller(), c.get(KEY_ID)).map(v -> c.result()));
  }

  /** All keys must exist before any changes, so a typo does not leave half the batch changed. */
  private static Action batch(String name, Change change) {
    return Action.management(name)
        .inputs(KEY_IDS)
        .note("all keys are checked before any changes")
        .handler(
            c -> {
              List<KeyId> ids = c.get(KEY_IDS);
              List<Future<KeyMetadata>> checks =
                  ids.stream().map(id -> c.keys().describe(c.caller(), id)).toList();
              return Future.all(checks)
                  .compose(
                      all -> {
                        Future<Void> chain = Future.succeededFuture();
                        for (KeyId id : ids) {
                          chain = chain.compose(v -> change.apply(c.keys(), c.caller(), id));
                        }
                        return chain;
                      })
                  .map(v -> c.result());
            });
  }
}
