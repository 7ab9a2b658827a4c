package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.action.Fields.CALLER_PUBLIC_KEY;
import static io.tkms.adapter.http.action.Fields.CIPHERTEXT_BLOB;
import static io.tkms.adapter.http.action.Fields.DESTINATION_ENCRYPTION_CONTEXT;
import static io.tkms.adapter.http.action.Fields.DESTINATION_KEY_ID;
import static io.tkms.adapter.http.action.Fields.ENCRYPTION_ALGORITHM;
import static io.tkms.adapter.http.action.Fields.ENCRYPTION_CONTEXT;
import static io.tkms.adapter.http.action.Fields.ENCRYPTION_PUBLIC_KEY;
import static io.tkms.adapter.http.action.Fields.IS_HOSTED_BY_KMS;
import static io.tkms.adapter.http.action.Fields.KEY_ID;
import static io.tkms.adapter.http.action.Fields.KEY_SPEC;
import static io.tkms.adapter.http.action.Fields.NUMBER_OF_BYTES;
import static io.tkms.adapter.http.action.Fields.PLAINTEXT;
import static io.tkms.adapter.http.action.Fields.SOURCE_ENCRYPTION_CONTEXT;

import io.tkms.application.CryptoService;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.SecretBytes;
import io.vertx.core.Future;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Encrypt, Decrypt, GenerateDataKey, ReEncrypt and GenerateRandom: the crypto limiter group. */
final class CryptoActions {
  private CryptoActions() {}

  static final Action ENCRYPT =
      Action.crypto("Encrypt")
          .v2()
          .inputs(KEY_ID, PLAINTEXT, ENCRYPTION_CONTEXT)
          .outputs("CiphertextBlob", "KeyId")
          .handler(CryptoActions::encrypt);

  static final Action DECRYPT =
      Action.crypto("Decrypt")
          .v2()
          .inputs(CALLER_PUBLIC_KEY, ENCRYPTION_ALGORITHM, CIPHERTEXT_BLOB, ENCRYPTION_CONTEXT)
          .outputs("KeyId", "Plaintext")
          .note(
              "API 3.0 with EncryptionPublicKey: Plaintext is the base64 of the plaintext encrypted to that"
                  + " key with EncryptionAlgorithm (a plaintext too long for the key:"
                  + " InvalidParameter)")
          .handler(CryptoActions::decrypt);

  static final Action GENERATE_DATA_KEY =
      Action.crypto("GenerateDataKey")
          .v2()
          .inputs(
              CALLER_PUBLIC_KEY,
              ENCRYPTION_ALGORITHM,
              IS_HOSTED_BY_KMS,
              KEY_ID,
              NUMBER_OF_BYTES,
              KEY_SPEC,
              ENCRYPTION_CONTEXT)
          .ignores("DataKeyName", "Description", "HsmClusterId", "Tags")
          .outputs("KeyId", "Plaintext", "CiphertextBlob")
          .note(
              "one of NumberOfBytes and KeySpec is required; NumberOfBytes wins (KeySpec is then not"
                  + " read); API 3.0 with EncryptionPublicKey: Plaintext is the data key encrypted to that"
                  + " key with EncryptionAlgorithm (a data key too long for the key:"
                  + " InvalidParameter)")
          .handler(CryptoActions::generateDataKey);

  static final Action RE_ENCRYPT =
      Action.crypto("ReEncrypt")
          .inputs(
              ENCRYPTION_PUBLIC_KEY,
              CIPHERTEXT_BLOB,
              DESTINATION_KEY_ID,
              SOURCE_ENCRYPTION_CONTEXT,
              DESTINATION_ENCRYPTION_CONTEXT)
          .outputs("CiphertextBlob", "KeyId", "SourceKeyId", "ReEncrypted")
          .note(
              "to another CMK or the newest version; ReEncrypted false (the blob unchanged) when nothing would change")
          .handler(CryptoActions::reEncrypt);

  static final Field<Integer> RANDOM_BYTES = NUMBER_OF_BYTES.required();

