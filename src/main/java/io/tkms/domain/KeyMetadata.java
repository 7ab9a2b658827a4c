package io.tkms.domain;

/**
 * Public attributes of a CMK. Holds no key material. Times are Unix seconds, 0 when unset.
 *
 * @param currentVersion the key version new ciphertexts are made with (versions start at 1)
 * @param deletionDate when a key pending deletion will be purged
 * @param rotateDays the automatic rotation period (0 until rotation was first enabled)
 * @param usage what the key is for; fixed at creation
 * @param publicKey an asymmetric key's public key, Base64 of its DER SubjectPublicKeyInfo; "" for a
 *     symmetric key
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
    long nextRotateTime,
    KeyUsage usage,
    String publicKey) {

  /** A symmetric ({@link KeyUsage#ENCRYPT_DECRYPT}) key's metadata. */
  public KeyMetadata(
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
    this(
        keyId,
        appId,
        region,
        alias,
        description,
        createTime,
        state,
        creatorUin,
        currentVersion,
        deletionDate,
        rotationEnabled,
        rotateDays,
        lastRotateTime,
        nextRotateTime,
        KeyUsage.ENCRYPT_DECRYPT,
        "");
  }

  /** The symmetric key usage (v3 spelling {@code ENCRYPT_DECRYPT}). */
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

  /** This metadata for an asymmetric key of {@code keyUsage} with {@code spki} (Base64). */
  public KeyMetadata asymmetric(KeyUsage keyUsage, String spki) {
    return new KeyMetadata(
        keyId,
        appId,
        region,
        alias,
        description,
        createTime,
        state,
        creatorUin,
        currentVersion,
        deletionDate,
        rotationEnabled,
        rotateDays,
        lastRotateTime,
        nextRotateTime,
        keyUsage,
        spki);
  }

  /** True when the key belongs to this account and region. */
  public boolean ownedBy(String app, String reg) {
    return appId.equals(app) && region.equals(reg);
  }
}
