package io.tkms.adapter.http.action;

import static io.tkms.adapter.http.action.Fields.KEY_ID;

import io.tkms.application.port.RateLimiter.Group;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.SecretBytes;
import io.tkms.domain.SigningAlgorithm;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.util.Base64;
import java.util.List;

/**
 * The asymmetric keys' actions, each in a limiter group of its own as Tencent budgets them:
 * GetPublicKey, SignByAsymmetricKey, VerifyByAsymmetricKey, AsymmetricRsaDecrypt and
 * AsymmetricSm2Decrypt (API 3.0 only).
 */
final class AsymmetricActions {
  private AsymmetricActions() {}

  /** Largest AsymmetricSm2Decrypt ciphertext, raw bytes (Tencent's limit). */
  static final int MAX_SM2_CIPHERTEXT = 256;

  /** Largest AsymmetricRsaDecrypt ciphertext and signature, raw bytes (an RSA-4096 block). */
  static final int MAX_RSA_BLOCK = 512;

  static final Field<SigningAlgorithm> SIGNING_ALGORITHM =
      Field.string("Algorithm")
          .required()
          .map(SigningAlgorithm::parse)
          .doc(
              "`SM2DSA`, `ECC_P256_R1`, `ECDSA384_SHA384`, `RSA_PSS_SHA_256` (salt 32 bytes),"
                  + " `RSA_PKCS1_SHA_256`: the one of the key's usage");

  static final Field<byte[]> MESSAGE =
      Field.string("Message")
          .required()
          .mapBounded((text, spec) -> bytes(text, spec.name(), SigningAlgorithm.MAX_RAW_MESSAGE))
          .doc(
              "base64 of the message (RAW: at most "
                  + SigningAlgorithm.MAX_RAW_MESSAGE
                  + " bytes) or of its digest (DIGEST: 32 bytes, 48 for ECDSA384_SHA384; SM2DSA:"
                  + " SM3 of Z_A and M, with the user id 1234567812345678)");

  static final Field<Boolean> MESSAGE_TYPE =
      Field.string("MessageType")
          .map(
              text -> {
                if (text.equals("RAW")) {
                  return false;
                }
                if (text.equals("DIGEST")) {
                  return true;
                }
                throw ErrorCode.INVALID_PARAMETER.exception("MessageType must be RAW or DIGEST");
              })
          .orElse(false)
          .doc("`RAW` (default) or `DIGEST`");

  static final Field<byte[]> SIGNATURE_VALUE =
      Field.string("SignatureValue")
          .required()
          .mapBounded((text, spec) -> bytes(text, spec.name(), MAX_RSA_BLOCK))
          .doc("base64 of the signature (DER for SM2 and ECDSA)");

  static final Field<byte[]> RSA_CIPHERTEXT =
      Field.string("Ciphertext")
          .required()
          .mapBounded((text, spec) -> bytes(text, spec.name(), MAX_RSA_BLOCK))
          .doc("base64 of the RSA ciphertext");

  static final Field<EncryptionAlgorithm> RSA_ALGORITHM =
      Field.string("Algorithm")
          .required()
          .mapBounded((text, spec) -> EncryptionAlgorithm.parseRsa(text, spec.name()))
          .doc(
              "`RSAES_PKCS1_V1_5`, `RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256` (MGF1 with SHA-256)");

  static final Field<byte[]> SM2_CIPHERTEXT =
      Field.string("Ciphertext")
          .required()
          .mapBounded((text, spec) -> bytes(text, spec.name(), MAX_SM2_CIPHERTEXT))
          .doc(
              "base64 of the DER SM2 ciphertext `SEQUENCE {x, y, C3, C2}` (C1C3C2, OpenSSL 3's), at"
                  + " most "
                  + MAX_SM2_CIPHERTEXT
                  + " bytes");

  static final Action GET_PUBLIC_KEY =
      Action.of(Group.PUBLIC_KEY, "GetPublicKey")
          .inputs(KEY_ID)
          .outputs("KeyId", "PublicKey", "PublicKeyPem")
          .note("an Enabled asymmetric key; PublicKey is base64 of its DER SubjectPublicKeyInfo")
          .handler(
              c ->
                  c.asymmetric()
                      .publicKey(c.caller(), c.get(KEY_ID))
                      .map(
                          pk ->
                              c.result()
                                  .put("KeyId", pk.keyId().toString())
                                  .put("PublicKey", pk.base64())
                                  .put("PublicKeyPem", pk.pem())));

