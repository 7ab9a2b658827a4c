package io.tkms.application;

import static io.tkms.application.InMemoryKms.ALICE;
import static io.tkms.application.InMemoryKms.BOB;
import static io.tkms.application.fakes.Outcomes.failure;
import static io.tkms.application.fakes.Outcomes.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.KeyService.NewKey;
import io.tkms.application.port.ChangeBus.Change;
import io.tkms.application.port.ChangeBus.Kind;
import io.tkms.crypto.PublicKeys;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionAlgorithm;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyImport;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.KeyOrigin;
import io.tkms.domain.KeyState;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bring your own key over in-memory fakes: an EXTERNAL key waits for its material, takes it wrapped
 * under a fresh wrapping key with a valid token, serves Encrypt and Decrypt until its ValidTo,
 * loses it on deletion or expiry and takes back only the same material.
 */
class ImportServiceTest {
  private static final SecureRandom RNG = new SecureRandom();
  private final InMemoryKms kms = new InMemoryKms();
  private final ImportService imports = kms.imports;

  private KeyId external() {
    KeyMetadata md =
        succeeded(kms.keys.create(ALICE, NewKey.DEFAULT.withOrigin(KeyOrigin.EXTERNAL)));
    assertThat(md.state()).isEqualTo(KeyState.PENDING_IMPORT);
    assertThat(md.origin()).isEqualTo(KeyOrigin.EXTERNAL);
    return md.keyId();
  }

  private static byte[] material(int n) {
    byte[] m = new byte[n];
    RNG.nextBytes(m);
    return m;
  }

  private ImportService.Material wrapped(
      ImportService.Parameters p, EncryptionAlgorithm a, byte[] material, long validTo) {
    byte[] encrypted = PublicKeys.encrypt(p.publicKey(), a, material, RNG);
    return new ImportService.Material(encrypted, KeyImport.parseToken(p.importToken()), validTo);
  }

  private ImportService.Parameters parameters(KeyId id, EncryptionAlgorithm a) {
    return succeeded(imports.parameters(ALICE, id, a));
  }

