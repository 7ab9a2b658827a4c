package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.action.Fields.KEY_ID;

import io.tkms.application.ImportService;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyImport;
import java.util.Base64;
import java.util.List;

/**
 * Bring your own key (management limiter group, API 3.0 only): GetParametersForImport,
 * ImportKeyMaterial and DeleteImportedKeyMaterial, for keys created with {@code Type} 2.
 */
final class ImportActions {
  private ImportActions() {}

  static final Field<EncryptionAlgorithm> WRAPPING_ALGORITHM =
      Field.string("WrappingAlgorithm")
          .required()
          .mapBounded((text, spec) -> EncryptionAlgorithm.parseRsa(text, spec.name()))
          .doc(
              "`RSAES_PKCS1_V1_5`, `RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256` (MGF1 with SHA-256,"
                  + " as OpenSSL's `rsa_oaep_md:sha256`)");

  static final Field<String> WRAPPING_KEY_SPEC =
      Field.string("WrappingKeySpec")
          .required()
          .map(KeyImport::parseWrappingKeySpec)
          .doc("`RSA_2048`");

  static final Field<byte[]> ENCRYPTED_KEY_MATERIAL =
      Field.string("EncryptedKeyMaterial")
          .required()
          .map(KeyImport::parseEncryptedMaterial)
          .doc(
              "base64 of the material (16 bytes for an SM4 key, 32 for an AES-256 key) encrypted"
                  + " with the wrapping public key");

  static final Field<byte[]> IMPORT_TOKEN =
      Field.string("ImportToken")
          .required()
          .map(KeyImport::parseToken)
          .doc("as GetParametersForImport answered it for this key, within its 24 hours");

  static final Field<Long> VALID_TO =
      Field.string("ValidTo")
          .map(KeyImport::parseValidTo)
          .orElse(0L)
          .doc(
              "Unix seconds, a number or a numeric string: 0 (default) never expires, otherwise"
                  + " in the future and not after "
                  + KeyImport.MAX_VALID_TO);

  static final Action GET_PARAMETERS_FOR_IMPORT =
      Action.management("GetParametersForImport")
          .inputs(KEY_ID, WRAPPING_ALGORITHM, WRAPPING_KEY_SPEC)
          .outputs("KeyId", "ImportToken", "PublicKey", "ParametersValidTo")
          .note(
              "an EXTERNAL key (UnsupportedOperation.NotExternalCmk), PendingImport or Enabled; a"
                  + " fresh RSA-2048 wrapping key (PublicKey: base64 of its DER"
                  + " SubjectPublicKeyInfo) and ImportToken, valid 24 hours; each call replaces"
                  + " the key's earlier ones")
          .handler(
              c ->
                  c.imports()
                      .parameters(c.caller(), c.get(KEY_ID), c.get(WRAPPING_ALGORITHM))
                      .map(
                          p ->
                              c.result()
                                  .put("KeyId", p.keyId().toString())
                                  .put("ImportToken", p.importToken())
                                  .put(
                                      "PublicKey",
                                      Base64.getEncoder().encodeToString(p.publicKey()))
                                  .put("ParametersValidTo", p.validTo())));

  static final Action IMPORT_KEY_MATERIAL =
      Action.management("ImportKeyMaterial")
          .inputs(ENCRYPTED_KEY_MATERIAL, IMPORT_TOKEN, KEY_ID, VALID_TO)
          .note(
              "an EXTERNAL key, PendingImport or Enabled; the key becomes Enabled. A token that is"
                  + " not the key's current one: InvalidParameter; expired:"
                  + " ResourceUnavailable.TokenExpired. Only the key's first material is accepted"
                  + " again (InvalidParameterValue.MaterialNotMatch). With RSAES_PKCS1_V1_5 every"
                  + " refusal of the material (padding, length, other material) is"
                  + " InvalidParameter.DecryptMaterialError with one message. At most "
                  + ImportService.ATTEMPTS_PER_WINDOW
                  + " attempts per key and minute on each replica (RequestLimitExceeded)")
          .handler(
              c ->
                  c.imports()
                      .importMaterial(
                          c.caller(),
                          c.get(KEY_ID),
                          new ImportService.Material(
                              c.get(ENCRYPTED_KEY_MATERIAL), c.get(IMPORT_TOKEN), c.get(VALID_TO)))
                      .map(v -> c.result()));

  static final Action DELETE_IMPORTED_KEY_MATERIAL =
      Action.management("DeleteImportedKeyMaterial")
          .inputs(KEY_ID)
          .note(
              "an EXTERNAL key, Enabled, Disabled or PendingImport: its material is deleted on every"
                  + " replica at once and it becomes PendingImport; importing the same material"
                  + " brings it back")
          .handler(c -> c.imports().deleteMaterial(c.caller(), c.get(KEY_ID)).map(v -> c.result()));

  static final List<Action> ALL =
      List.of(GET_PARAMETERS_FOR_IMPORT, IMPORT_KEY_MATERIAL, DELETE_IMPORTED_KEY_MATERIAL);
}
