package io.tkms.application;

import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.crypto.MessageCipher;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.SecretBytes;
import io.tkms.domain.SymmetricAlgorithm;
import io.tkms.error.ErrorCode;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encrypt, Decrypt and GenerateDataKey: one use case for both protocols.
 *
 * <p>Call on an event loop. The per-message AES-GCM runs in the {@code aead} executor (inline on
 * the event loop in production: a few microseconds, cheaper than a thread hop; ADR 0004); SM4-GCM
 * (BouncyCastle, tens of microseconds) runs on the worker pool, as loading and unwrapping keys do
 * ({@link KeyMaterialCache}). A key's messages are in the format of its algorithm: v1 (AES-256-GCM)
 * or v2 (SM4-GCM); a blob of the other format naming it does not open. Failures: INVALID_KEY_ID,
 * KEY_NOT_FOUND, KEY_DISABLED, INVALID_CIPHERTEXT, KEY_USAGE_MISMATCH (an asymmetric key to encrypt
 * with), INTERNAL_ERROR.
 */
public final class CryptoService {
  /** Largest Encrypt plaintext, in raw bytes. */
  public static final int MAX_PLAINTEXT = 4096;

  /** Largest data key, in bytes. */
  public static final int MAX_DATA_KEY = 1024;

  private final KeyMaterialCache keys;
  private final CryptoExecutor executor;
  private final CryptoExecutor aead;
  private final MessageCipher cipher;
  private final Hsa keySource;
  private final Clock clock;

  /** Runs the per-message AEAD on the worker pool too. */
  public CryptoService(
      KeyMaterialCache keys, CryptoExecutor executor, MessageCipher cipher, Hsa keySource) {
    this(keys, executor, executor, cipher, keySource);
  }

  /**
   * @param executor the worker pool (random bytes for GenerateRandom)
   * @param aead runs the bounded per-message AES-GCM work of Encrypt, Decrypt and GenerateDataKey
   * @param cipher the per-message cipher (its salts and nonces come from its own DRBG)
   * @param keySource the HSA, whose random source makes data keys and GenerateRandom's bytes
   */
  public CryptoService(
      KeyMaterialCache keys,
      CryptoExecutor executor,
      CryptoExecutor aead,
      MessageCipher cipher,
      Hsa keySource) {
    this(keys, executor, aead, cipher, keySource, Clock.systemUTC());
  }

  /**
   * @param clock judges imported material's ValidTo at every use
   */
  public CryptoService(
      KeyMaterialCache keys,
      CryptoExecutor executor,
      CryptoExecutor aead,
      MessageCipher cipher,
      Hsa keySource,
      Clock clock) {
    this.keys = keys;
    this.executor = executor;
    this.aead = aead;
    this.cipher = cipher;
    this.keySource = keySource;
    this.clock = clock;
  }

  /** Result of Encrypt: the key used and the encoded blob. */
  public record Encrypted(KeyId keyId, byte[] blob) {}

  /**
   * Result of Decrypt / GenerateDataKey; the caller owns {@code plaintext} and closes it after
   * encoding.
   */
  public record Decrypted(KeyId keyId, SecretBytes plaintext) {}

  /** Result of GenerateDataKey; the caller owns and closes {@code plaintext}. */
  public record DataKey(KeyId keyId, SecretBytes plaintext, byte[] blob) {}

  /** Encrypts {@code plaintext} (owned by this call from now on: it is zeroed). */
  public Future<Encrypted> encrypt(
      Caller caller, KeyId keyId, byte[] plaintext, EncryptionContext ctx) {
    return usableKey(caller, keyId, KeyState.Operation.ENCRYPT)
        .compose(
            lk ->
                runner(lk.metadata().algorithm())
                    .execute(
                        () -> {
                          try {
                            int v = lk.metadata().currentVersion();
                            CiphertextBlob blob =
                                cipher.seal(
                                    format(lk.metadata().algorithm()),
                                    lk.material(v),
                                    keyId,
                                    v,
                                    caller.appId(),
                                    ctx,
                                    plaintext);
                            return new Encrypted(keyId, blob.encode());
                          } finally {
                            lk.release();
                            Arrays.fill(plaintext, (byte) 0);
                          }
                        }))
        .onFailure(e -> Arrays.fill(plaintext, (byte) 0));
  }