  static final Action GENERATE_RANDOM =
      Action.crypto("GenerateRandom")
          .inputs(RANDOM_BYTES)
          .outputs("Plaintext")
          .handler(CryptoActions::generateRandom);

  static final List<Action> ALL =
      List.of(ENCRYPT, DECRYPT, GENERATE_DATA_KEY, RE_ENCRYPT, GENERATE_RANDOM);

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static Future<Result> encrypt(Call c) {
    return c.crypto()
        .encrypt(c.caller(), c.get(KEY_ID), c.get(PLAINTEXT), c.get(ENCRYPTION_CONTEXT))
        .map(
            r ->
                c.result()
                    .put("CiphertextBlob", base64(r.blob()))
                    .put("KeyId", r.keyId().toString()));
  }

  private static Future<Result> decrypt(Call c) {
    Future<CryptoService.Decrypted> decrypted =
        c.crypto().decrypt(c.caller(), c.get(CIPHERTEXT_BLOB), c.get(ENCRYPTION_CONTEXT));
    Optional<byte[]> publicKey = c.find(CALLER_PUBLIC_KEY);
    if (publicKey.isPresent()) {
      return decrypted.compose(
          r ->
              c.asymmetric()
                  .encryptTo(publicKey.get(), c.get(ENCRYPTION_ALGORITHM), r.plaintext())
                  .map(
                      ct ->
                          c.result()
                              .put("KeyId", r.keyId().toString())
                              .put("Plaintext", base64(ct))));
    }
    return decrypted.map(
        r -> {
          try (SecretBytes pt = r.plaintext()) {
            return c.result()
                .put("KeyId", r.keyId().toString())
                .put("Plaintext", base64(pt.bytes()));
          }
        });
  }

  private static Future<Result> generateDataKey(Call c) {
    int length = c.find(NUMBER_OF_BYTES).orElseGet(() -> c.get(KEY_SPEC).bytes());
    Future<CryptoService.DataKey> made =
        c.crypto().generateDataKey(c.caller(), c.get(KEY_ID), length, c.get(ENCRYPTION_CONTEXT));
    Optional<byte[]> publicKey = c.find(CALLER_PUBLIC_KEY);
    if (publicKey.isPresent()) {
      return made.compose(
          r ->
              c.asymmetric()
                  .encryptTo(publicKey.get(), c.get(ENCRYPTION_ALGORITHM), r.plaintext())
                  .map(
                      ct ->
                          c.result()
                              .put("KeyId", r.keyId().toString())
                              .put("Plaintext", base64(ct))
                              .put("CiphertextBlob", base64(r.blob()))));
    }
    return made.map(
        r -> {
          try (SecretBytes pt = r.plaintext()) {
            return c.result()
                .put("KeyId", r.keyId().toString())
                .put("Plaintext", base64(pt.bytes()))
                .put("CiphertextBlob", base64(r.blob()));
          }
        });
  }

  private static Future<Result> reEncrypt(Call c) {
    CiphertextBlob blob = c.get(CIPHERTEXT_BLOB);
    return c.crypto()
        .reEncrypt(
            c.caller(),
            new CryptoService.ReEncryption(
                blob,
                c.get(SOURCE_ENCRYPTION_CONTEXT),
                c.find(DESTINATION_KEY_ID).orElse(blob.keyId()),
                c.get(DESTINATION_ENCRYPTION_CONTEXT)))
        .map(
            r ->
                c.result()
                    .put("CiphertextBlob", base64(r.blob()))
                    .put("KeyId", r.keyId().toString())
                    .put("SourceKeyId", r.sourceKeyId().toString())
                    .put("ReEncrypted", r.reEncrypted()));
  }

  private static Future<Result> generateRandom(Call c) {
    return c.crypto()
        .random(c.get(RANDOM_BYTES))
        .map(
            r -> {
              try (SecretBytes b = r) {
                return c.result().put("Plaintext", base64(b.bytes()));
              }
            });
  }
}
