package io.tkms.domain;

/**
 * Public attributes of a CMK. Holds no key material. Times are Unix seconds, 0 when unset.
 *
 * @param currentVersion the key version new ciphertexts are made with (versions start at 1)
 * @param deletionDate when a key pending deletion will be purged
 * @param rotateDays the automatic rotation period (0 until rotation was first enabled)
 */
public record KeyMetadata(
    KeyId keyId,
    String appId,
    String region,
    String alias,
    String description,
    long createTime,
    KeyState state,
    String creatorUin,
    int currentVersion,
    long deletionDate,
    boolean rotationEnabled,
    int rotateDays,
    long lastRotateTime,
    long nextRotateTime) {

  /** The only key usage this service supports (v3 spelling {@code ENCRYPT_DECRYPT}). */
  public static final String USAGE_ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT";

  /** A new enabled key at version 1. */
  public static KeyMetadata created(
      KeyId keyId,
      String appId,
      String region,
      String alias,
      String description,
      long createTime,
      String creatorUin) {
    return new KeyMetadata(
        keyId,
        appId,
        region,
        alias,
        description,
        createTime,
        KeyState.ENABLED,
        creatorUin,
        1,
        0,
        false,
        0,
        0,
        0);
  }

  /** True when the key belongs to this account and region. */
  public boolean ownedBy(String app, String reg) {
    return appId.equals(app) && region.equals(reg);
  }
}
