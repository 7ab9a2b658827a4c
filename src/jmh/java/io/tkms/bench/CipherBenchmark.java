package io.tkms.bench;

import io.tkms.crypto.AesGcm;
import io.tkms.crypto.MessageCipher;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.CiphertextBlob;
import io.tkms.domain.EncryptionContext;
import io.tkms.domain.KeyId;
import io.tkms.domain.SecretBytes;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cipher work of one request: bare AES-256-GCM, and the whole ciphertext path of Encrypt and
 * Decrypt ({@link MessageCipher}: HKDF key derivation per message, AES-GCM, blob encoding and
 * decoding with Base64) for 32 B, 1 KB and 4 KB plaintexts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CipherBenchmark {
  @Param({"32", "1024", "4096"})
  int size;

  byte[] key = new byte[32];
  byte[] nonce = new byte[12];
  byte[] aad = new byte[64];
  byte[] plaintext;
  byte[] sealed;
  SecretBytes material;
  MessageCipher cipher;
  KeyId keyId;
  String blobBase64;

  @Setup
  public void setup() {
    SecureRandom r = new SecureRandom();
    r.nextBytes(key);
    r.nextBytes(nonce);
    plaintext = new byte[size];
    r.nextBytes(plaintext);
    sealed = AesGcm.seal(key, nonce.clone(), plaintext, aad);
    openNonce = nonce.clone();
    byte[] m = new byte[32];
    r.nextBytes(m);
    material = SecretBytes.wrap(m);
    cipher = new MessageCipher(RandomSource.secure());
    keyId = KeyId.random(r::nextBytes);
    blobBase64 = encryptToBase64();
  }

  long counter;

  /** A fresh nonce each call, as in production: SunJCE refuses a repeated key+IV (slow path). */
  @Benchmark
  public byte[] aesGcmSeal() {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[i] = (byte) (c >>> (8 * i));
    }
    return AesGcm.seal(key, nonce, plaintext, aad);
  }

  byte[] openNonce;

  @Benchmark
  public byte[] aesGcmOpen() {
    return AesGcm.open(key, openNonce, sealed, aad);
  }

  /** Encrypt's cipher work: random salt and nonce, HKDF, AES-GCM, blob to Base64. */
  @Benchmark
  public String encryptToBase64() {
    return cipher
        .seal(material, keyId, 1, "1250000000", EncryptionContext.EMPTY, plaintext)
        .encodeBase64();
  }

  /** Decrypt's cipher work: Base64 to blob (bounds checks), HKDF, AES-GCM open. */
  @Benchmark
  public byte[] decryptFromBase64() {
    return cipher.open(
        material, CiphertextBlob.decodeBase64(blobBase64), "1250000000", EncryptionContext.EMPTY);
  }
}
