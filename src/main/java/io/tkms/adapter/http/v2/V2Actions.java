package io.tkms.adapter.http.v2;

import io.tkms.adapter.http.Exchange;
import io.tkms.adapter.http.Plaintexts;
import io.tkms.application.Caller;
import io.tkms.application.CryptoService;
import io.tkms.application.KeyService;
import io.tkms.application.port.RateLimiter.Group;
import io.tkms.domain.Alias;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The nine API 2.0 actions: each decodes its parameters, calls the shared use case and encodes
 * the fields of its response. Runs on the event loop.
 */
final class V2Actions {
  /** The v2 spelling of the only key usage. */
  static final String V2_USAGE = "ENCRYPT/DECRYPT";

  private static final int MAX_DESCRIPTION_BYTES = 1024;

  /** One action: its throttling group and its handler. */
  record Action(Group group, Handler handler) {}

  @FunctionalInterface
  interface Handler {
    Future<JsonObject> handle(Exchange ex, Caller caller, V2Request req);
  }

  private final CryptoService crypto;
  private final KeyService keys;
  private final Map<String, Action> actions;

  V2Actions(CryptoService crypto, KeyService keys) {
    this.crypto = crypto;
    this.keys = keys;
    this.actions =
        Map.ofEntries(
            Map.entry("Encrypt", new Action(Group.CRYPTO, this::encrypt)),
            Map.entry("Decrypt", new Action(Group.CRYPTO, this::decrypt)),
            Map.entry("GenerateDataKey", new Action(Group.CRYPTO, this::generateDataKey)),
            Map.entry("CreateKey", new Action(Group.MANAGEMENT, this::createKey)),
            Map.entry("GetKeyAttributes", new Action(Group.MANAGEMENT, this::getKeyAttributes)),
            Map.entry("SetKeyAttributes", new Action(Group.MANAGEMENT, this::setKeyAttributes)),
            Map.entry("ListKey", new Action(Group.MANAGEMENT, this::listKey)),
            Map.entry("EnableKey", new Action(Group.MANAGEMENT, this::enableKey)),
            Map.entry("DisableKey", new Action(Group.MANAGEMENT, this::disableKey)),
            Map.entry("ScheduleKeyDeletion", new Action(Group.MANAGEMENT, this::scheduleKeyDeletion)),
            Map.entry("CancelKeyDeletion", new Action(Group.MANAGEMENT, this::cancelKeyDeletion)));
  }

  /** The action, or null when unknown. */
  Action find(String name) {
    return actions.get(name);
  }

  private static KeyId keyId(Exchange ex, V2Request req) {
    // One v2 SDK (Python) sends "KeyId" for the deletion actions: accept either spelling.
    String raw = req.optional("keyId") == null && req.optional("KeyId") != null ? req.required("KeyId") : req.required("keyId");
    KeyId id = KeyId.parse(raw);
    ex.keyId = id.toString();
    return id;
  }

  private static EncryptionContext context(V2Request req) {
    return EncryptionContext.parse(req.optional("encryptionContext"));
  }

  private Future<JsonObject> encrypt(Exchange ex, Caller caller, V2Request req) {
    KeyId id = keyId(ex, req);
    byte[] plaintext = Plaintexts.decode(req.required("plaintext"), "plaintext");
    EncryptionContext ctx;
    try {
      ctx = context(req);
    } catch (RuntimeException e) {
      java.util.Arrays.fill(plaintext, (byte) 0);
      throw e;
    }
    return crypto
        .encrypt(caller, id, plaintext, ctx)
        .map(r -> new JsonObject().put("keyId", r.keyId().toString())
            .put("ciphertextBlob", Base64.getEncoder().encodeToString(r.blob())));
  }

  private Future<JsonObject> decrypt(Exchange ex, Caller caller, V2Request req) {
    CiphertextBlob blob = CiphertextBlob.decodeBase64(req.required("ciphertextBlob"));
    ex.keyId = blob.keyId().toString();
    return crypto
        .decrypt(caller, blob, context(req))
        .map(r -> {
          try (SecretBytes pt = r.plaintext()) {
            return new JsonObject().put("keyId", r.keyId().toString())
                .put("plaintext", Base64.getEncoder().encodeToString(pt.bytes()));
          }
        });
  }

  private Future<JsonObject> generateDataKey(Exchange ex, Caller caller, V2Request req) {
    KeyId id = keyId(ex, req);
    int length = dataKeyLength(req);
    return crypto
        .generateDataKey(caller, id, length, context(req))
        .map(r -> {
          try (SecretBytes pt = r.plaintext()) {
            return new JsonObject().put("keyId", r.keyId().toString())
                .put("plaintext", Base64.getEncoder().encodeToString(pt.bytes()))
                .put("ciphertextBlob", Base64.getEncoder().encodeToString(r.blob()));
          }
        });
  }

