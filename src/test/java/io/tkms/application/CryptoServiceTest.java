package io.tkms.application;

import static io.tkms.application.InMemoryKms.ALICE;
import static io.tkms.application.InMemoryKms.ALICE_IN_SHANGHAI;
import static io.tkms.application.InMemoryKms.BOB;
import static io.tkms.application.fakes.Outcomes.failure;
import static io.tkms.application.fakes.Outcomes.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.application.CryptoService.ReEncrypted;
import io.tkms.application.CryptoService.ReEncryption;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.KeyState;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Encrypt, Decrypt, GenerateDataKey, ReEncrypt and GenerateRandom over in-memory fakes: who may use
 * which key in which state, and which error each refusal carries (the class Javadoc's list).
 */
class CryptoServiceTest {
  private static final EncryptionContext NONE = EncryptionContext.EMPTY;
  private static final EncryptionContext ORDERS =
      EncryptionContext.parse("{\"purpose\":\"orders\"}");

  private final InMemoryKms kms = new InMemoryKms();
  private final CryptoService crypto = kms.crypto;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private CiphertextBlob encrypt(Caller caller, KeyId keyId, String text, EncryptionContext ctx) {
    return CiphertextBlob.decode(succeeded(crypto.encrypt(caller, keyId, bytes(text), ctx)).blob());
  }

  private String decrypt(Caller caller, CiphertextBlob blob, EncryptionContext ctx) {
    try (SecretBytes pt = succeeded(crypto.decrypt(caller, blob, ctx)).plaintext()) {
      return new String(pt.bytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void encrypt_thenDecrypt_givesThePlaintextBack_namingTheKey() {
    KeyId key = kms.newKey(ALICE, "orders");
    CryptoService.Encrypted sealed =
        succeeded(crypto.encrypt(ALICE, key, bytes("card 4111"), ORDERS));

    CiphertextBlob blob = CiphertextBlob.decode(sealed.blob());
    assertThat(sealed.keyId()).isEqualTo(key);
    assertThat(blob.keyId()).isEqualTo(key);
    assertThat(blob.keyVersion()).isEqualTo(1);
    CryptoService.Decrypted opened = succeeded(crypto.decrypt(ALICE, blob, ORDERS));
    assertThat(opened.keyId()).isEqualTo(key);
    assertThat(new String(opened.plaintext().bytes(), StandardCharsets.UTF_8))
        .isEqualTo("card 4111");
  }

  @Test
  void encrypt_zeroesThePlaintextItWasGiven() {
    KeyId key = kms.newKey(ALICE, "k");
    byte[] plaintext = bytes("secret");
    succeeded(crypto.encrypt(ALICE, key, plaintext, NONE));
    assertThat(plaintext).containsOnly(0);
  }

  @Test
  void encrypt_withAFailure_stillZeroesThePlaintext() {
    byte[] plaintext = bytes("secret");
    assertThat(failure(crypto.encrypt(ALICE, new KeyId(UUID.randomUUID()), plaintext, NONE)))
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
    assertThat(plaintext).containsOnly(0);
  }

  @Test
  void encrypt_withAnUnknownKey_failsWithKeyNotFound() {
    assertThat(failure(crypto.encrypt(ALICE, new KeyId(UUID.randomUUID()), bytes("x"), NONE)))
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void encrypt_withAnotherAccountsKey_failsWithKeyNotFound() {
    KeyId bobs = kms.newKey(BOB, "bobs");
    assertThat(failure(crypto.encrypt(ALICE, bobs, bytes("x"), NONE)))
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void encrypt_withTheAccountsKeyFromAnotherRegion_failsWithKeyNotFound() {
    KeyId key = kms.newKey(ALICE, "k");
    assertThat(failure(crypto.encrypt(ALICE_IN_SHANGHAI, key, bytes("x"), NONE)))
        .isEqualTo(ErrorCode.KEY_NOT_FOUND);
  }

  /** The state table's ENCRYPT and DECRYPT columns, as the use case answers them. */
  @ParameterizedTest(name = "{0}: encrypt {1}, decrypt {2}")
  @CsvSource({
    "ENABLED,        OK,                 OK",
    "DISABLED,       KEY_DISABLED,       KEY_DISABLED",
    "PENDING_DELETE, KEY_PENDING_DELETE, KEY_PENDING_DELETE",
    "ARCHIVED,       KEY_ARCHIVED,       OK",
    "PURGED,         KEY_NOT_FOUND,      KEY_NOT_FOUND"
  })
  void encryptAndDecrypt_followTheStateTable(KeyState state, String encrypt, String decrypt) {
    KeyId key = kms.newKey(ALICE, "k");
    CiphertextBlob blob = encrypt(ALICE, key, "made while enabled", NONE);
    kms.putInState(key, state);

    if (encrypt.equals("OK")) {
      encrypt(ALICE, key, "x", NONE);
    } else {
      assertThat(failure(crypto.encrypt(ALICE, key, bytes("x"), NONE)))
          .isEqualTo(ErrorCode.valueOf(encrypt));
    }
    if (decrypt.equals("OK")) {
      assertThat(decrypt(ALICE, blob, NONE)).isEqualTo("made while enabled");
    } else {
      assertThat(failure(crypto.decrypt(ALICE, blob, NONE))).isEqualTo(ErrorCode.valueOf(decrypt));
    }
  }

  @Test
  void decrypt_withAnotherAccountsBlob_failsWithInvalidCiphertext() {
    KeyId bobs = kms.newKey(BOB, "bobs");
    CiphertextBlob blob = encrypt(BOB, bobs, "bob's", NONE);
    assertThat(failure(crypto.decrypt(ALICE, blob, NONE))).isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void decrypt_inAnotherRegionThanTheKeys_failsWithInvalidCiphertext() {
    KeyId key = kms.newKey(ALICE, "k");
    CiphertextBlob blob = encrypt(ALICE, key, "x", NONE);
    assertThat(failure(crypto.decrypt(ALICE_IN_SHANGHAI, blob, NONE)))
        .isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void decrypt_ofABlobWhoseKeyThisServerNeverHad_failsWithInvalidCiphertext() {
    InMemoryKms elsewhere = new InMemoryKms();
    KeyId foreign = elsewhere.newKey(ALICE, "k");
    CiphertextBlob blob =
        CiphertextBlob.decode(
            succeeded(elsewhere.crypto.encrypt(ALICE, foreign, bytes("x"), NONE)).blob());
    assertThat(failure(crypto.decrypt(ALICE, blob, NONE))).isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void decrypt_withAnotherEncryptionContext_failsWithInvalidCiphertext() {
    KeyId key = kms.newKey(ALICE, "k");
    CiphertextBlob blob = encrypt(ALICE, key, "x", ORDERS);
    assertThat(failure(crypto.decrypt(ALICE, blob, NONE))).isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void decrypt_withATamperedCiphertext_failsWithInvalidCiphertext() {
    KeyId key = kms.newKey(ALICE, "k");
    byte[] raw = encrypt(ALICE, key, "x", NONE).encode();
    raw[raw.length - 1] ^= 1;
    assertThat(failure(crypto.decrypt(ALICE, CiphertextBlob.decode(raw), NONE)))
        .isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void decrypt_namingAVersionTheKeyDoesNotHave_failsWithInvalidCiphertext() {
    KeyId key = kms.newKey(ALICE, "k");
    CiphertextBlob b = encrypt(ALICE, key, "x", NONE);
    CiphertextBlob version7 =
        new CiphertextBlob(CiphertextBlob.FORMAT_V1, key, 7, b.salt(), b.nonce(), b.sealed());
    assertThat(failure(crypto.decrypt(ALICE, version7, NONE)))
        .isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void generateDataKey_givesThatManyRandomBytes_andABlobThatDecryptsToThem() {
    KeyId key = kms.newKey(ALICE, "k");
    CryptoService.DataKey dk = succeeded(crypto.generateDataKey(ALICE, key, 32, ORDERS));

    assertThat(dk.keyId()).isEqualTo(key);
    assertThat(dk.plaintext().length()).isEqualTo(32);
    try (SecretBytes opened =
        succeeded(crypto.decrypt(ALICE, CiphertextBlob.decode(dk.blob()), ORDERS)).plaintext()) {
      assertThat(opened.bytes()).isEqualTo(dk.plaintext().bytes());
    }
  }

  @Test
  void dataKeysAndRandomBytes_comeFromTheHsasRandomSource() {
    KeyId key = kms.newKey(ALICE, "k");
    long before = kms.hsa.randomBytesDrawn();
    succeeded(crypto.generateDataKey(ALICE, key, 48, ORDERS)).plaintext().close();
    assertThat(kms.hsa.randomBytesDrawn() - before).isEqualTo(48);
    succeeded(crypto.random(100)).close();
    assertThat(kms.hsa.randomBytesDrawn() - before).isEqualTo(148);
  }

  @Test
  void generateDataKey_withADisabledKey_failsWithKeyDisabled() {
    KeyId key = kms.newKey(ALICE, "k");
    succeeded(kms.keys.disable(ALICE, key));
    assertThat(failure(crypto.generateDataKey(ALICE, key, 16, NONE)))
        .isEqualTo(ErrorCode.KEY_DISABLED);
  }

  @Test
  void reEncrypt_intoTheSameKeysNewestVersion_withTheSameContext_returnsTheBlobUnchanged() {
    KeyId key = kms.newKey(ALICE, "k");
    CiphertextBlob blob = encrypt(ALICE, key, "x", ORDERS);

    ReEncrypted r = succeeded(crypto.reEncrypt(ALICE, new ReEncryption(blob, ORDERS, key, ORDERS)));
    assertThat(r.reEncrypted()).isFalse();
    assertThat(r.blob()).isEqualTo(blob.encode());
    assertThat(r.sourceKeyId()).isEqualTo(key);
    assertThat(r.keyId()).isEqualTo(key);
  }

  @Test
  void reEncrypt_afterARotation_movesTheBlobToTheNewestVersion() {
    KeyId key = kms.newKey(ALICE, "k");
    CiphertextBlob old = encrypt(ALICE, key, "kept", NONE);
    succeeded(kms.keys.enableRotation(ALICE, key, 7));
    kms.clock.advance(Duration.ofDays(7));
    assertThat(succeeded(kms.jobs.runOnce()).rotated()).containsExactly(key);

    ReEncrypted r = succeeded(crypto.reEncrypt(ALICE, new ReEncryption(old, NONE, key, NONE)));
    CiphertextBlob moved = CiphertextBlob.decode(r.blob());
    assertThat(r.reEncrypted()).isTrue();
    assertThat(moved.keyVersion()).isEqualTo(2);
    assertThat(decrypt(ALICE, moved, NONE)).isEqualTo("kept");
    assertThat(decrypt(ALICE, old, NONE)).as("old versions still decrypt").isEqualTo("kept");
  }

  @Test
  void reEncrypt_underANewContext_reEncryptsWithTheSameKey() {
    KeyId key = kms.newKey(ALICE, "k");
    CiphertextBlob blob = encrypt(ALICE, key, "x", NONE);

    ReEncrypted r = succeeded(crypto.reEncrypt(ALICE, new ReEncryption(blob, NONE, key, ORDERS)));
    assertThat(r.reEncrypted()).isTrue();
    assertThat(decrypt(ALICE, CiphertextBlob.decode(r.blob()), ORDERS)).isEqualTo("x");
  }

  @Test
  void reEncrypt_toAnotherKey_givesABlobOfThatKey() {
    KeyId from = kms.newKey(ALICE, "from");
    KeyId to = kms.newKey(ALICE, "to");
    CiphertextBlob blob = encrypt(ALICE, from, "moving", NONE);

    ReEncrypted r = succeeded(crypto.reEncrypt(ALICE, new ReEncryption(blob, NONE, to, NONE)));
    assertThat(r.sourceKeyId()).isEqualTo(from);
    assertThat(r.keyId()).isEqualTo(to);
    assertThat(CiphertextBlob.decode(r.blob()).keyId()).isEqualTo(to);
    assertThat(decrypt(ALICE, CiphertextBlob.decode(r.blob()), NONE)).isEqualTo("moving");
  }

  @Test
  void reEncrypt_toADisabledKey_failsWithKeyDisabled() {
    KeyId from = kms.newKey(ALICE, "from");
    KeyId to = kms.newKey(ALICE, "to");
    CiphertextBlob blob = encrypt(ALICE, from, "x", NONE);
    succeeded(kms.keys.disable(ALICE, to));
    assertThat(failure(crypto.reEncrypt(ALICE, new ReEncryption(blob, NONE, to, NONE))))
        .isEqualTo(ErrorCode.KEY_DISABLED);
  }

  @Test
  void reEncrypt_ofAnotherAccountsBlob_failsWithInvalidCiphertext() {
    KeyId bobs = kms.newKey(BOB, "bobs");
    KeyId alices = kms.newKey(ALICE, "alices");
    CiphertextBlob blob = encrypt(BOB, bobs, "x", NONE);
    assertThat(failure(crypto.reEncrypt(ALICE, new ReEncryption(blob, NONE, alices, NONE))))
        .isEqualTo(ErrorCode.INVALID_CIPHERTEXT);
  }

  @Test
  void everyCall_releasesItsKey_soAnEvictedKeysMaterialIsZeroed() {
    KeyId key = kms.newKey(ALICE, "k");
    LoadedKey loaded = (LoadedKey) succeeded(kms.keyCache.acquire(key));
    loaded.release();
    CiphertextBlob blob = encrypt(ALICE, key, "x", NONE);
    decrypt(ALICE, blob, NONE);
    failure(crypto.decrypt(ALICE, blob, ORDERS));
    succeeded(crypto.generateDataKey(ALICE, key, 16, NONE)).plaintext().close();
    succeeded(crypto.reEncrypt(ALICE, new ReEncryption(blob, NONE, key, ORDERS)));
    assertThat(loaded.material(1).isDestroyed()).as("still cached").isFalse();

    kms.keyCache.invalidate(key);
    assertThat(loaded.material(1).isDestroyed()).as("the cache held the last reference").isTrue();
  }

  @Test
  void random_givesTheRequestedNumberOfBytes() {
    try (SecretBytes r = succeeded(crypto.random(48))) {
      assertThat(r.length()).isEqualTo(48);
    }
  }
}
