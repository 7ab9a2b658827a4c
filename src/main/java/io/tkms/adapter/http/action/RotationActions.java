package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.action.Fields.KEY_ID;

import io.tkms.application.port.KeyRepository;
import io.vertx.core.json.JsonArray;
import java.util.List;

/**
 * Rotation of a CMK's material, automatic and on demand, and its history (management limiter
 * group): every rotation adds a key version, new ciphertexts use the newest, every older one still
 * decrypts.
 */
final class RotationActions {
  private RotationActions() {}

  static final Field<Integer> ROTATE_DAYS = Field.integer("RotateDays", 7, 365).orElse(365);

  static final Action ENABLE_KEY_ROTATION =
      Action.management("EnableKeyRotation")
          .inputs(KEY_ID, ROTATE_DAYS)
          .note("the key must be Enabled; the first rotation is due RotateDays from now")
          .handler(
              c ->
                  c.keys()
                      .enableRotation(c.caller(), c.get(KEY_ID), c.get(ROTATE_DAYS))
                      .map(v -> c.result()));

  static final Action DISABLE_KEY_ROTATION =
      Action.management("DisableKeyRotation")
          .inputs(KEY_ID)
          .handler(c -> c.keys().disableRotation(c.caller(), c.get(KEY_ID)).map(v -> c.result()));

  static final Action GET_KEY_ROTATION_STATUS =
      Action.management("GetKeyRotationStatus")
          .inputs(KEY_ID)
          .outputs("KeyRotationEnabled", "NextRotateTime", "RotateDays", "LastRotateTime")
          .handler(
              c ->
                  c.keys()
                      .describe(c.caller(), c.get(KEY_ID))
                      .map(
                          md ->
                              c.result()
                                  .put("KeyRotationEnabled", md.rotationEnabled())
                                  .put("NextRotateTime", md.nextRotateTime())
                                  .put("RotateDays", md.rotateDays())
                                  .put("LastRotateTime", md.lastRotateTime())));

  static final Action ROTATE_KEY =
      Action.management("RotateKey")
          .inputs(KEY_ID)
          .outputs("TaskId")
          .note(
              "a new version at once, as automatic rotation makes (the schedule is unchanged);"
                  + " the key must be Enabled, symmetric and of material made here"
                  + " (UnsupportedOperation.RotateNotSupported); once per key in 24 hours"
                  + " (RequestLimitExceeded.RotateRateLimited); done when answered: TaskId is the"
                  + " request's RequestId")
          .handler(
              c ->
                  c.keys()
                      .rotate(c.caller(), c.get(KEY_ID))
                      .map(version -> c.result().put("TaskId", c.requestId())));

  /** Tencent documents no rotation-history action: it is answered under both names in use. */
  static final Action LIST_KEY_ROTATION_HISTORY = history("ListKeyRotationHistory");

  static final Action DESCRIBE_KEY_ROTATION_HISTORY = history("DescribeKeyRotationHistory");

  private static Action history(String name) {
    return Action.management(name)
        .inputs(KEY_ID)
        .outputs("KeyRotationHistory", "TotalCount")
        .note(
            "every rotation, automatic and manual, oldest first: KeyRotationHistory is a list of"
                + " {KeyVersion, RotateTime (Unix seconds)}; the version made with the key is not a"
                + " rotation")
        .handler(
            c ->
                c.keys()
                    .rotations(c.caller(), c.get(KEY_ID))
                    .map(
                        rotations -> {
                          JsonArray list = new JsonArray();
                          for (KeyRepository.Rotation r : rotations) {
                            list.add(
                                c.object()
                                    .put("KeyVersion", r.version())
                                    .put("RotateTime", r.rotateTime())
                                    .json());
                          }
                          return c.result()
                              .put("KeyRotationHistory", list)
                              .put("TotalCount", rotations.size());
                        }));
  }

  static final List<Action> ALL =
      List.of(
          ENABLE_KEY_ROTATION,
          DISABLE_KEY_ROTATION,
          GET_KEY_ROTATION_STATUS,
          ROTATE_KEY,
          DESCRIBE_KEY_ROTATION_HISTORY,
          LIST_KEY_ROTATION_HISTORY);
}
