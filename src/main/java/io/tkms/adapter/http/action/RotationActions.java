package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.action.Fields.KEY_ID;

import io.tkms.application.port.RateLimiter.Group;
import java.util.List;

/**
 * Automatic rotation of a CMK's material (management limiter group): every rotation adds a key
 * version, new ciphertexts use the newest, every older one still decrypts.
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

  static final List<Action> ALL =
      List.of(
          ENABLE_KEY_ROTATION,
          DISABLE_KEY_ROTATION,
          GET_KEY_ROTATION_STATUS,
          Action.unsupported(Group.MANAGEMENT, "RotateKey"),
          Action.unsupported(Group.MANAGEMENT, "DescribeKeyRotationHistory"),
          Action.unsupported(Group.MANAGEMENT, "ListKeyRotationHistory"));
}
