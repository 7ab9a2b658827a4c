package io.tkms.adapter.http.v3;

import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.Plaintexts;
import io.tkms.application.Caller;
import io.tkms.application.CryptoService;
import io.tkms.application.KeyService;
import io.tkms.application.port.KeyRepository;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.domain.Alias;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API 3.0 (2019-01-18) actions: decode parameters, call the same use cases as API 2.0, encode
 * the response fields. Actions of Tencent's API that this server does not build yet answer
 * {@code UnsupportedOperation}, never a silent success. Runs on the event loop.
 */
final class V3Actions {
  static final String USAGE = KeyMetadata.USAGE_ENCRYPT_DECRYPT;
  private static final int MAX_DESCRIPTION_BYTES = 1024;
  private static final int MAX_BATCH = 100;

  /** Tencent actions recognised but not built yet: answered with UnsupportedOperation. */
  static final Set<String> NOT_YET = Set.of(
      "RotateKey", "DescribeKeyRotationHistory",
      "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial", "GetPublicKey",
      "AsymmetricRsaDecrypt", "AsymmetricSm2Decrypt", "SignByAsymmetricKey", "VerifyByAsymmetricKey",
      "BindCloudResource", "UnbindCloudResource", "PostQuantumCryptoEncrypt", "PostQuantumCryptoDecrypt",
      "PostQuantumCryptoSign", "PostQuantumCryptoVerify", "CreateWhiteBoxKey", "DeleteWhiteBoxKey",
      "DescribeWhiteBoxKey", "DescribeWhiteBoxKeyDetails", "DescribeWhiteBoxDecryptKey", "DescribeWhiteBoxServiceStatus",
      "DescribeWhiteBoxDeviceFingerprints", "OverwriteWhiteBoxDeviceFingerprints", "EnableWhiteBoxKey",
      "EnableWhiteBoxKeys", "DisableWhiteBoxKey", "DisableWhiteBoxKeys", "EncryptByWhiteBox", "ImportDataKey",
      "DescribeDataKey", "DescribeDataKeys", "ListDataKeys", "ListDataKeyDetail", "EnableDataKey", "EnableDataKeys",
      "DisableDataKey", "DisableDataKeys", "ScheduleDataKeyDeletion", "CancelDataKeyDeletion", "GetDataKeyPlaintext",
      "GetDataKeyCiphertextBlob", "UpdateDataKeyName", "UpdateDataKeyDescription", "ListKeyRotationHistory",
      "CreateWhiteBoxKeys");

  /** One action: its throttling group and its handler. */
  record Action(Group group, Handler handler) {}

  @FunctionalInterface
  interface Handler {
    Future<JsonObject> handle(Exchange ex, Caller caller, V3Input in);
  }

  private final CryptoService crypto;
  private final KeyService keys;
  private final List<String> regions;
  private final Map<String, Action> actions = new HashMap<>();

  V3Actions(CryptoService crypto, KeyService keys, List<String> regions) {
    this.crypto = crypto;
    this.keys = keys;
    this.regions = List.copyOf(regions);
    crypto(Map.of("Encrypt", this::encrypt, "Decrypt", this::decrypt, "GenerateDataKey", this::generateDataKey,
        "GenerateRandom", this::generateRandom, "ReEncrypt", this::reEncrypt));
    management(Map.of("ScheduleKeyDeletion", this::scheduleDeletion, "CancelKeyDeletion", this::cancelDeletion,
        "ArchiveKey", (e, c, i) -> state(e, c, i, keys::archive), "CancelKeyArchive", (e, c, i) -> state(e, c, i, keys::cancelArchive),
        "EnableKeyRotation", this::enableRotation, "DisableKeyRotation", (e, c, i) -> state(e, c, i, keys::disableRotation),
        "GetKeyRotationStatus", this::rotationStatus));
    management(Map.of("CreateKey", this::createKey, "DescribeKey", this::describeKey, "DescribeKeys", this::describeKeys,
        "ListKeys", this::listKeys, "ListKeyDetail", this::listKeyDetail, "UpdateAlias", this::updateAlias,
        "UpdateKeyDescription", this::updateDescription, "EnableKey", (e, c, i) -> single(e, c, i, true),
        "DisableKey", (e, c, i) -> single(e, c, i, false)));
    management(Map.of("EnableKeys", (e, c, i) -> batch(c, i, true), "DisableKeys", (e, c, i) -> batch(c, i, false),
        "GetServiceStatus", this::serviceStatus, "GetRegions", this::getRegions, "ListAlgorithms", this::listAlgorithms));
  }