  /** Decrypts a blob; the blob names its key, which must be the caller's. */
  public Future<Decrypted> decrypt(Caller caller, CiphertextBlob blob, EncryptionContext ctx) {
    return sourceKey(caller, blob)
        .compose(
            lk ->
                runner(lk.metadata().algorithm())
                    .execute(
                        () -> {
                          try {
                            byte[] pt =
                                cipher.open(
                                    lk.material(blob.keyVersion()), blob, caller.appId(), ctx);
                            return new Decrypted(blob.keyId(), SecretBytes.wrap(pt));
                          } finally {
                            lk.release();
                          }
                        }));
  }

  /**
   * Result of ReEncrypt; {@code reEncrypted} false when the original blob is returned unchanged.
   */
  public record ReEncrypted(KeyId sourceKeyId, KeyId keyId, byte[] blob, boolean reEncrypted) {}

  /**
   * What ReEncrypt is asked to do: open {@code blob} with {@code sourceContext} and seal its
   * plaintext with the newest version of {@code destination} and {@code destinationContext}. Every
   * field is required; for "the same key's newest version" pass {@code blob.keyId()}.
   */
  public record ReEncryption(
      CiphertextBlob blob,
      EncryptionContext sourceContext,
      KeyId destination,
      EncryptionContext destinationContext) {
    public ReEncryption {
      Objects.requireNonNull(blob, "blob");
      Objects.requireNonNull(sourceContext, "sourceContext");
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(destinationContext, "destinationContext");
    }
  }

  /**
   * Decrypts the blob and encrypts its plaintext again under the destination's newest version. When
   * nothing would change (same key, already the newest version, same context) the original blob is
   * returned with {@code reEncrypted} false.
   */
  public Future<ReEncrypted> reEncrypt(Caller caller, ReEncryption request) {
    CiphertextBlob blob = request.blob();
    KeyId dest = request.destination();
    EncryptionContext sourceCtx = request.sourceContext();
    EncryptionContext destinationCtx = request.destinationContext();
    return sourceKey(caller, blob)
        .compose(
            src -> {
              Future<LoadedKey> target = usableKey(caller, dest, KeyState.Operation.ENCRYPT);
              return target
                  .onFailure(e -> src.release())
                  .compose(
                      dst ->
                          (src.metadata().algorithm() == SymmetricAlgorithm.AES_256
                                  ? runner(dst.metadata().algorithm())
                                  : executor)
                              .execute(
                                  () -> {
                                    try {
                                      byte[] pt =
                                          cipher.open(
                                              src.material(blob.keyVersion()),
                                              blob,
                                              caller.appId(),
                                              sourceCtx);
                                      try {
                                        int v = dst.metadata().currentVersion();
                                        if (dest.equals(blob.keyId())
                                            && v == blob.keyVersion()
                                            && sourceCtx.equals(destinationCtx)) {
                                          return new ReEncrypted(
                                              blob.keyId(), dest, blob.encode(), false);
                                        }
                                        CiphertextBlob out =
                                            cipher.seal(
                                                format(dst.metadata().algorithm()),
                                                dst.material(v),
                                                dest,
                                                v,
                                                caller.appId(),
                                                destinationCtx,
                                                pt);
                                        return new ReEncrypted(
                                            blob.keyId(), dest, out.encode(), true);
                                      } finally {
                                        Arrays.fill(pt, (byte) 0);
                                      }
                                    } finally {
                                      src.release();
                                      dst.release();
                                    }
                                  }));
            });
  }