  private void roundTrip(KeyId id) {
    EncryptionContext ctx = EncryptionContext.EMPTY;
    CryptoService.Encrypted e = succeeded(kms.crypto.encrypt(ALICE, id, new byte[] {1, 2, 3}, ctx));
    try (SecretBytes pt =
        succeeded(kms.crypto.decrypt(ALICE, CiphertextBlob.decode(e.blob()), ctx)).plaintext()) {
      assertThat(pt.bytes()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void createExternal_isPendingImport_withoutMaterial_andRefusesUse() {
    KeyId id = external();
    assertThat(failure(kms.crypto.encrypt(ALICE, id, new byte[] {1}, EncryptionContext.EMPTY)))
        .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
  }

  @Test
  void createExternal_ofAnAsymmetricUsage_isInvalidType() {
    assertThat(
            failure(
                kms.keys.create(
                    ALICE,
                    NewKey.DEFAULT
                        .withUsage(io.tkms.domain.KeyUsage.ASYMMETRIC_DECRYPT_RSA_2048)
                        .withOrigin(KeyOrigin.EXTERNAL))))
        .isEqualTo(ErrorCode.INVALID_KEY_TYPE);
  }

  @ParameterizedTest
  @EnumSource(
      value = EncryptionAlgorithm.class,
      names = {"RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"})
  void import_enablesTheKey_whichThenEncryptsAndDecrypts(EncryptionAlgorithm a) {
    KeyId id = external();
    ImportService.Parameters p = parameters(id, a);
    assertThat(p.validTo()).isEqualTo(kms.clock.epochSecond() + 86_400);
    assertThat(KeyImport.parseToken(p.importToken())).hasSize(32);

    succeeded(imports.importMaterial(ALICE, id, wrapped(p, a, material(32), 0)));

    KeyMetadata md = succeeded(kms.keys.describe(ALICE, id));
    assertThat(md.state()).isEqualTo(KeyState.ENABLED);
    assertThat(md.validTo()).isZero();
    roundTrip(id);
    assertThat(kms.bus.published()).contains(new Change(Kind.KEY, id.toString()));
  }

  @Test
  void theLastParametersWin_anEarlierTokenIsRefused() {
    KeyId id = external();
    ImportService.Parameters first = parameters(id, EncryptionAlgorithm.RSAES_OAEP_SHA_256);
    ImportService.Parameters second = parameters(id, EncryptionAlgorithm.RSAES_OAEP_SHA_256);
    ImportService.Material stale =
        new ImportService.Material(
            PublicKeys.encrypt(
                second.publicKey(), EncryptionAlgorithm.RSAES_OAEP_SHA_256, material(32), RNG),
            KeyImport.parseToken(first.importToken()),
            0);
    assertThat(failure(imports.importMaterial(ALICE, id, stale)))
        .isEqualTo(ErrorCode.INVALID_PARAMETER);
  }

  @Test
  void anExpiredToken_isTokenExpired() {
    KeyId id = external();
    ImportService.Parameters p = parameters(id, EncryptionAlgorithm.RSAES_OAEP_SHA_1);
    kms.clock.advance(Duration.ofHours(24));
    succeeded(kms.jobs.runOnce()); // keeps expired parameters a while: still "expired"
    assertThat(
            failure(
                imports.importMaterial(
                    ALICE, id, wrapped(p, EncryptionAlgorithm.RSAES_OAEP_SHA_1, material(32), 0))))
        .isEqualTo(ErrorCode.IMPORT_TOKEN_EXPIRED);
  }

  @Test
  void oaep_namesTheCause_pkcs1_answersOneCodeAndMessageForEveryCause() {
    KeyId id = external();
    byte[] first = material(32);
    ImportService.Parameters oaep = parameters(id, EncryptionAlgorithm.RSAES_OAEP_SHA_256);
    succeeded(
        imports.importMaterial(
            ALICE, id, wrapped(oaep, EncryptionAlgorithm.RSAES_OAEP_SHA_256, first, 0)));
    assertThat(
            failure(
                imports.importMaterial(
                    ALICE,
                    id,
                    wrapped(oaep, EncryptionAlgorithm.RSAES_OAEP_SHA_256, material(32), 0))))
        .isEqualTo(ErrorCode.MATERIAL_NOT_MATCH);
    assertThat(
            failure(
                imports.importMaterial(
                    ALICE,
                    id,
                    wrapped(oaep, EncryptionAlgorithm.RSAES_OAEP_SHA_256, material(16), 0))))
        .isEqualTo(ErrorCode.DECRYPT_MATERIAL_ERROR);

    kms.clock.advance(Duration.ofMinutes(1)); // a fresh attempt window
    ImportService.Parameters v15 = parameters(id, EncryptionAlgorithm.RSAES_PKCS1_V1_5);
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_PKCS1_V1_5;
    ImportService.Material other = wrapped(v15, a, material(32), 0);
    ImportService.Material shorter = wrapped(v15, a, material(16), 0);
    ImportService.Material garbage =
        new ImportService.Material(material(256), KeyImport.parseToken(v15.importToken()), 0);
    String message = null;
    for (ImportService.Material m : new ImportService.Material[] {other, shorter, garbage}) {
      var f = imports.importMaterial(ALICE, id, m);
      assertThat(failure(f)).isEqualTo(ErrorCode.DECRYPT_MATERIAL_ERROR);
      if (message == null) {
        message = f.cause().getMessage();
      }
      assertThat(f.cause().getMessage()).isEqualTo(message);
    }
    // The same material again is accepted, with a new ValidTo.
    long validTo = kms.clock.epochSecond() + 3600;
    succeeded(imports.importMaterial(ALICE, id, wrapped(v15, a, first, validTo)));
    assertThat(succeeded(kms.keys.describe(ALICE, id)).validTo()).isEqualTo(validTo);
  }

  @Test
  void importAttempts_areLimitedPerKeyAndMinute() {
    KeyId id = external();
    ImportService.Parameters p = parameters(id, EncryptionAlgorithm.RSAES_OAEP_SHA_1);
    ImportService.Material bad =
        new ImportService.Material(material(256), KeyImport.parseToken(p.importToken()), 0);
    for (int i = 0; i < ImportService.ATTEMPTS_PER_WINDOW; i++) {
      assertThat(failure(imports.importMaterial(ALICE, id, bad)))
          .isEqualTo(ErrorCode.DECRYPT_MATERIAL_ERROR);
    }
    assertThat(failure(imports.importMaterial(ALICE, id, bad)))
        .isEqualTo(ErrorCode.IMPORT_THROTTLED);
    kms.clock.advance(Duration.ofMinutes(1));
    assertThat(failure(imports.importMaterial(ALICE, id, bad)))
        .isEqualTo(ErrorCode.DECRYPT_MATERIAL_ERROR);
  }

  @Test
  void validTo_isCheckedAtEveryUse_andTheJobReturnsTheKeyToPendingImport() {
    KeyId id = external();
    ImportService.Parameters p = parameters(id, EncryptionAlgorithm.RSAES_OAEP_SHA_256);
    long validTo = kms.clock.epochSecond() + 60;
    byte[] m = material(32);
    succeeded(
        imports.importMaterial(
            ALICE, id, wrapped(p, EncryptionAlgorithm.RSAES_OAEP_SHA_256, m, validTo)));
    CryptoService.Encrypted e =
        succeeded(kms.crypto.encrypt(ALICE, id, new byte[] {7}, EncryptionContext.EMPTY));

    kms.clock.advance(Duration.ofSeconds(60));
    // Still cached, not yet reaped: refused by the clock alone.
    assertThat(failure(kms.crypto.encrypt(ALICE, id, new byte[] {1}, EncryptionContext.EMPTY)))
        .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    assertThat(
            failure(
                kms.crypto.decrypt(
                    ALICE, CiphertextBlob.decode(e.blob()), EncryptionContext.EMPTY)))
        .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);

    LifecycleJobs.Report r = succeeded(kms.jobs.runOnce());
    assertThat(r.expired()).containsExactly(id);
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.PENDING_IMPORT);
    assertThat(kms.bus.published()).contains(new Change(Kind.KEY, id.toString()));

    // The same material brings the old ciphertext back.
    ImportService.Parameters again = parameters(id, EncryptionAlgorithm.RSAES_OAEP_SHA_256);
    succeeded(
        imports.importMaterial(
            ALICE, id, wrapped(again, EncryptionAlgorithm.RSAES_OAEP_SHA_256, m, 0)));
    try (SecretBytes pt =
        succeeded(
                kms.crypto.decrypt(ALICE, CiphertextBlob.decode(e.blob()), EncryptionContext.EMPTY))
            .plaintext()) {
      assertThat(pt.bytes()).containsExactly(7);
    }
  }

  @Test
  void validTo_isCheckedByGenerateDataKey_andByReEncryptAsSourceAndAsDestination() {
    KeyId id = external();
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_OAEP_SHA_256;
    long validTo = kms.clock.epochSecond() + 60;
    succeeded(
        imports.importMaterial(ALICE, id, wrapped(parameters(id, a), a, material(32), validTo)));
    KeyId madeHere = kms.newKey(ALICE, "made-here");
    EncryptionContext ctx = EncryptionContext.EMPTY;
    CiphertextBlob external =
        CiphertextBlob.decode(succeeded(kms.crypto.encrypt(ALICE, id, new byte[] {7}, ctx)).blob());
    CiphertextBlob local =
        CiphertextBlob.decode(
            succeeded(kms.crypto.encrypt(ALICE, madeHere, new byte[] {8}, ctx)).blob());
    // Before its ValidTo each use succeeds: the refusals below are the clock's.
    succeeded(kms.crypto.generateDataKey(ALICE, id, 32, ctx)).plaintext().close();
    succeeded(
        kms.crypto.reEncrypt(ALICE, new CryptoService.ReEncryption(external, ctx, madeHere, ctx)));
    succeeded(kms.crypto.reEncrypt(ALICE, new CryptoService.ReEncryption(local, ctx, id, ctx)));

    kms.clock.advance(Duration.ofSeconds(60));
    // Still cached and Enabled in the repository (the job has not run): refused by the clock.
    assertThat(failure(kms.crypto.generateDataKey(ALICE, id, 32, ctx)))
        .as("GenerateDataKey")
        .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    assertThat(
            failure(
                kms.crypto.reEncrypt(
                    ALICE, new CryptoService.ReEncryption(external, ctx, madeHere, ctx))))
        .as("ReEncrypt from the expired key")
        .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    assertThat(
            failure(
                kms.crypto.reEncrypt(ALICE, new CryptoService.ReEncryption(local, ctx, id, ctx))))
        .as("ReEncrypt into the expired key")
        .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.ENABLED);
    // The key made here is not affected: ReEncrypt within it still works.
    succeeded(
        kms.crypto.reEncrypt(ALICE, new CryptoService.ReEncryption(local, ctx, madeHere, ctx)));
  }

