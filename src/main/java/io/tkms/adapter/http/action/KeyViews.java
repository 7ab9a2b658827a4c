package io.tkms.adapter.http.action;

import io.tkms.adapter.http.Protocol;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.SymmetricAlgorithm;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;

/** A CMK's metadata as each protocol answers it ({@code keyMetadata} / {@code KeyMetadata}). */
final class KeyViews {
  private KeyViews() {}

  static JsonObject metadata(Protocol protocol, KeyMetadata md) {
    return protocol == Protocol.V2 ? v2(md) : v3(md);
  }

  /** API 2.0's {@code keyMetadata}: {@code type} 1 is API 3.0's {@code Type} 2 (FIPS). */
  private static JsonObject v2(KeyMetadata md) {
    return new JsonObject()
        .put("keyId", md.keyId().toString())
        .put("alias", md.alias())
        .put("createTime", md.createTime())
        .put("description", md.description())
        .put("keyState", md.state().wireName())
        .put("keyUsage", Spellings.keyUsage(Protocol.V2, md.usage()))
        .put("type", 1)
        .put("deleteTime", md.deletionDate());
  }

  /** API 3.0's {@code Type}: 4 for the Chinese national algorithms (SM2), else 2 (FIPS). */
  static int type(KeyMetadata md) {
    return md.usage().isSm()
            || (!md.usage().isAsymmetric() && md.algorithm() == SymmetricAlgorithm.SM4)
        ? 4
        : 2;
  }

  /**
   * API 3.0's {@code KeyMetadata} as the reference spells it; {@code CreatorUin} is a JSON number.
   */
  private static JsonObject v3(KeyMetadata md) {
    return new JsonObject()
        .put("KeyId", md.keyId().toString())
        .put("Alias", md.alias())
        .put("CreateTime", md.createTime())
        .put("Description", md.description())
        .put("KeyState", md.state().wireName())
        .put("KeyUsage", Spellings.keyUsage(Protocol.V3, md.usage()))
        .put("Type", type(md))
        .put("CreatorUin", new BigInteger(md.creatorUin()))
        .put("KeyRotationEnabled", md.rotationEnabled())
        .put("Owner", "user")
        .put("NextRotateTime", md.nextRotateTime())
        .put("DeletionDate", md.deletionDate())
        .put("Origin", md.origin().name())
        .put("ValidTo", md.validTo())
        .put("ResourceId", "creatorUin/" + md.creatorUin() + "/" + md.keyId())
        .put("HsmClusterId", "")
        .put("RotateDays", md.rotateDays())
        .put("LastRotateTime", md.lastRotateTime());
  }
}