  /** numberOfBytes > 0 wins over keySpec: the v2 Java SDK always sends both. */
  static int dataKeyLength(V2Request req) {
    int n = req.integer("numberOfBytes", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (n != 0) {
      if (n < 1 || n > CryptoService.MAX_DATA_KEY) {
        throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter numberOfBytes must be between 1 and 1024");
      }
      return n;
    }
    String spec = req.optional("keySpec");
    if (spec == null || spec.isEmpty()) {
      throw ErrorCode.MISSING_PARAMETER.exception("lacked of required parameters: keySpec or numberOfBytes");
    }
    return switch (spec) {
      case "AES_128" -> 16;
      case "AES_256" -> 32;
      default -> throw ErrorCode.INVALID_KEY_SPEC.exception();
    };
  }

  private Future<JsonObject> createKey(Exchange ex, Caller caller, V2Request req) {
    String alias = req.optional("alias");
    if (alias != null && !alias.isEmpty()) {
      Alias.validate(alias, Alias.V2_MAX);
    }
    String description = req.optional("description");
    if (description != null && description.getBytes(StandardCharsets.UTF_8).length > MAX_DESCRIPTION_BYTES) {
      throw ErrorCode.INVALID_PARAMETER_VALUE.exception("parameter description must be at most 1024 bytes");
    }
    String usage = req.optional("keyUsage");
    if (usage != null && !usage.isEmpty() && !usage.equals(V2_USAGE)) {
      throw ErrorCode.INVALID_KEY_USAGE.exception();
    }
    req.integer("type", 1, 1, 1);
    KeyService.NewKey key = KeyService.NewKey.DEFAULT.withAlias(alias == null ? "" : alias)
        .withDescription(description == null ? "" : description);
    return keys.create(caller, key).map(md -> {
      ex.keyId = md.keyId().toString();
      return new JsonObject().put("keyMetadata", metadata(md));
    });
  }

  private Future<JsonObject> getKeyAttributes(Exchange ex, Caller caller, V2Request req) {
    return keys.describe(caller, keyId(ex, req)).map(md -> new JsonObject().put("keyMetadata", metadata(md)));
  }

  private Future<JsonObject> setKeyAttributes(Exchange ex, Caller caller, V2Request req) {
    KeyId id = keyId(ex, req);
    String alias = Alias.validate(req.required("alias"), Alias.V2_MAX);
    return keys.setAlias(caller, id, alias).map(v -> new JsonObject());
  }

  private Future<JsonObject> listKey(Exchange ex, Caller caller, V2Request req) {
    int offset = req.integer("offset", 0, 0, Integer.MAX_VALUE);
    int limit = req.integer("limit", 10, 1, 200);
    return keys.list(caller, offset, limit).map(page -> {
      JsonArray arr = new JsonArray();
      page.keys().forEach(k -> arr.add(new JsonObject().put("keyId", k.keyId().toString())));
      return new JsonObject().put("keys", arr).put("totalCount", page.totalCount());
    });
  }

  private Future<JsonObject> enableKey(Exchange ex, Caller caller, V2Request req) {
    return keys.enable(caller, keyId(ex, req)).map(v -> new JsonObject());
  }

  private Future<JsonObject> disableKey(Exchange ex, Caller caller, V2Request req) {
    return keys.disable(caller, keyId(ex, req)).map(v -> new JsonObject());
  }

  private Future<JsonObject> scheduleKeyDeletion(Exchange ex, Caller caller, V2Request req) {
    KeyId id = keyId(ex, req);
    if (req.optional("pendingWindowInDays") == null || req.optional("pendingWindowInDays").isEmpty()) {
      throw ErrorCode.MISSING_PARAMETER.exception("lacked of required parameters: pendingWindowInDays");
    }
    int days = req.integer("pendingWindowInDays", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    return keys.scheduleDeletion(caller, id, days).map(date -> new JsonObject().put("keyId", id.toString()).put("deletionDate", date));
  }

  private Future<JsonObject> cancelKeyDeletion(Exchange ex, Caller caller, V2Request req) {
    KeyId id = keyId(ex, req);
    return keys.cancelDeletion(caller, id).map(v -> new JsonObject().put("keyId", id.toString()));
  }

  static JsonObject metadata(KeyMetadata md) {
    return new JsonObject()
        .put("keyId", md.keyId().toString())
        .put("alias", md.alias())
        .put("createTime", md.createTime())
        .put("description", md.description())
        .put("keyState", md.state().wireName())
        .put("keyUsage", V2_USAGE)
        .put("type", 1)
        .put("deleteTime", md.deletionDate());
  }
}