  private void crypto(Map<String, Handler> m) {
    m.forEach((k, h) -> actions.put(k, new Action(Group.CRYPTO, h)));
  }

  private void management(Map<String, Handler> m) {
    m.forEach((k, h) -> actions.put(k, new Action(Group.MANAGEMENT, h)));
  }

  /**
   * The action, or null when unknown.
   *
   * @throws io.tkms.error.KmsException UNSUPPORTED_OPERATION for Tencent actions not built here
   */
  Action find(String name) {
    if (NOT_YET.contains(name)) {
      throw ErrorCode.UNSUPPORTED_OPERATION.exception("the action " + name + " is not supported by this server yet");
    }
    return actions.get(name);
  }

  /** How many actions are built (for the documentation check). */
  int size() {
    return actions.size();
  }

  private static KeyId keyId(Exchange ex, V3Input in, String field) {
    KeyId id = KeyId.parse(in.required(field));
    ex.keyId = id.toString();
    return id;
  }

  private static EncryptionContext context(V3Input in, String field) {
    return EncryptionContext.parse(in.string(field));
  }

  private static void refuseWrappedPlaintext(V3Input in) {
    if (in.has("EncryptionPublicKey")) {
      throw ErrorCode.UNSUPPORTED_OPERATION.exception("EncryptionPublicKey is not supported by this server yet");
    }
  }

  private Future<JsonObject> encrypt(Exchange ex, Caller caller, V3Input in) {
    KeyId id = keyId(ex, in, "KeyId");
    byte[] plaintext = Plaintexts.decode(in.required("Plaintext"), "Plaintext");
    EncryptionContext ctx;
    try {
      ctx = context(in, "EncryptionContext");
    } catch (RuntimeException e) {
      Arrays.fill(plaintext, (byte) 0);
      throw e;
    }
    return crypto.encrypt(caller, id, plaintext, ctx).map(r -> new JsonObject()
        .put("CiphertextBlob", Base64.getEncoder().encodeToString(r.blob())).put("KeyId", r.keyId().toString()));
  }

  private Future<JsonObject> decrypt(Exchange ex, Caller caller, V3Input in) {
    refuseWrappedPlaintext(in);
    CiphertextBlob blob = CiphertextBlob.decodeBase64(in.required("CiphertextBlob"));
    ex.keyId = blob.keyId().toString();
    return crypto.decrypt(caller, blob, context(in, "EncryptionContext")).map(r -> {
      try (SecretBytes pt = r.plaintext()) {
        return new JsonObject().put("KeyId", r.keyId().toString()).put("Plaintext", Base64.getEncoder().encodeToString(pt.bytes()));
      }
    });
  }

  private Future<JsonObject> generateDataKey(Exchange ex, Caller caller, V3Input in) {
    refuseWrappedPlaintext(in);
    if (in.integer("IsHostedByKms", 0, 0, 1) == 1) {
      throw ErrorCode.UNSUPPORTED_OPERATION.exception("data keys hosted by KMS are not supported by this server yet");
    }
    KeyId id = keyId(ex, in, "KeyId");
    int length;
    if (in.has("NumberOfBytes")) {
      length = (int) in.integer("NumberOfBytes", 0, 1, CryptoService.MAX_DATA_KEY);
    } else {
      String spec = in.string("KeySpec");
      if (spec == null || spec.isEmpty()) {
        throw ErrorCode.MISSING_PARAMETER.exception("one of KeySpec and NumberOfBytes is required");
      }
      length = switch (spec) {
        case "AES_128" -> 16;
        case "AES_256" -> 32;
        default -> throw ErrorCode.INVALID_KEY_SPEC.exception("KeySpec must be AES_128 or AES_256");
      };
    }
    return crypto.generateDataKey(caller, id, length, context(in, "EncryptionContext")).map(r -> {
      try (SecretBytes pt = r.plaintext()) {
        return new JsonObject().put("KeyId", r.keyId().toString())
            .put("Plaintext", Base64.getEncoder().encodeToString(pt.bytes()))
            .put("CiphertextBlob", Base64.getEncoder().encodeToString(r.blob()));
      }
    });
  }

  private Future<JsonObject> generateRandom(Exchange ex, Caller caller, V3Input in) {
    if (!in.has("NumberOfBytes")) {
      throw ErrorCode.MISSING_PARAMETER.exception("the parameter NumberOfBytes is required");
    }
    int n = (int) in.integer("NumberOfBytes", 0, 1, 1024);
    return crypto.random(n).map(r -> {
      try (SecretBytes b = r) {
        return new JsonObject().put("Plaintext", Base64.getEncoder().encodeToString(b.bytes()));
      }
    });
  }

