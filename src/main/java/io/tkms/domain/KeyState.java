package io.tkms.domain;

import io.tkms.error.ErrorCode;
import java.util.EnumMap;
import java.util.Map;

/**
 * Lifecycle state of a CMK, with the wire names both protocols use, and the one table of what each
 * state allows ({@link #apply(Operation)}), so the whole table is testable cell by cell. {@code
 * Purged} is internal: a purged key is reported as not found.
 */
public enum KeyState {
  ENABLED("Enabled"),
  DISABLED("Disabled"),
  PENDING_DELETE("PendingDelete"),
  ARCHIVED("Archived"),
  /** An EXTERNAL key without material: created so, or its imported material deleted or expired. */
  PENDING_IMPORT("PendingImport"),
  PURGED("Purged");

  /** What a caller wants to do with a key. */
  public enum Operation {
    /** Encrypt, GenerateDataKey, ReEncrypt as destination. */
    ENCRYPT,
    /** Decrypt, ReEncrypt as source. */
    DECRYPT,
    ENABLE,
    DISABLE,
    SCHEDULE_DELETION,
    CANCEL_DELETION,
    ARCHIVE,
    CANCEL_ARCHIVE,
    /** UpdateAlias, UpdateKeyDescription (SetKeyAttributes in API 2.0). */
    UPDATE,
    /** EnableKeyRotation, and RotateKey (a manual rotation is allowed where automatic ones are). */
    ENABLE_ROTATION,
    /** DescribeKey(s), GetKeyRotationStatus, DisableKeyRotation, the rotation history. */
    DESCRIBE,
    /**
     * GetPublicKey, SignByAsymmetricKey, VerifyByAsymmetricKey, AsymmetricRsaDecrypt,
     * AsymmetricSm2Decrypt: an asymmetric key works only while Enabled.
     */
    USE_KEY_PAIR,
    /**
     * GetParametersForImport and ImportKeyMaterial (an EXTERNAL key; the origin is checked apart):
     * material is imported into a key waiting for it, or imported again into an Enabled one.
     */
    IMPORT_MATERIAL,
    /** DeleteImportedKeyMaterial (an EXTERNAL key): the key waits for its material again. */
    DELETE_MATERIAL
  }

  /** A cell: the state after the operation, or the refusal. */
  private record Cell(KeyState target, ErrorCode refusal) {}

  private static final Map<KeyState, Map<Operation, Cell>> TABLE = new EnumMap<>(KeyState.class);