  @Test
  void validTo_inThePast_isInvalidParameter() {
    KeyId id = external();
    ImportService.Parameters p = parameters(id, EncryptionAlgorithm.RSAES_OAEP_SHA_1);
    assertThat(
            failure(
                imports.importMaterial(
                    ALICE,
                    id,
                    wrapped(
                        p,
                        EncryptionAlgorithm.RSAES_OAEP_SHA_1,
                        material(32),
                        kms.clock.epochSecond()))))
        .isEqualTo(ErrorCode.INVALID_PARAMETER);
  }

  @Test
  void deleteMaterial_returnsTheKeyToPendingImport_keepsTheCommitment() {
    KeyId id = external();
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_OAEP_SHA_1;
    ImportService.Parameters p = parameters(id, a);
    succeeded(imports.importMaterial(ALICE, id, wrapped(p, a, material(32), 0)));
    roundTrip(id);

    succeeded(imports.deleteMaterial(ALICE, id));
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.PENDING_IMPORT);
    assertThat(failure(kms.crypto.encrypt(ALICE, id, new byte[] {1}, EncryptionContext.EMPTY)))
        .isEqualTo(ErrorCode.KEY_STATE_NOT_SUPPORTED);
    assertThat(kms.bus.published()).contains(new Change(Kind.KEY, id.toString()));