  private Future<JsonObject> reEncrypt(Exchange ex, Caller caller, V3Input in) {
    refuseWrappedPlaintext(in);
    CiphertextBlob blob = CiphertextBlob.decodeBase64(in.required("CiphertextBlob"));
    KeyId dest = in.has("DestinationKeyId") ? KeyId.parse(in.required("DestinationKeyId")) : null;
    ex.keyId = dest == null ? blob.keyId().toString() : dest.toString();
    return crypto.reEncrypt(caller, blob, context(in, "SourceEncryptionContext"), dest, context(in, "DestinationEncryptionContext"))
        .map(r -> new JsonObject().put("CiphertextBlob", Base64.getEncoder().encodeToString(r.blob()))
            .put("KeyId", r.keyId().toString()).put("SourceKeyId", r.sourceKeyId().toString()).put("ReEncrypted", r.reEncrypted()));
  }

  private Future<JsonObject> scheduleDeletion(Exchange ex, Caller caller, V3Input in) {
    KeyId id = keyId(ex, in, "KeyId");
    if (!in.has("PendingWindowInDays")) {
      throw ErrorCode.MISSING_PARAMETER.exception("the parameter PendingWindowInDays is required");
    }
    long days = in.integer("PendingWindowInDays", 0, Long.MIN_VALUE, Long.MAX_VALUE);
    if (days < KeyService.MIN_PENDING_DAYS || days > KeyService.MAX_PENDING_DAYS) {
      throw ErrorCode.INVALID_PENDING_WINDOW.exception();
    }
    return keys.scheduleDeletion(caller, id, (int) days)
        .map(date -> new JsonObject().put("DeletionDate", date).put("KeyId", id.toString()));
  }

  private Future<JsonObject> cancelDeletion(Exchange ex, Caller caller, V3Input in) {
    KeyId id = keyId(ex, in, "KeyId");
    return keys.cancelDeletion(caller, id).map(v -> new JsonObject().put("KeyId", id.toString()));
  }

  @FunctionalInterface
  private interface KeyChange {
    Future<Void> apply(Caller caller, KeyId keyId);
  }

  private Future<JsonObject> state(Exchange ex, Caller caller, V3Input in, KeyChange change) {
    return change.apply(caller, keyId(ex, in, "KeyId")).map(v -> new JsonObject());
  }

  private Future<JsonObject> enableRotation(Exchange ex, Caller caller, V3Input in) {
    KeyId id = keyId(ex, in, "KeyId");
    int days = (int) in.integer("RotateDays", 365, 7, 365);
    return keys.enableRotation(caller, id, days).map(v -> new JsonObject());
  }

  private Future<JsonObject> rotationStatus(Exchange ex, Caller caller, V3Input in) {
    return keys.describe(caller, keyId(ex, in, "KeyId")).map(md -> new JsonObject()
        .put("KeyRotationEnabled", md.rotationEnabled()).put("NextRotateTime", md.nextRotateTime())
        .put("RotateDays", md.rotateDays()).put("LastRotateTime", md.lastRotateTime()));
  }

  private Future<JsonObject> createKey(Exchange ex, Caller caller, V3Input in) {
    String alias = Alias.validate(in.required("Alias"), Alias.V3_MAX);
    String description = description(in, false);
    String usage = in.string("KeyUsage");
    if (usage != null && !usage.isEmpty() && !usage.equals(USAGE)) {
      throw ErrorCode.INVALID_KEY_USAGE.exception("KeyUsage must be ENCRYPT_DECRYPT on this server");
    }
    long type = in.integer("Type", 1, 1, 2);
    if (type == 2) {
      throw ErrorCode.UNSUPPORTED_OPERATION.exception("keys with imported material (Type 2) are not supported yet");
    }
    if (in.has("HsmClusterId")) {
      throw ErrorCode.UNSUPPORTED_OPERATION.exception("dedicated HSM clusters are not supported");
    }
    Map<String, String> tags = tags(in);
    return keys.create(caller, alias, description, tags).map(md -> {
      ex.keyId = md.keyId().toString();
      return new JsonObject().put("KeyId", md.keyId().toString()).put("Alias", md.alias())
          .put("CreateTime", md.createTime()).put("Description", md.description())
          .put("KeyState", md.state().wireName()).put("KeyUsage", USAGE)
          .put("TagCode", 0).put("TagMsg", "")
          .put("HsmClusterId", "");
    });
  }