  static {
    // Rows as in the state table; "ok (no change)" cells keep the state.
    row(
        ENABLED,
        "ENCRYPT=ok DECRYPT=ok ENABLE=ok DISABLE=DISABLED SCHEDULE_DELETION=!KEY_SHOULD_BE_DISABLED"
            + " CANCEL_DELETION=!KEY_NOT_PENDING_DELETE ARCHIVE=ARCHIVED CANCEL_ARCHIVE=!KEY_STATE_NOT_SUPPORTED UPDATE=ok"
            + " ENABLE_ROTATION=ok DESCRIBE=ok USE_KEY_PAIR=ok IMPORT_MATERIAL=ok"
            + " DELETE_MATERIAL=PENDING_IMPORT");
    row(
        DISABLED,
        "ENCRYPT=!KEY_DISABLED DECRYPT=!KEY_DISABLED ENABLE=ENABLED DISABLE=ok SCHEDULE_DELETION=PENDING_DELETE"
            + " CANCEL_DELETION=!KEY_NOT_PENDING_DELETE ARCHIVE=!KEY_STATE_NOT_SUPPORTED CANCEL_ARCHIVE=!KEY_STATE_NOT_SUPPORTED"
            + " UPDATE=ok ENABLE_ROTATION=!KEY_STATE_NOT_SUPPORTED DESCRIBE=ok"
            + " USE_KEY_PAIR=!KEY_STATE_NOT_SUPPORTED IMPORT_MATERIAL=!KEY_STATE_NOT_SUPPORTED"
            + " DELETE_MATERIAL=PENDING_IMPORT");
    row(
        PENDING_DELETE,
        "ENCRYPT=!KEY_PENDING_DELETE DECRYPT=!KEY_PENDING_DELETE ENABLE=!KEY_STATE_NOT_SUPPORTED"
            + " DISABLE=!KEY_STATE_NOT_SUPPORTED SCHEDULE_DELETION=!KEY_STATE_NOT_SUPPORTED CANCEL_DELETION=DISABLED"
            + " ARCHIVE=!KEY_STATE_NOT_SUPPORTED CANCEL_ARCHIVE=!KEY_STATE_NOT_SUPPORTED UPDATE=!KEY_STATE_NOT_SUPPORTED"
            + " ENABLE_ROTATION=!KEY_STATE_NOT_SUPPORTED DESCRIBE=ok USE_KEY_PAIR=!KEY_STATE_NOT_SUPPORTED"
            + " IMPORT_MATERIAL=!KEY_STATE_NOT_SUPPORTED DELETE_MATERIAL=!KEY_STATE_NOT_SUPPORTED");
    row(
        ARCHIVED,
        "ENCRYPT=!KEY_ARCHIVED DECRYPT=ok ENABLE=!KEY_STATE_NOT_SUPPORTED DISABLE=!KEY_STATE_NOT_SUPPORTED"
            + " SCHEDULE_DELETION=!KEY_STATE_NOT_SUPPORTED CANCEL_DELETION=!KEY_NOT_PENDING_DELETE ARCHIVE=ok"
            + " CANCEL_ARCHIVE=ENABLED UPDATE=ok ENABLE_ROTATION=!KEY_STATE_NOT_SUPPORTED DESCRIBE=ok"
            + " USE_KEY_PAIR=!KEY_STATE_NOT_SUPPORTED IMPORT_MATERIAL=!KEY_STATE_NOT_SUPPORTED"
            + " DELETE_MATERIAL=!KEY_STATE_NOT_SUPPORTED");
    // An EXTERNAL key waiting for its material: nothing uses it; it can be renamed, described,
    // given material, and deleted (as AWS allows; Tencent's "Disabled first" cannot apply, since
    // a key without material can be neither enabled nor disabled).
    row(
        PENDING_IMPORT,
        "ENCRYPT=!KEY_STATE_NOT_SUPPORTED DECRYPT=!KEY_STATE_NOT_SUPPORTED ENABLE=!KEY_STATE_NOT_SUPPORTED"
            + " DISABLE=!KEY_STATE_NOT_SUPPORTED SCHEDULE_DELETION=PENDING_DELETE"
            + " CANCEL_DELETION=!KEY_NOT_PENDING_DELETE ARCHIVE=!KEY_STATE_NOT_SUPPORTED"
            + " CANCEL_ARCHIVE=!KEY_STATE_NOT_SUPPORTED UPDATE=ok ENABLE_ROTATION=!KEY_STATE_NOT_SUPPORTED"
            + " DESCRIBE=ok USE_KEY_PAIR=!KEY_STATE_NOT_SUPPORTED IMPORT_MATERIAL=ENABLED"
            + " DELETE_MATERIAL=ok");
    StringBuilder purged = new StringBuilder();
    for (Operation op : Operation.values()) {
      purged.append(op).append("=!KEY_NOT_FOUND ");
    }
    row(PURGED, purged.toString());
  }

  private static void row(KeyState s, String cells) {
    Map<Operation, Cell> m = new EnumMap<>(Operation.class);
    for (String cell : cells.trim().split("\\s+", -1)) {
      String[] kv = cell.split("=", -1);
      Operation op = Operation.valueOf(kv[0]);
      if (kv[1].equals("ok")) {
        m.put(op, new Cell(s, null));
      } else if (kv[1].startsWith("!")) {
        m.put(op, new Cell(null, ErrorCode.valueOf(kv[1].substring(1))));
      } else {
        m.put(op, new Cell(KeyState.valueOf(kv[1]), null));
      }
    }
    if (m.size() != Operation.values().length) {
      throw new IllegalStateException("state table row " + s + " is incomplete");
    }
    TABLE.put(s, m);
  }

  private final String wireName;

  KeyState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static KeyState fromWireName(String name) {
    for (KeyState s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown key state");
  }

  /**
   * The state after {@code op} (this state when the operation changes nothing).
   *
   * @throws io.tkms.error.KmsException the cell's refusal (KEY_DISABLED, KEY_PENDING_DELETE,
   *     KEY_ARCHIVED, KEY_STATE_NOT_SUPPORTED, KEY_SHOULD_BE_DISABLED, KEY_NOT_PENDING_DELETE, or
   *     KEY_NOT_FOUND for a purged key), its message naming the state
   */
  public KeyState apply(Operation op) {
    Cell c = TABLE.get(this).get(op);
    if (c.refusal() != null) {
      if (c.refusal() == ErrorCode.KEY_NOT_FOUND) {
        throw ErrorCode.KEY_NOT_FOUND.exception();
      }
      throw c.refusal().exception(c.refusal().message() + " (state " + wireName + ")");
    }
    return c.target();
  }

  /** Same as {@link #apply} when only the permission matters. */
  public void check(Operation op) {
    apply(op);
  }
}
