package io.tkms.application;

import io.tkms.application.port.ChangeBus;
import io.tkms.application.port.CryptoExecutor;
import io.tkms.application.port.Hsa;
import io.tkms.application.port.KeyRepository;
import io.tkms.application.port.KeyRepository.ImportOutcome;
import io.tkms.application.port.KeyRepository.ImportParameters;
import io.tkms.crypto.ImportWrapping;
import io.tkms.crypto.KeyPairs;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyImport;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeyState;
import io.tkms.domain.KeyState.Operation;
import io.tkms.domain.KeyUsage;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bring your own key: GetParametersForImport, ImportKeyMaterial and DeleteImportedKeyMaterial, for
 * EXTERNAL keys (KeyService creates them, PendingImport). Call on an event loop; RSA work runs on
 * the worker pool. Failures: KEY_NOT_FOUND, NOT_EXTERNAL_CMK, the state table's refusals of
 * IMPORT_MATERIAL and DELETE_MATERIAL, INVALID_PARAMETER (a token that is not the key's current
 * one, a ValidTo not in the future), IMPORT_TOKEN_EXPIRED, DECRYPT_MATERIAL_ERROR,
 * MATERIAL_NOT_MATCH, IMPORT_THROTTLED, INTERNAL_ERROR.
 */
public final class ImportService {

  /** ImportKeyMaterial attempts allowed per key and replica within {@link #WINDOW_SECONDS}. */
  public static final int ATTEMPTS_PER_WINDOW = 5;

  static final long WINDOW_SECONDS = 60;

  /** Keys tracked by the attempt limiter before stale windows are swept. */
  private static final int TRACKED = 10_000;

  private final KeyRepository repository;
  private final KeyMaterialCache cache;
  private final CryptoExecutor executor;
  private final Hsa hsa;
  private final Clock clock;
  private final ChangeBus bus;

  /** Per key: the start of its window (Unix seconds) and the attempts in it (never mutated). */
  private final Map<KeyId, long[]> attempts = new ConcurrentHashMap<>();

  public ImportService(
      KeyRepository repository,
      KeyMaterialCache cache,
      CryptoExecutor executor,
      Hsa hsa,
      Clock clock,
      ChangeBus bus) {
    this.repository = repository;
    this.cache = cache;
    this.executor = executor;
    this.hsa = hsa;
    this.clock = clock;
    this.bus = bus;
  }

  /** GetParametersForImport's answer. */
  public record Parameters(KeyId keyId, String importToken, byte[] publicKey, long validTo) {}

  /**
   * The wrap context of a wrapping private key: bound to the account, region, key and wrapping
   * algorithm, so a row moved to another key, or given another algorithm, does not open.
   */
  public static String wrappingKeyContext(
      String appId, String region, KeyId keyId, EncryptionAlgorithm algorithm) {
    return "tkms/import/v1/" + appId + "/" + region + "/" + keyId + "/" + algorithm.name();
  }

  /** The context of a key's commitment to its material. */
  public static String commitmentContext(String appId, String region, KeyId keyId) {
    return "tkms/import-commitment/v1/" + appId + "/" + region + "/" + keyId;
  }

  /**
   * Fresh import parameters for an EXTERNAL key (PendingImport or Enabled): an RSA-2048 wrapping
   * key pair made on the worker pool from the HSA's random source, its private key stored only
   * wrapped under the root key, and a random ImportToken stored only as its SHA-256; both valid for
   * {@link KeyImport#PARAMETERS_LIFETIME}. They replace the key's earlier ones.
   */
  public Future<Parameters> parameters(Caller caller, KeyId keyId, EncryptionAlgorithm algorithm) {
    return external(caller, keyId)
        .compose(
            md -> {
              md.state().check(Operation.IMPORT_MATERIAL);
              long validTo =
                  clock.instant().getEpochSecond() + KeyImport.PARAMETERS_LIFETIME.toSeconds();
              String context =
                  wrappingKeyContext(caller.appId(), caller.region(), keyId, algorithm);
              return executor
                  .execute(
                      () -> {
                        byte[] token = new byte[KeyImport.TOKEN_BYTES];
                        hsa.random(token);
                        try (KeyPairs.Generated pair =
                            KeyPairs.generate(KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048, hsa::random)) {
                          return new Made(
                              new ImportParameters(
                                  keyId,
                                  ImportWrapping.tokenSha256(token),
                                  algorithm,
                                  pair.spki(),
                                  hsa.wrap(pair.pkcs8(), context),
                                  validTo,
                                  null),
                              KeyImport.encodeToken(token));
                        }
                      })
                  .compose(
                      made ->
                          repository
                              .saveImportParameters(made.stored())
                              .map(
                                  v ->
                                      new Parameters(
                                          keyId,
                                          made.token(),
                                          made.stored().publicKey(),
                                          validTo)));
            });
  }