  private static Map<String, String> tags(V3Input in) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map<String, Object> t : in.objects("Tags", 50)) {
      Object k = t.get("TagKey");
      Object v = t.get("TagValue");
      if (!(k instanceof String key) || key.isEmpty() || key.length() > 128 || !(v instanceof String value) || value.length() > 256) {
        throw ErrorCode.INVALID_TAG.exception();
      }
      if (out.put(key, value) != null) {
        throw ErrorCode.TAG_KEYS_DUPLICATED.exception();
      }
    }
    return out;
  }

  private static List<KeyRepository.TagFilter> tagFilters(V3Input in) {
    List<KeyRepository.TagFilter> out = new ArrayList<>();
    for (Map<String, Object> f : in.objects("TagFilters", 50)) {
      Object k = f.get("TagKey");
      if (!(k instanceof String key) || key.isEmpty()) {
        throw ErrorCode.MISSING_PARAMETER.exception("every TagFilter needs a TagKey");
      }
      List<String> values = new ArrayList<>();
      Object v = f.get("TagValue");
      if (v instanceof List<?> l) {
        for (Object o : l) {
          if (!(o instanceof String str)) {
            throw ErrorCode.INVALID_PARAMETER_VALUE.exception("TagValue must be a list of strings");
          }
          values.add(str);
        }
      } else if (v instanceof String str) {
        values.add(str);
      } else if (v != null) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception("TagValue must be a list of strings");
      }
      out.add(new KeyRepository.TagFilter(key, List.copyOf(values)));
    }
    return out;
  }

  private static String description(V3Input in, boolean required) {
    String d = required ? in.required("Description") : in.string("Description");
    if (d != null && d.getBytes(StandardCharsets.UTF_8).length > MAX_DESCRIPTION_BYTES) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("Description must be at most 1024 bytes");
    }
    return d;
  }

  private Future<JsonObject> describeKey(Exchange ex, Caller caller, V3Input in) {
    return keys.describe(caller, keyId(ex, in, "KeyId")).map(md -> new JsonObject().put("KeyMetadata", metadata(md)));
  }

  private Future<JsonObject> describeKeys(Exchange ex, Caller caller, V3Input in) {
    List<KeyId> ids = keyIds(in);
    List<Future<KeyMetadata>> found = new ArrayList<>();
    for (KeyId id : ids) {
      found.add(keys.describe(caller, id).recover(e -> Future.succeededFuture(null)));
    }
    return Future.all(found).map(all -> {
      JsonArray arr = new JsonArray();
      for (Future<KeyMetadata> f : found) {
        if (f.result() != null) {
          arr.add(metadata(f.result()));
        }
      }
      return new JsonObject().put("KeyMetadatas", arr);
    });
  }

  private static List<KeyId> keyIds(V3Input in) {
    List<String> raw = in.strings("KeyIds", MAX_BATCH);
    if (raw.isEmpty()) {
      throw ErrorCode.MISSING_PARAMETER.exception("the parameter KeyIds is required");
    }
    Set<KeyId> seen = new HashSet<>();
    List<KeyId> ids = new ArrayList<>();
    for (String s : raw) {
      KeyId id = KeyId.parse(s);
      if (!seen.add(id)) {
        throw ErrorCode.DUPLICATED_KEY_ID.exception();
      }
      ids.add(id);
    }
    return ids;
  }

  private Future<JsonObject> listKeys(Exchange ex, Caller caller, V3Input in) {
    int offset = (int) in.integer("Offset", 0, 0, Integer.MAX_VALUE);
    int limit = (int) in.integer("Limit", 10, 1, 200);
    if (in.integer("Role", 0, 0, 1) == 1) {
      return Future.succeededFuture(new JsonObject().put("Keys", new JsonArray()).put("TotalCount", 0));
    }
    return keys.query(caller, offset, limit, true, null, null, List.of()).map(page -> {
      JsonArray arr = new JsonArray();
      page.keys().forEach(k -> arr.add(new JsonObject().put("KeyId", k.keyId().toString())));
      return new JsonObject().put("Keys", arr).put("TotalCount", page.totalCount());
    });
  }

  private Future<JsonObject> listKeyDetail(Exchange ex, Caller caller, V3Input in) {
    List<KeyRepository.TagFilter> tagFilters = tagFilters(in);
    int offset = (int) in.integer("Offset", 0, 0, Integer.MAX_VALUE);
    int limit = (int) in.integer("Limit", 10, 1, 200);
    boolean ascending = in.integer("OrderType", 0, 0, 1) == 1;
    int state = (int) in.integer("KeyState", 0, 0, 5);
    String origin = in.string("Origin");
    String usage = in.string("KeyUsage");
    boolean none = in.integer("Role", 0, 0, 1) == 1 || state == 4
        || (origin != null && !origin.isEmpty() && !origin.equals("ALL") && !origin.equals("TENCENT_KMS"))
        || (usage != null && !usage.isEmpty() && !usage.equals("ALL") && !usage.equals(USAGE));
    if (none) {
      return Future.succeededFuture(new JsonObject().put("TotalCount", 0).put("KeyMetadatas", new JsonArray()));
    }
    KeyState filter = switch (state) {
      case 1 -> KeyState.ENABLED;
      case 2 -> KeyState.DISABLED;
      case 3 -> KeyState.PENDING_DELETE;
      case 5 -> KeyState.ARCHIVED;
      default -> null;
    };
    return keys.query(caller, offset, limit, ascending, filter, in.string("SearchKeyAlias"), tagFilters).map(page -> {
      JsonArray arr = new JsonArray();
      page.keys().forEach(k -> arr.add(metadata(k)));
      return new JsonObject().put("TotalCount", page.totalCount()).put("KeyMetadatas", arr);
    });
  }

  private Future<JsonObject> updateAlias(Exchange ex, Caller caller, V3Input in) {
    String alias = Alias.validate(in.required("Alias"), Alias.V3_MAX);
    return keys.setAlias(caller, keyId(ex, in, "KeyId"), alias).map(v -> new JsonObject());
  }

  private Future<JsonObject> updateDescription(Exchange ex, Caller caller, V3Input in) {
    String d = description(in, true);
    return keys.setDescription(caller, keyId(ex, in, "KeyId"), d).map(v -> new JsonObject());
  }

  private Future<JsonObject> single(Exchange ex, Caller caller, V3Input in, boolean enable) {
    KeyId id = keyId(ex, in, "KeyId");
    return (enable ? keys.enable(caller, id) : keys.disable(caller, id)).map(v -> new JsonObject());
  }

  private Future<JsonObject> batch(Caller caller, V3Input in, boolean enable) {
    List<KeyId> ids = keyIds(in);
    // All keys must exist before any changes, so a typo does not leave half the batch changed.
    List<Future<KeyMetadata>> checks = ids.stream().map(id -> keys.describe(caller, id)).toList();
    return Future.all(checks).compose(all -> {
      Future<Void> chain = Future.succeededFuture();
      for (KeyId id : ids) {
        chain = chain.compose(v -> enable ? keys.enable(caller, id) : keys.disable(caller, id));
      }
      return chain;
    }).map(v -> new JsonObject());
  }

  private Future<JsonObject> serviceStatus(Exchange ex, Caller caller, V3Input in) {
    return keys.count(caller).map(n -> new JsonObject().put("ServiceEnabled", true).put("InvalidType", 1).put("UserLevel", 0)
        .put("CmkLimit", keys.quota()).put("CmkUserCount", n).put("ExclusiveVSMEnabled", false)
        .put("ExclusiveHSMEnabled", false).put("IsAllowedDataKeyHosted", false));
  }

  private Future<JsonObject> getRegions(Exchange ex, Caller caller, V3Input in) {
    return Future.succeededFuture(new JsonObject().put("Regions", new JsonArray(new ArrayList<Object>(regions))));
  }

  private Future<JsonObject> listAlgorithms(Exchange ex, Caller caller, V3Input in) {
    return Future.succeededFuture(new JsonObject()
        .put("SymmetricAlgorithms", new JsonArray().add(new JsonObject().put("KeyUsage", USAGE).put("Algorithm", "AES_256")))
        .put("AsymmetricAlgorithms", new JsonArray())
        .put("AsymmetricSignVerifyAlgorithms", new JsonArray()));
  }

  /** KeyMetadata as reference §3.8 spells it; {@code Type} 2 (FIPS) is API 2.0's type 1. */
  static JsonObject metadata(KeyMetadata md) {
    return new JsonObject()
        .put("KeyId", md.keyId().toString())
        .put("Alias", md.alias())
        .put("CreateTime", md.createTime())
        .put("Description", md.description())
        .put("KeyState", md.state().wireName())
        .put("KeyUsage", USAGE)
        .put("Type", 2)
        .put("CreatorUin", new BigInteger(md.creatorUin()))
        .put("KeyRotationEnabled", md.rotationEnabled())
        .put("Owner", "user")
        .put("NextRotateTime", md.nextRotateTime())
        .put("DeletionDate", md.deletionDate())
        .put("Origin", "TENCENT_KMS")
        .put("ValidTo", 0)
        .put("ResourceId", "creatorUin/" + md.creatorUin() + "/" + md.keyId())
        .put("HsmClusterId", "")
        .put("RotateDays", md.rotateDays())
        .put("LastRotateTime", md.lastRotateTime());
  }
}
