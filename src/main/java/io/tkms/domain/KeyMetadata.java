package io.tkms.domain;

/**
 * Public attributes of a CMK. Holds no key material.
 *
 * @param createTime Unix seconds
 * @param currentVersion the key version new ciphertexts are made with (versions start at 1)
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
    int currentVersion) {

  /** The only key usage this service supports (v3 spelling {@code ENCRYPT_DECRYPT}). */
  public static final String USAGE_ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT";

  public KeyMetadata withState(KeyState s) {
    return new KeyMetadata(keyId, appId, region, alias, description, createTime, s, creatorUin, currentVersion);
  }

  public KeyMetadata withAlias(String a) {
    return new KeyMetadata(keyId, appId, region, a, description, createTime, state, creatorUin, currentVersion);
  }

  /** True when the key belongs to this account and region. */
  public boolean ownedBy(String app, String reg) {
    return appId.equals(app) && region.equals(reg);
  }
}
