package io.tkms.application;

import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.crypto.PublicKeys;
import io.tkms.crypto.SourceRandoms;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.SecretBytes;
import io.tkms.domain.SigningAlgorithm;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * The asymmetric keys' use cases: GetPublicKey, SignByAsymmetricKey, VerifyByAsymmetricKey,
 * AsymmetricRsaDecrypt, AsymmetricSm2Decrypt, and encryption of a plaintext to a caller's public
 * key (Decrypt and GenerateDataKey with {@code EncryptionPublicKey}).
 *
 * <p>Call on an event loop. Every private-key and public-key operation and every BouncyCastle call
 * runs in the worker pool ({@code executor}), never inline (ADR 0004: the inline path is for the
 * JDK's AES-GCM only); the key pair is loaded and cached with the key's material ({@link
 * KeyMaterialCache}). Failures: KEY_NOT_FOUND, KEY_USAGE_MISMATCH (a key of another usage),
 * INVALID_PARAMETER (an algorithm the key may not use, a DIGEST of the wrong length, an unusable
 * public key or one too short for the plaintext), KEY_STATE_NOT_SUPPORTED (a key not Enabled),
 * DECRYPT_FAILED, INTERNAL_ERROR.
 */
public final class AsymmetricService {
  private final KeyMaterialCache keys;
  private final CryptoExecutor executor;
  private final SecureRandom random;

  /**
   * @param hsa whose random generator makes signature nonces, PSS salts and encryption randomness
   */
  public AsymmetricService(KeyMaterialCache keys, CryptoExecutor executor, Hsa hsa) {
    this.keys = keys;
    this.executor = executor;
    this.random = SourceRandoms.of(hsa::random);
  }

  /** A public key: Base64 of its DER SubjectPublicKeyInfo, and its PEM. */
  public record PublicKey(KeyId keyId, String base64, String pem) {}

  /** The key's public key; the key must be asymmetric and Enabled. */
  public Future<PublicKey> publicKey(Caller caller, KeyId keyId) {
    return keyPair(caller, keyId, usage -> true, "")
        .map(
            lk -> {
              try {
                String b64 = lk.metadata().publicKey();
                if (b64.isEmpty()) {
                  throw ErrorCode.KEY_USAGE_MISMATCH.exception("the key has no public key");
                }
                return new PublicKey(keyId, b64, PublicKeys.pem(Base64.getDecoder().decode(b64)));
              } finally {
                lk.release();
              }
            });
  }

  /**
   * Signs {@code message} ({@code digest}: the caller hashed it already) with the key, which must
   * be a signing key of {@code algorithm}.
   */
  public Future<byte[]> sign(
      Caller caller, KeyId keyId, SigningAlgorithm algorithm, byte[] message, boolean digest) {
    return signingKey(caller, keyId, algorithm, message, digest)
        .compose(
            lk ->
                executor.execute(
                    () -> {
                      try {
                        return lk.keyPair().sign(algorithm, message, digest, random);
                      } finally {
                        lk.release();
                      }
                    }));
  }

  /** Whether {@code signature} is the key's signature of {@code message}; see {@link #sign}. */
  public Future<Boolean> verify(
      Caller caller,
      KeyId keyId,
      SigningAlgorithm algorithm,
      byte[] message,
      boolean digest,
      byte[] signature) {
    return signingKey(caller, keyId, algorithm, message, digest)
        .compose(
            lk ->
                executor.execute(
                    () -> {
                      try {
                        return lk.keyPair().verify(algorithm, message, digest, signature);
                      } finally {
                        lk.release();
                      }
                    }));
  }

  /**
   * Decrypts {@code ciphertext} with the key's private key: an RSA decryption key with one of the
   * RSA schemes, or an SM2 decryption key with {@link EncryptionAlgorithm#SM2_C1C3C2_ASN1}. The
   * caller owns and closes the plaintext.
   */
  public Future<SecretBytes> decrypt(
      Caller caller, KeyId keyId, EncryptionAlgorithm algorithm, byte[] ciphertext) {
    KeyUsage wanted =
        algorithm.isRsa() ? KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048 : KeyUsage.ASYMMETRIC_DECRYPT_SM2;
    return keyPair(
            caller, keyId, usage -> usage == wanted, "the key is not a " + wanted.name() + " key")
        .compose(
            lk ->
                executor.execute(
                    () -> {
                      try {
                        return SecretBytes.wrap(lk.keyPair().decrypt(algorithm, ciphertext));
                      } finally {
                        lk.release();
                      }
                    }));
  }

  /**
   * {@code plaintext} encrypted to a caller's public key ({@code spki}, DER); the plaintext is
   * closed here (this call owns it).
   */
  public Future<byte[]> encryptTo(
      byte[] spki, EncryptionAlgorithm algorithm, SecretBytes plaintext) {
    return executor
        .execute(
            () -> {
              try (SecretBytes pt = plaintext) {
                return PublicKeys.encrypt(spki, algorithm, pt.bytes(), random);
              }
            })
        .onFailure(e -> plaintext.close());
  }

  private Future<LoadedKey> signingKey(
      Caller caller, KeyId keyId, SigningAlgorithm algorithm, byte[] message, boolean digest) {
    return keyPair(caller, keyId, KeyUsage::signs, "the key is not a signing key")
        .compose(
            lk -> {
              try {
                algorithm.checkKey(lk.metadata().usage());
                if (digest && message.length != algorithm.digestLength()) {
                  throw ErrorCode.INVALID_PARAMETER.exception(
                      "a DIGEST for "
                          + algorithm.name()
                          + " has "
                          + algorithm.digestLength()
                          + " bytes");
                }
              } catch (RuntimeException e) {
                lk.release();
                return Future.failedFuture(e);
              }
              return Future.succeededFuture(lk);
            });
  }

  /**
   * The caller's retained asymmetric key, of a usage that {@code serves}, Enabled. A symmetric key,
   * or one that does not serve, fails KEY_USAGE_MISMATCH ({@code refusal}) before its state is
   * looked at.
   */
  private Future<LoadedKey> keyPair(
      Caller caller, KeyId keyId, Predicate<KeyUsage> serves, String refusal) {
    return keys.acquire(keyId)
        .compose(
            found -> {
              if (!(found instanceof LoadedKey lk)) {
                return Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
              }
              try {
                if (!lk.metadata().ownedBy(caller.appId(), caller.region())) {
                  throw ErrorCode.KEY_NOT_FOUND.exception();
                }
                if (lk.metadata().state() == KeyState.PURGED) {
                  throw ErrorCode.KEY_NOT_FOUND.exception();
                }
                if (!lk.metadata().usage().isAsymmetric()) {
                  throw ErrorCode.KEY_USAGE_MISMATCH.exception("the key is a symmetric key");
                }
                if (!serves.test(lk.metadata().usage())) {
                  throw ErrorCode.KEY_USAGE_MISMATCH.exception(refusal);
                }
                lk.metadata().state().check(KeyState.Operation.USE_KEY_PAIR);
              } catch (RuntimeException e) {
                lk.release();
                return Future.failedFuture(e);
              }
              return Future.succeededFuture(lk);
            });
  }
}
