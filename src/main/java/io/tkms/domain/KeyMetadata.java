package io.tkms.domain;

import java.util.Objects;

/**
 * Public attributes of a CMK. Holds no key material. Times are Unix seconds, 0 when unset.
 *
 * @param currentVersion the key version new ciphertexts are made with (versions start at 1)
 * @param deletionDate when a key pending deletion will be purged
 * @param rotateDays the automatic rotation period (0 until rotation was first enabled)
 * @param usage what the key is for; fixed at creation
 * @param publicKey an asymmetric key's public key, Base64 of its DER SubjectPublicKeyInfo; "" for a
 *     symmetric key
 * @param algorithm a symmetric key's cipher, fixed at creation ({@link SymmetricAlgorithm#AES_256}
 *     for an asymmetric key, which does not use it)
 * @param origin who made the material: this server, or the owner by import ({@code EXTERNAL})
 * @param validTo when imported material expires, Unix seconds; 0 for never (and for keys made here)
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
    String publicKey,
    SymmetricAlgorithm algorithm,
    KeyOrigin origin,
    long validTo) {

  public KeyMetadata {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(origin, "origin");
  }

  /** The symmetric key usage (v3 spelling {@code ENCRYPT_DECRYPT}). */
  public static final String USAGE_ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT";

  /** A new enabled AES-256 key at version 1, made by this server, never expiring. */
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
        0,
        KeyUsage.ENCRYPT_DECRYPT,
        "",
        SymmetricAlgorithm.AES_256,
        KeyOrigin.TENCENT_KMS,
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
        spki,
        algorithm,
        origin,
        validTo);
  }

  /** This metadata with another symmetric algorithm. */
  public KeyMetadata withAlgorithm(SymmetricAlgorithm a) {
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
        usage,
        publicKey,
        a,
        origin,
        validTo);
  }

  /** This metadata with another origin and material expiry ({@code 0}: never). */
  public KeyMetadata withOrigin(KeyOrigin o, long materialValidTo) {
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
        usage,
        publicKey,
        algorithm,
        o,
        materialValidTo);
  }

  /** This metadata with another alias. */
  public KeyMetadata withAlias(String a) {
    return new KeyMetadata(
        keyId,
        appId,
        region,
        a,
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
        usage,
        publicKey,
        algorithm,
        origin,
        validTo);
  }

  /** This metadata with another description. */
  public KeyMetadata withDescription(String d) {
    return new KeyMetadata(
        keyId,
        appId,
        region,
        alias,
        d,
        createTime,
        state,
        creatorUin,
        currentVersion,
        deletionDate,
        rotationEnabled,
        rotateDays,
        lastRotateTime,
        nextRotateTime,
        usage,
        publicKey,
        algorithm,
        origin,
        validTo);
  }

  /** This metadata in another state, with another deletion date (0: none). */
  public KeyMetadata withState(KeyState s, long deletion) {
    return new KeyMetadata(
        keyId,
        appId,
        region,
        alias,
        description,
        createTime,
        s,
        creatorUin,
        currentVersion,
        deletion,
        rotationEnabled,
        rotateDays,
        lastRotateTime,
        nextRotateTime,
        usage,
        publicKey,
        algorithm,
        origin,
        validTo);
  }

  /** This metadata with other rotation settings and times. */
  public KeyMetadata withRotation(boolean enabled, int days, long lastRotate, long nextRotate) {
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
        enabled,
        days,
        lastRotate,
        nextRotate,
        usage,
        publicKey,
        algorithm,
        origin,
        validTo);
  }

  /** This metadata at another current version. */
  public KeyMetadata withCurrentVersion(int version) {
    return new KeyMetadata(
        keyId,
        appId,
        region,
        alias,
        description,
        createTime,
        state,
        creatorUin,
        version,
        deletionDate,
        rotationEnabled,
        rotateDays,
        lastRotateTime,
        nextRotateTime,
        usage,
        publicKey,
        algorithm,
        origin,
        validTo);
  }

  /** True when the key belongs to this account and region. */
  public boolean ownedBy(String app, String reg) {
    return appId.equals(app) && region.equals(reg);
  }
}
