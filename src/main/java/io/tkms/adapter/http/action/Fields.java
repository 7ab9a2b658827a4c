package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.Protocol.V2;
import static io.tkms.adapter.http.Protocol.V3;

import io.tkms.application.CryptoService;
import io.tkms.application.port.KeyRepository.TagFilter;
import io.tkms.crypto.PublicKeys;
import io.tkms.domain.Alias;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.DeletionWindow;
import io.tkms.domain.Description;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeySpec;
import io.tkms.domain.KeyUsage;
import io.tkms.error.ErrorCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The input fields actions share, each declared once with its rules per protocol. Actions list them
 * (adjusted where one action differs, e.g. {@code ALIAS.optional(V2)}); handlers read them with
 * {@link Call#get} and {@link Call#find}.
 */
final class Fields {
  private Fields() {}

  static final Field<KeyId> KEY_ID =
      Field.string("KeyId")
          .required()
          // One API 2.0 SDK (Python) sends "KeyId" for the deletion actions: API 2.0 accepts either
          // spelling.
          .alsoNamed(V2, "KeyId")
          .map(KeyId::parse)
          .audited(id -> id)
          .doc("a CMK id");

  static final Field<byte[]> PLAINTEXT =
      Field.string("Plaintext")
          .required()
          .mapBounded((text, spec) -> Plaintexts.decode(text, spec.name()))
          .doc("base64 of 1 to " + CryptoService.MAX_PLAINTEXT + " bytes");

  static final Field<EncryptionContext> ENCRYPTION_CONTEXT = context("EncryptionContext");
  static final Field<EncryptionContext> SOURCE_ENCRYPTION_CONTEXT =
      context("SourceEncryptionContext");
  static final Field<EncryptionContext> DESTINATION_ENCRYPTION_CONTEXT =
      context("DestinationEncryptionContext");

  static final Field<CiphertextBlob> CIPHERTEXT_BLOB =
      Field.string("CiphertextBlob")
          .required()
          .map(CiphertextBlob::decodeBase64)
          .audited(CiphertextBlob::keyId)
          .doc("base64, as Encrypt or GenerateDataKey answered it");

  static final Field<KeyId> DESTINATION_KEY_ID =
      Field.string("DestinationKeyId")
          .map(KeyId::parse)
          .audited(id -> id)
          .doc("a CMK id; default: the blob's own CMK");

  static final Field<Object> ENCRYPTION_PUBLIC_KEY =
      refused("EncryptionPublicKey", "EncryptionPublicKey is not supported by this server yet");

  /**
   * Decrypt's and GenerateDataKey's caller public key: the plaintext is answered encrypted to it.
   * Only its text is decoded here (cheap); the key itself is parsed on a worker.
   */
  static final Field<byte[]> CALLER_PUBLIC_KEY =
      Field.string("EncryptionPublicKey")
          .only(V3)
          .bounds(1, 4 * PublicKeys.MAX_DER, V3)
          .mapBounded((text, spec) -> PublicKeys.decodePem(text, spec.name()))
          .doc(
              "PEM of an RSA (2048–4096 bits) or SM2 public key: Plaintext is then answered"
                  + " encrypted to it");

  static final Field<EncryptionAlgorithm> ENCRYPTION_ALGORITHM =
      Field.string("EncryptionAlgorithm")
          .only(V3)
          .mapBounded((text, spec) -> EncryptionAlgorithm.parse(text, spec.name()))
          .orElse(EncryptionAlgorithm.SM2)
          .doc(
              "with EncryptionPublicKey: `SM2` (raw C1C3C2, the default), `SM2_C1C3C2_ASN1`,"
                  + " `RSAES_PKCS1_V1_5`, `RSAES_OAEP_SHA_1`, `RSAES_OAEP_SHA_256`");

  static final Field<Integer> IS_HOSTED_BY_KMS =
      Field.integer("IsHostedByKms", 0, 1)
          .only(V3)
          .map(
              hosted -> {
                if (hosted == 1) {
                  throw ErrorCode.UNSUPPORTED_OPERATION.exception(
                      "data keys hosted by KMS are not supported by this server yet");
                }
                return hosted;
              })
          .orElse(0)
          .doc("1 (hosted data keys) answers UnsupportedOperation");

  /** GenerateDataKey's length; wins over KeySpec. API 2.0 SDKs send 0 when it is unset. */
  static final Field<Integer> NUMBER_OF_BYTES =
      Field.integer("NumberOfBytes", 1, CryptoService.MAX_DATA_KEY).zeroIsAbsent(V2);

  /** GenerateDataKey's other way to give the length: read only when NumberOfBytes is not given. */
  static final Field<KeySpec> KEY_SPEC =
      Field.string("KeySpec")
          .mapBounded((text, spec) -> KeySpec.parse(text, spec.name()))
          .requiredUnless(NUMBER_OF_BYTES)
          .doc("`AES_128` or `AES_256`");

  static final Field<String> ALIAS =
      Field.string("Alias")
          .required()
          .bounds(1, Alias.V2_MAX, V2)
          .bounds(1, Alias.V3_MAX, V3)
          .mapBounded((alias, spec) -> Alias.validate(alias, (int) spec.max()))
          .doc(
              "letters, digits, `_` and `-`, starting with a letter or digit; unique; `kms-` is reserved");

  static final Field<String> DESCRIPTION =
      Field.string("Description")
          .mapBounded((text, spec) -> Description.validate(text, spec.name()))
          .doc("at most " + Description.MAX_BYTES + " bytes");

  static final Field<KeyUsage> KEY_USAGE =
      Field.string("KeyUsage")
          .mapBounded((text, spec) -> Spellings.keyUsage(spec.protocol(), text))
          .orElse(KeyUsage.ENCRYPT_DECRYPT)
          .doc(
              "`ENCRYPT_DECRYPT` (API 2.0: `ENCRYPT/DECRYPT`, the only one there), or (API 3.0)"
                  + " `ASYMMETRIC_DECRYPT_RSA_2048`, `ASYMMETRIC_DECRYPT_SM2`,"
                  + " `ASYMMETRIC_SIGN_VERIFY_SM2`, `ASYMMETRIC_SIGN_VERIFY_ECC`,"
                  + " `ASYMMETRIC_SIGN_VERIFY_RSA_2048`, `ASYMMETRIC_SIGN_VERIFY_ECDSA384`");

  static final Field<KeyOrigin> KEY_TYPE =
      Field.integer("Type", 1, 2)
          .bounds(1, 1, V2)
          .map(type -> type == 2 ? KeyOrigin.EXTERNAL : KeyOrigin.TENCENT_KMS)
          .orElse(KeyOrigin.TENCENT_KMS)
          .doc(
              "1 (default): material made by the server; 2 (API 3.0): material imported later by"
                  + " the owner (Origin `EXTERNAL`, `ENCRYPT_DECRYPT` only, else"
                  + " InvalidParameterValue.InvalidType)");

  static final Field<Object> HSM_CLUSTER_ID =
      refused("HsmClusterId", "dedicated HSM clusters are not supported");

  static final Field<Map<String, String>> TAGS =
      Field.objects("Tags", 50)
          .only(V3)
          .map(Fields::tags)
          .orElse(Map.of())
          .doc(
              "`{TagKey, TagValue}`: TagKey 1–128 and TagValue at most 256 characters, each TagKey once");

  static final Field<List<KeyId>> KEY_IDS =
      Field.strings("KeyIds", 100).required().map(Fields::keyIds).doc("CMK ids, each once");

  static final Field<Integer> OFFSET = Field.integer("Offset", 0, Integer.MAX_VALUE).orElse(0);
  static final Field<Integer> LIMIT = Field.integer("Limit", 1, 200).orElse(10);
  static final Field<Integer> ROLE =
      Field.integer("Role", 0, 1)
          .only(V3)
          .orElse(0)
          .doc("1 (keys created by cloud products) lists none");

  static final Field<List<TagFilter>> TAG_FILTERS =
      Field.objects("TagFilters", 50)
          .map(Fields::tagFilters)
          .orElse(List.of())
          .doc(
              "`{TagKey, TagValue: [..]}`: every filter must match; no TagValue matches any value");

  static final Field<Integer> PENDING_WINDOW_IN_DAYS =
      Field.anyInteger("PendingWindowInDays")
          .required()
          .map(DeletionWindow::days)
          .doc(
              DeletionWindow.MIN_DAYS
                  + " to "
                  + DeletionWindow.MAX_DAYS
                  + " days (InvalidParameter.InvalidPendingWindowInDays otherwise)");

  private static Field<EncryptionContext> context(String name) {
    return Field.string(name)
        .map(EncryptionContext::parse)
        .orElse(EncryptionContext.EMPTY)
        .doc("a JSON object of strings, at most " + EncryptionContext.MAX_JSON_BYTES + " bytes");
  }

  /**
   * An API 3.0 field this server refuses with UNSUPPORTED_OPERATION when it is given, in any form.
   */
  private static Field<Object> refused(String name, String message) {
    return Field.any(name)
        .only(V3)
        .map(
            v -> {
              throw ErrorCode.UNSUPPORTED_OPERATION.exception(message);
            })
        .doc("answers UnsupportedOperation when given");
  }

  private static Map<String, String> tags(List<Map<String, Object>> items) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map<String, Object> t : items) {
      Object k = t.get("TagKey");
      Object v = t.get("TagValue");
      if (!(k instanceof String key)
          || key.isEmpty()
          || key.length() > 128
          || !(v instanceof String value)
          || value.length() > 256) {
        throw ErrorCode.INVALID_TAG.exception();
      }
      if (out.put(key, value) != null) {
        throw ErrorCode.TAG_KEYS_DUPLICATED.exception();
      }
    }
    return out;
  }

  private static List<KeyId> keyIds(List<String> raw) {
    if (raw.isEmpty()) {
      throw V3.missing("KeyIds");
    }
    Set<KeyId> seen = new HashSet<>();
    List<KeyId> ids = new ArrayList<>(raw.size());
    for (String s : raw) {
      KeyId id = KeyId.parse(s);
      if (!seen.add(id)) {
        throw ErrorCode.DUPLICATED_KEY_ID.exception();
      }
      ids.add(id);
    }
    return List.copyOf(ids);
  }

  private static List<TagFilter> tagFilters(List<Map<String, Object>> items) {
    List<TagFilter> out = new ArrayList<>();
    for (Map<String, Object> f : items) {
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
      out.add(new TagFilter(key, List.copyOf(values)));
    }
    return out;
  }
}