    assertThat(failure(imports.importMaterial(ALICE, id, wrapped(p, a, material(32), 0))))
        .isEqualTo(ErrorCode.MATERIAL_NOT_MATCH);
  }

  @Test
  void aKeyMadeHere_isNotExternal_forEveryImportAction() {
    KeyId id = kms.newKey(ALICE, "made-here");
    assertThat(failure(imports.parameters(ALICE, id, EncryptionAlgorithm.RSAES_OAEP_SHA_1)))
        .isEqualTo(ErrorCode.NOT_EXTERNAL_CMK);
    assertThat(failure(imports.deleteMaterial(ALICE, id))).isEqualTo(ErrorCode.NOT_EXTERNAL_CMK);
    assertThat(
            failure(
                imports.importMaterial(
                    ALICE, id, new ImportService.Material(new byte[256], new byte[32], 0))))
        .isEqualTo(ErrorCode.NOT_EXTERNAL_CMK);
  }

  @Test
  void anotherAccountsKey_isNotFound() {
    KeyId id = external();
    assertThat(failure(imports.parameters(BOB, id, EncryptionAlgorithm.RSAES_OAEP_SHA_1)))
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void externalKeys_cannotRotate() {
    KeyId id = external();
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_OAEP_SHA_1;
    succeeded(imports.importMaterial(ALICE, id, wrapped(parameters(id, a), a, material(32), 0)));
    assertThat(failure(kms.keys.enableRotation(ALICE, id, 30)))
        .isEqualTo(ErrorCode.EXTERNAL_CMK_CAN_NOT_ROTATE);
    assertThat(failure(kms.keys.rotate(ALICE, id))).isEqualTo(ErrorCode.ROTATE_NOT_SUPPORTED);
  }

  @Test
  void aPendingImportKey_canBeScheduledForDeletion_andCancelledBackToPendingImport() {
    KeyId id = external();
    succeeded(kms.keys.scheduleDeletion(ALICE, id, 7));
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.PENDING_DELETE);
    succeeded(kms.keys.cancelDeletion(ALICE, id));
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.PENDING_IMPORT);
  }

  @Test
  void listing_filtersByOriginAndByPendingImport() {
    KeyId mine = kms.newKey(ALICE, "made-here");
    KeyId external = external();
    assertThat(
            succeeded(
                    kms.keys.query(
                        ALICE,
                        io.tkms.application.port.KeyQuery.page(0, 10)
                            .withOrigin(KeyOrigin.EXTERNAL)))
                .keys())
        .extracting(KeyMetadata::keyId)
        .containsExactly(external);
    assertThat(
            succeeded(
                    kms.keys.query(
                        ALICE,
                        io.tkms.application.port.KeyQuery.page(0, 10)
                            .withOrigin(KeyOrigin.TENCENT_KMS)))
                .keys())
        .extracting(KeyMetadata::keyId)
        .containsExactly(mine);
    assertThat(
            succeeded(
                    kms.keys.query(
                        ALICE,
                        io.tkms.application.port.KeyQuery.page(0, 10)
                            .withState(KeyState.PENDING_IMPORT)))
                .keys())
        .extracting(KeyMetadata::keyId)
        .containsExactly(external);
  }

  @Test
  void theMaterialLength_isTheKeysAlgorithms_16BytesForSm4() {
    KeyId id = external();
    KeyMetadata md = kms.keyRepository.metadata(id);
    kms.keyRepository.put(
        new io.tkms.application.port.KeyRepository.StoredKey(
            md.withAlgorithm(io.tkms.domain.SymmetricAlgorithm.SM4), java.util.List.of()));
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_OAEP_SHA_256;
    ImportService.Parameters p = parameters(id, a);
    assertThat(failure(imports.importMaterial(ALICE, id, wrapped(p, a, material(32), 0))))
        .isEqualTo(ErrorCode.DECRYPT_MATERIAL_ERROR);
    succeeded(imports.importMaterial(ALICE, id, wrapped(p, a, material(16), 0)));
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.ENABLED);
  }

  @Test
  void parametersIssuedBetweenTheTokenCheckAndTheWrite_win_theImportIsRefused() {
    KeyId id = external();
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_OAEP_SHA_256;
    ImportService.Parameters p = parameters(id, a);
    // A GetParametersForImport commits while this import is on the worker.
    kms.keyRepository.beforeNextWrite(() -> parameters(id, a));
    assertThat(failure(imports.importMaterial(ALICE, id, wrapped(p, a, material(32), 0))))
        .isEqualTo(ErrorCode.INVALID_PARAMETER);
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.PENDING_IMPORT);
  }

  @Test
  void aTokenExpiringBetweenTheCheckAndTheWrite_isTokenExpired() {
    KeyId id = external();
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_OAEP_SHA_1;
    ImportService.Parameters p = parameters(id, a);
    kms.keyRepository.beforeNextWrite(() -> kms.clock.advance(Duration.ofHours(24)));
    assertThat(failure(imports.importMaterial(ALICE, id, wrapped(p, a, material(32), 0))))
        .isEqualTo(ErrorCode.IMPORT_TOKEN_EXPIRED);
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.PENDING_IMPORT);
  }

  @Test
  void deleteMaterial_racedByAnotherDeletion_succeedsAsItWouldAfterIt() {
    KeyId id = external();
    EncryptionAlgorithm a = EncryptionAlgorithm.RSAES_OAEP_SHA_1;
    ImportService.Parameters p = parameters(id, a);
    succeeded(imports.importMaterial(ALICE, id, wrapped(p, a, material(32), 0)));
    kms.keyRepository.beforeNextWrite(
        () -> kms.keyRepository.forceState(id, KeyState.PENDING_IMPORT));
    succeeded(imports.deleteMaterial(ALICE, id));
    assertThat(succeeded(kms.keys.describe(ALICE, id)).state()).isEqualTo(KeyState.PENDING_IMPORT);
  }
}