  private record Made(ImportParameters stored, String token) {}

  /** What ImportKeyMaterial carries, decoded. */
  public record Material(byte[] encrypted, byte[] token, long validTo) {}

  /**
   * Imports material wrapped under the key's current wrapping key: the key becomes Enabled with it
   * as version 1, expiring at {@code validTo} (0: never). Only the key's first material is ever
   * accepted again.
   */
  public Future<Void> importMaterial(Caller caller, KeyId keyId, Material in) {
    long now = clock.instant().getEpochSecond();
    if (in.validTo() != 0 && in.validTo() <= now) {
      return Future.failedFuture(KeyImport.invalidValidTo());
    }
    return external(caller, keyId)
        .compose(
            md -> {
              // Counted only for the key's owner: nobody else can use up its attempts.
              if (!admit(keyId, now)) {
                throw ErrorCode.IMPORT_THROTTLED.exception();
              }
              md.state().check(Operation.IMPORT_MATERIAL);
              return repository
                  .importParameters(keyId)
                  .map(found -> checkToken(found, in.token(), now))
                  .compose(
                      p ->
                          opened(caller, md, p, in)
                              .compose(
                                  wrapped ->
                                      repository.importMaterial(
                                          caller.appId(),
                                          caller.region(),
                                          keyId,
                                          p.tokenSha256(),
                                          wrapped.material(),
                                          wrapped.commitment(),
                                          in.validTo()))
                              .compose(outcome -> outcome(outcome, md, p.algorithm())));
            })
        .onSuccess(v -> changed(keyId));
  }

  private static Future<Void> outcome(
      ImportOutcome outcome, KeyMetadata md, EncryptionAlgorithm algorithm) {
    return switch (outcome) {
      case IMPORTED -> Future.<Void>succeededFuture();
      case STATE_CHANGED ->
          Future.failedFuture(
              ErrorCode.KEY_STATE_NOT_SUPPORTED.exception(
                  "the key's state changed concurrently, retry"));
      // A concurrent first import bound the key to other material: answered as the checks on the
      // worker answer it.
      case MATERIAL_NOT_MATCH ->
          Future.failedFuture(refusal(ImportWrapping.Verdict.OTHER_MATERIAL, md, algorithm));
      case TOKEN_REPLACED -> Future.failedFuture(KeyImport.invalidToken());
      case TOKEN_EXPIRED -> Future.failedFuture(ErrorCode.IMPORT_TOKEN_EXPIRED.exception());
    };
  }

  private static ImportParameters checkToken(
      Optional<ImportParameters> found, byte[] token, long now) {
    if (found.isEmpty() || !ImportWrapping.tokenMatches(token, found.get().tokenSha256())) {
      throw KeyImport.invalidToken();
    }
    if (found.get().validTo() <= now) {
      throw ErrorCode.IMPORT_TOKEN_EXPIRED.exception();
    }
    return found.get();
  }

  private record Sealed(Hsa.Wrapped material, byte[] commitment) {}