  static final Action SIGN =
      Action.of(Group.SIGN, "SignByAsymmetricKey")
          .inputs(SIGNING_ALGORITHM, MESSAGE, KEY_ID, MESSAGE_TYPE)
          .outputs("Signature")
          .note(
              "an Enabled signing key; a key of another usage: InvalidParameterValue.InvalidKeyUsage;"
                  + " an algorithm of another signing key or a DIGEST of the wrong length:"
                  + " InvalidParameter")
          .handler(
              c ->
                  c.asymmetric()
                      .sign(
                          c.caller(),
                          c.get(KEY_ID),
                          c.get(SIGNING_ALGORITHM),
                          c.get(MESSAGE),
                          c.get(MESSAGE_TYPE))
                      .map(sig -> c.result().put("Signature", base64(sig))));

  static final Action VERIFY =
      Action.of(Group.VERIFY, "VerifyByAsymmetricKey")
          .inputs(KEY_ID, SIGNATURE_VALUE, MESSAGE, SIGNING_ALGORITHM, MESSAGE_TYPE)
          .outputs("SignatureValid")
          .note("a malformed signature is not valid (false), never an error")
          .handler(
              c ->
                  c.asymmetric()
                      .verify(
                          c.caller(),
                          c.get(KEY_ID),
                          c.get(SIGNING_ALGORITHM),
                          c.get(MESSAGE),
                          c.get(MESSAGE_TYPE),
                          c.get(SIGNATURE_VALUE))
                      .map(ok -> c.result().put("SignatureValid", ok)));

  static final Action RSA_DECRYPT =
      Action.of(Group.ASYMMETRIC_DECRYPT, "AsymmetricRsaDecrypt")
          .inputs(KEY_ID, RSA_CIPHERTEXT, RSA_ALGORITHM)
          .outputs("KeyId", "Plaintext")
          .note(
              "an Enabled ASYMMETRIC_DECRYPT_RSA_2048 key; every decryption failure answers"
                  + " FailedOperation.DecryptError with one message")
          .handler(
              c ->
                  decrypted(
                      c,
                      c.asymmetric()
                          .decrypt(
                              c.caller(),
                              c.get(KEY_ID),
                              c.get(RSA_ALGORITHM),
                              c.get(RSA_CIPHERTEXT))));

  static final Action SM2_DECRYPT =
      Action.of(Group.ASYMMETRIC_DECRYPT, "AsymmetricSm2Decrypt")
          .inputs(KEY_ID, SM2_CIPHERTEXT)
          .outputs("KeyId", "Plaintext")
          .note(
              "an Enabled ASYMMETRIC_DECRYPT_SM2 key; every decryption failure answers"
                  + " FailedOperation.DecryptError with one message")
          .handler(
              c ->
                  decrypted(
                      c,
                      c.asymmetric()
                          .decrypt(
                              c.caller(),
                              c.get(KEY_ID),
                              EncryptionAlgorithm.SM2_C1C3C2_ASN1,
                              c.get(SM2_CIPHERTEXT))));

  static final List<Action> ALL = List.of(GET_PUBLIC_KEY, SIGN, VERIFY, RSA_DECRYPT, SM2_DECRYPT);

  private static Future<Result> decrypted(Call c, Future<SecretBytes> plaintext) {
    return plaintext.map(
        p -> {
          try (SecretBytes pt = p) {
            return c.result()
                .put("KeyId", c.get(KEY_ID).toString())
                .put("Plaintext", base64(pt.bytes()));
          }
        });
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * The bytes of a base64 input of 1 to {@code max} bytes.
   *
   * @throws io.tkms.error.KmsException INVALID_PARAMETER otherwise
   */
  static byte[] bytes(String text, String name, int max) {
    if (text.length() > (max + 2) / 3 * 4 + 2) {
      throw ErrorCode.INVALID_PARAMETER.exception(name + " is longer than " + max + " bytes");
    }
    byte[] out;
    try {
      out = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_PARAMETER.exception(name + " is not base64");
    }
    if (out.length == 0 || out.length > max) {
      throw ErrorCode.INVALID_PARAMETER.exception(name + " must hold 1 to " + max + " bytes");
    }
    return out;
  }
}