  /**
   * The retained key that made {@code blob}, checked for decryption. Unknown keys and other
   * accounts' keys fail as INVALID_CIPHERTEXT (the blob is simply not one this caller can open);
   * the caller's own purged key fails as KEY_NOT_FOUND.
   */
  private Future<LoadedKey> sourceKey(Caller caller, CiphertextBlob blob) {
    return keys.acquire(blob.keyId())
        .compose(
            found -> {
              if (!(found instanceof LoadedKey lk)) {
                return Future.failedFuture(ErrorCode.INVALID_CIPHERTEXT.exception());
              }
              KeyMetadata md = lk.metadata();
              try {
                // An asymmetric key makes no blobs: one naming it is not a blob this caller can
                // open.
                if (!md.ownedBy(caller.appId(), caller.region())
                    || md.usage() != KeyUsage.ENCRYPT_DECRYPT) {
                  throw ErrorCode.INVALID_CIPHERTEXT.exception();
                }
                md.state().check(KeyState.Operation.DECRYPT);
                checkValidTo(md);
                if (!lk.hasVersion(blob.keyVersion())) {
                  throw ErrorCode.INVALID_CIPHERTEXT.exception();
                }
              } catch (RuntimeException e) {
                lk.release();
                return Future.failedFuture(e);
              }
              return Future.succeededFuture(lk);
            });
  }

  /** Generates {@code length} random bytes and returns them with their blob. */
  public Future<DataKey> generateDataKey(
      Caller caller, KeyId keyId, int length, EncryptionContext ctx) {
    return usableKey(caller, keyId, KeyState.Operation.ENCRYPT)
        .compose(
            lk ->
                runner(lk.metadata().algorithm())
                    .execute(
                        () -> {
                          byte[] dk = new byte[length];
                          try {
                            keySource.random(dk);
                            int v = lk.metadata().currentVersion();
                            CiphertextBlob blob =
                                cipher.seal(
                                    format(lk.metadata().algorithm()),
                                    lk.material(v),
                                    keyId,
                                    v,
                                    caller.appId(),
                                    ctx,
                                    dk);
                            return new DataKey(keyId, SecretBytes.wrap(dk), blob.encode());
                          } catch (RuntimeException e) {
                            Arrays.fill(dk, (byte) 0);
                            throw e;
                          } finally {
                            lk.release();
                          }
                        }));
  }

  /** {@code length} random bytes from the HSA-grade RNG; the caller owns and closes them. */
  public Future<SecretBytes> random(int length) {
    return executor.execute(
        () -> {
          byte[] out = new byte[length];
          keySource.random(out);
          return SecretBytes.wrap(out);
        });
  }

  /**
   * Where a key's per-message work runs: AES-GCM in the {@code aead} executor, SM4-GCM
   * (BouncyCastle) on the worker pool, never inline.
   */
  private CryptoExecutor runner(SymmetricAlgorithm algorithm) {
    return algorithm == SymmetricAlgorithm.AES_256 ? aead : executor;
  }

  /** The ciphertext format of a key's messages. */
  private static int format(SymmetricAlgorithm algorithm) {
    return algorithm == SymmetricAlgorithm.SM4
        ? CiphertextBlob.FORMAT_V2_SM
        : CiphertextBlob.FORMAT_V1;
  }

  /**
   * Imported material past its ValidTo is refused at once, before the lifecycle job removes it: one
   * branch for keys that never expire, no allocation.
   */
  private void checkValidTo(KeyMetadata md) {
    if (md.validTo() != 0 && md.validTo() <= clock.millis() / 1000) {
      throw ErrorCode.KEY_STATE_NOT_SUPPORTED.exception(
          "the key's imported material has expired (ValidTo)");
    }
  }

  private Future<LoadedKey> usableKey(Caller caller, KeyId keyId, KeyState.Operation op) {
    return keys.acquire(keyId)
        .compose(
            found -> {
              if (!(found instanceof LoadedKey lk)) {
                return Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
              }
              if (!lk.metadata().ownedBy(caller.appId(), caller.region())) {
                lk.release();
                return Future.failedFuture(ErrorCode.KEY_NOT_FOUND.exception());
              }
              try {
                if (lk.metadata().usage() != KeyUsage.ENCRYPT_DECRYPT) {
                  throw ErrorCode.KEY_USAGE_MISMATCH.exception(
                      "an asymmetric key does not encrypt with this action");
                }
                lk.metadata().state().check(op);
                checkValidTo(lk.metadata());
              } catch (RuntimeException e) {
                lk.release();
                return Future.failedFuture(e);
              }
              return Future.succeededFuture(lk);
            });
  }
}
