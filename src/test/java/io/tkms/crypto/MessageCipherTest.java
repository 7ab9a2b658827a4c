package io.tkms.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.SecretBytes;
import io.tkms.error.ErrorCode;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCipherTest {
  /**
   * Known-answer vectors repeat a key and nonce on purpose: each test gets an engine of its own.
   */
  @BeforeEach
  void freshEngine() {
    Jca.freshAesGcm();
  }

  private static final String APP_ID = "1250000000";
  private static final KeyId KEY_ID = KeyId.parse("3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c");

  static List<CiphertextVector> vectors() {
    return CiphertextVector.load();
  }

  @Test
  void vectors_fileHasTheRequiredCases() {
    assertThat(vectors())
        .extracting(CiphertextVector::name)
        .contains("empty-context", "non-empty-context", "empty-plaintext", "max-plaintext");
    assertThat(vectors()).anySatisfy(v -> assertThat(v.plaintext()).hasSize(4096));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void seal_withVectorRandomness_reproducesExpectedBlob(CiphertextVector v) {
    FixedRandomSource random = new FixedRandomSource(v.salt(), v.nonce());
    CiphertextBlob blob =
        new MessageCipher(random)
            .seal(
                SecretBytes.copyOf(v.material()),
                KeyId.parse(v.keyId()),
                v.keyVersion(),
                v.appId(),
                EncryptionContext.parse(v.context()),
                v.plaintext());

    assertThat(blob.encodeBase64()).isEqualTo(v.blob());
    assertThat(random.exhausted()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_vectorBlob_returnsPlaintext(CiphertextVector v) {
    CiphertextBlob blob = CiphertextBlob.decodeBase64(v.blob());

    byte[] plaintext = cipher().open(material(v), blob, v.appId(), context(v));

    assertThat(plaintext).isEqualTo(v.plaintext());
    assertThat(blob.keyId()).hasToString(v.keyId());
    assertThat(blob.keyVersion()).isEqualTo(v.keyVersion());
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_withAnySingleByteFlipped_failsWithInvalidCiphertext(CiphertextVector v) {
    byte[] raw = Base64.getDecoder().decode(v.blob());
    for (int i = 0; i < raw.length; i++) {
      for (int mask : new int[] {0x01, 0x80}) {
        byte[] tampered = raw.clone();
        tampered[i] ^= (byte) mask;
        assertInvalidCiphertext(() -> decodeAndOpen(v, tampered));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_truncatedAtEveryLength_failsWithInvalidCiphertext(CiphertextVector v) {
    byte[] raw = Base64.getDecoder().decode(v.blob());
    for (int len = 0; len < raw.length; len++) {
      byte[] truncated = Arrays.copyOf(raw, len);
      assertInvalidCiphertext(() -> decodeAndOpen(v, truncated));
    }
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_withAByteAppended_failsWithInvalidCiphertext(CiphertextVector v) {
    byte[] raw = Base64.getDecoder().decode(v.blob());
    assertInvalidCiphertext(() -> decodeAndOpen(v, Arrays.copyOf(raw, raw.length + 1)));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_withWrongAppId_failsWithInvalidCiphertext(CiphertextVector v) {
    CiphertextBlob blob = CiphertextBlob.decodeBase64(v.blob());
    for (String appId : new String[] {"", v.appId() + "0", "1250000001", v.appId() + " "}) {
      assertInvalidCiphertext(() -> cipher().open(material(v), blob, appId, context(v)));
    }
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_withWrongContext_failsWithInvalidCiphertext(CiphertextVector v) {
    CiphertextBlob blob = CiphertextBlob.decodeBase64(v.blob());
    EncryptionContext wrong =
        context(v).isEmpty() ? EncryptionContext.parse("{\"k\":\"v\"}") : EncryptionContext.EMPTY;
    assertInvalidCiphertext(() -> cipher().open(material(v), blob, v.appId(), wrong));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_withWrongMaterial_failsWithInvalidCiphertext(CiphertextVector v) {
    CiphertextBlob blob = CiphertextBlob.decodeBase64(v.blob());
    byte[] other = v.material().clone();
    other[31] ^= 1;
    assertInvalidCiphertext(
        () -> cipher().open(SecretBytes.wrap(other), blob, v.appId(), context(v)));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void open_withHeaderFieldsRelabelled_failsWithInvalidCiphertext(CiphertextVector v) {
    CiphertextBlob blob = CiphertextBlob.decodeBase64(v.blob());
    CiphertextBlob otherVersion =
        new CiphertextBlob(
            blob.formatVersion(),
            blob.keyId(),
            blob.keyVersion() == 1 ? 2 : 1,
            blob.salt(),
            blob.nonce(),
            blob.sealed());
    KeyId otherId = KEY_ID.equals(blob.keyId()) ? KeyId.random(RandomSource.secure()) : KEY_ID;
    CiphertextBlob otherKey =
        new CiphertextBlob(
            blob.formatVersion(),
            otherId,
            blob.keyVersion(),
            blob.salt(),
            blob.nonce(),
            blob.sealed());
    assertInvalidCiphertext(() -> cipher().open(material(v), otherVersion, v.appId(), context(v)));
    assertInvalidCiphertext(() -> cipher().open(material(v), otherKey, v.appId(), context(v)));
  }

  @Test
  void open_contextAbC_doesNotOpenUnderContextABc() {
    EncryptionContext abC = EncryptionContext.parse("{\"ab\":\"c\"}");
    EncryptionContext aBc = EncryptionContext.parse("{\"a\":\"bc\"}");
    SecretBytes material = SecretBytes.wrap(new byte[32]);
    MessageCipher cipher = new MessageCipher(RandomSource.secure());
    CiphertextBlob blob = cipher.seal(material, KEY_ID, 1, APP_ID, abC, new byte[] {1, 2, 3});

    assertThat(cipher.open(material, blob, APP_ID, abC)).containsExactly(1, 2, 3);
    assertInvalidCiphertext(() -> cipher.open(material, blob, APP_ID, aBc));
  }

  @Test
  void open_contextInAnotherJsonSpelling_succeeds() {
    SecretBytes material = SecretBytes.wrap(new byte[32]);
    MessageCipher cipher = new MessageCipher(RandomSource.secure());
    CiphertextBlob blob =
        cipher.seal(
            material,
            KEY_ID,
            1,
            APP_ID,
            EncryptionContext.parse("{\"a\":\"1\",\"b\":\"\\u00e9\"}"),
            new byte[] {9});

    byte[] plaintext =
        cipher.open(
            material, blob, APP_ID, EncryptionContext.parse(" { \"b\" : \"é\" , \"a\":\"1\"}"));

    assertThat(plaintext).containsExactly(9);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "!!!!",
        "AQ",
        "AQ=",
        "AQ==\n",
        " AQ==",
        "AT8q bB6b",
        "AT8q-B6b",
        "AT8q_B6b",
        "====",
        "AQ==AQ==",
        "QR==",
        "AAAA"
      })
  void decodeBase64_garbage_failsWithInvalidCiphertext(String text) {
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(text));
  }

  @Test
  void decodeBase64_vectorWithUrlAlphabetOrWhitespace_failsWithInvalidCiphertext() {
    String good = vectors().get(0).blob();
    assertThat(good).contains("/").contains("+");
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(good.replace('/', '_')));
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(good.replace('+', '-')));
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(good + "\n"));
    assertInvalidCiphertext(() -> CiphertextBlob.decodeBase64(good.replace("==", "")));
  }

  @Test
  void seal_withSecureRandom_roundTripsAndNeverRepeats() {
    SecretBytes material = SecretBytes.wrap(new byte[32]);
    MessageCipher cipher = new MessageCipher(RandomSource.secure());
    byte[] plaintext = "same message".getBytes(StandardCharsets.UTF_8);

    CiphertextBlob a = cipher.seal(material, KEY_ID, 1, APP_ID, EncryptionContext.EMPTY, plaintext);
    CiphertextBlob b = cipher.seal(material, KEY_ID, 1, APP_ID, EncryptionContext.EMPTY, plaintext);

    assertThat(a.encode()).isNotEqualTo(b.encode());
    assertThat(cipher.open(material, a, APP_ID, EncryptionContext.EMPTY)).isEqualTo(plaintext);
    assertThat(cipher.open(material, b, APP_ID, EncryptionContext.EMPTY)).isEqualTo(plaintext);
  }

  @Test
  void seal_withMaterialNot32Bytes_isRejected() {
    MessageCipher cipher = new MessageCipher(RandomSource.secure());
    assertThatThrownBy(
            () ->
                cipher.seal(
                    SecretBytes.wrap(new byte[16]),
                    KEY_ID,
                    1,
                    APP_ID,
                    EncryptionContext.EMPTY,
                    new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sealAndOpen_fromManyThreads_allRoundTrip() throws Exception {
    MessageCipher cipher = new MessageCipher(RandomSource.secure());
    SecretBytes material = SecretBytes.wrap(new byte[32]);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 64; t++) {
        byte[] plaintext = new byte[t * 7];
        Arrays.fill(plaintext, (byte) t);
        EncryptionContext ctx = EncryptionContext.parse("{\"t\":\"" + t + "\"}");
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    CiphertextBlob blob = cipher.seal(material, KEY_ID, 1, APP_ID, ctx, plaintext);
                    if (!Arrays.equals(cipher.open(material, blob, APP_ID, ctx), plaintext)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] decodeAndOpen(CiphertextVector v, byte[] raw) {
    return cipher().open(material(v), CiphertextBlob.decode(raw), v.appId(), context(v));
  }

  private static MessageCipher cipher() {
    return new MessageCipher(
        out -> {
          throw new AssertionError("open must not draw randomness");
        });
  }

  private static SecretBytes material(CiphertextVector v) {
    return SecretBytes.copyOf(v.material());
  }

  private static EncryptionContext context(CiphertextVector v) {
    return EncryptionContext.parse(v.context());
  }

  private static void assertInvalidCiphertext(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KmsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CIPHERTEXT));
  }
}