  /** On the worker: opens, checks and wraps the material as a generated key's version 1. */
  private Future<Sealed> opened(Caller caller, KeyMetadata md, ImportParameters p, Material in) {
    KeyId keyId = md.keyId();
    return executor.execute(
        () -> {
          ImportWrapping.Opened o;
          try (SecretBytes pkcs8 =
              hsa.unwrap(
                  p.privateKey(),
                  wrappingKeyContext(caller.appId(), caller.region(), keyId, p.algorithm()))) {
            o =
                ImportWrapping.open(
                    pkcs8.bytes(),
                    p.publicKey(),
                    p.algorithm(),
                    in.encrypted(),
                    md.algorithm().materialLength(),
                    p.commitment(),
                    commitmentContext(caller.appId(), caller.region(), keyId),
                    hsa::random);
          }
          if (o.verdict() != ImportWrapping.Verdict.OK) {
            throw refusal(o.verdict(), md, p.algorithm());
          }
          try {
            return new Sealed(
                hsa.wrap(
                    o.material(),
                    KeyMaterialCache.wrapContext(caller.appId(), caller.region(), keyId, 1)),
                o.commitment());
          } finally {
            Arrays.fill(o.material(), (byte) 0);
          }
        });
  }

  /**
   * The answer to material that is refused. With RSAES_PKCS1_V1_5 it is always the same code and
   * message (no padding oracle); with OAEP the cause is named.
   */
  private static KmsException refusal(
      ImportWrapping.Verdict v, KeyMetadata md, EncryptionAlgorithm algorithm) {
    if (algorithm == EncryptionAlgorithm.RSAES_PKCS1_V1_5) {
      return ErrorCode.DECRYPT_MATERIAL_ERROR.exception();
    }
    return switch (v) {
      case WRONG_LENGTH ->
          ErrorCode.DECRYPT_MATERIAL_ERROR.exception(
              "the key material must be " + md.algorithm().materialLength() + " bytes");
      case OTHER_MATERIAL -> ErrorCode.MATERIAL_NOT_MATCH.exception();
      default -> ErrorCode.DECRYPT_MATERIAL_ERROR.exception();
    };
  }

  /**
   * Deletes an EXTERNAL key's material: the key waits for it again (PendingImport), every replica
   * drops it at once; the commitment stays, so only the same material can come back.
   */
  public Future<Void> deleteMaterial(Caller caller, KeyId keyId) {
    return StateChange.apply(
            () -> external(caller, keyId),
            Operation.DELETE_MATERIAL,
            (md, target) ->
                repository.deleteMaterial(caller.appId(), caller.region(), keyId, md.state()))
        .onSuccess(v -> changed(keyId));
  }

  /** The caller's key, which must be EXTERNAL. */
  private Future<KeyMetadata> external(Caller caller, KeyId keyId) {
    return repository
        .find(keyId)
        .map(
            found -> {
              if (found.isEmpty()
                  || !found.get().metadata().ownedBy(caller.appId(), caller.region())
                  || found.get().metadata().state() == KeyState.PURGED) {
                throw ErrorCode.KEY_NOT_FOUND.exception();
              }
              KeyMetadata md = found.get().metadata();
              if (md.origin() != KeyOrigin.EXTERNAL) {
                throw ErrorCode.NOT_EXTERNAL_CMK.exception();
              }
              return md;
            });
  }

  /** Counts an attempt on {@code keyId}; false when its window is full. */
  private boolean admit(KeyId keyId, long now) {
    if (attempts.size() >= TRACKED) {
      attempts.values().removeIf(w -> w[0] + WINDOW_SECONDS <= now);
    }
    long[] w =
        attempts.compute(
            keyId,
            (k, old) ->
                old == null || old[0] + WINDOW_SECONDS <= now
                    ? new long[] {now, 1}
                    : new long[] {old[0], old[1] + 1});
    return w[1] <= ATTEMPTS_PER_WINDOW;
  }

  /** Drops the key here at once and tells the other replicas. */
  private void changed(KeyId keyId) {
    cache.invalidate(keyId);
    bus.publish(new ChangeBus.Change(ChangeBus.Kind.KEY, keyId.toString()));
  }
}
