package io.tkms.adapter.hsa.software;

import io.tkms.application.port.Hsa;
import io.tkms.application.port.RootKeyStore.SealedRootKey;
import io.tkms.crypto.AesGcm;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.SecretBytes;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A software HSA: the root key lives in this process's memory only, and in Postgres only sealed
 * (AES-256-GCM) under the operator's unseal key. Wrapped material = nonce (12) || AES-256-GCM under
 * the root key, with the wrap context as AAD. All methods block briefly; call them in the crypto
 * executor.
 */
public final class SoftwareHsa implements Hsa {
  private static final byte[] MAGIC = {'T', 'K', 'R', 'K', 1};
  private static final int NONCE = 12;
  private static final int KEY = 32;

  private final int rootVersion;
  private final SecretBytes rootKey;
  private final RandomSource random;

  private SoftwareHsa(int rootVersion, SecretBytes rootKey, RandomSource random) {
    this.rootVersion = rootVersion;
    this.rootKey = rootKey;
    this.random = random;
  }

  /** Thrown when the unseal key does not open the stored root key; the message is safe to print. */
  public static final class UnsealException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsealException(String message) {
      super(message, null, false, false);
    }
  }

  /** The result of creating a root key: the HSA and the sealed form to store. */
  public record Created(SoftwareHsa hsa, SealedRootKey sealed) {}

  /**
   * Creates root key version 1 from the RNG and seals it under {@code unsealKey} (caller keeps it).
   */
  public static Created create(byte[] unsealKey, RandomSource random) {
    checkUnsealKey(unsealKey);
    byte[] root = new byte[KEY];
    random.nextBytes(root);
    int version = 1;
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    byte[] ct = AesGcm.sealIsolated(unsealKey, nonce, root, sealAad(version));
    byte[] sealed = new byte[MAGIC.length + NONCE + ct.length];
    System.arraycopy(MAGIC, 0, sealed, 0, MAGIC.length);
    System.arraycopy(nonce, 0, sealed, MAGIC.length, NONCE);
    System.arraycopy(ct, 0, sealed, MAGIC.length + NONCE, ct.length);
    return new Created(
        new SoftwareHsa(version, SecretBytes.wrap(root), random),
        new SealedRootKey(version, sealed));
  }

  /**
   * Opens a stored root key.
   *
   * @throws UnsealException when {@code unsealKey} is not the key that sealed it
   */
  public static SoftwareHsa open(byte[] unsealKey, SealedRootKey stored, RandomSource random) {
    checkUnsealKey(unsealKey);
    byte[] s = stored.sealed();
    if (s.length != MAGIC.length + NONCE + KEY + 16
        || !Arrays.equals(Arrays.copyOf(s, MAGIC.length), MAGIC)) {
      throw new UnsealException("the stored root key has an unknown format");
    }
    byte[] nonce = Arrays.copyOfRange(s, MAGIC.length, MAGIC.length + NONCE);
    try {
      byte[] root =
          AesGcm.openIsolated(
              unsealKey,
              nonce,
              s,
              MAGIC.length + NONCE,
              s.length - MAGIC.length - NONCE,
              sealAad(stored.version()));
      return new SoftwareHsa(stored.version(), SecretBytes.wrap(root), random);
    } catch (KmsException e) {
      throw new UnsealException(
          "the unseal key does not open the root key stored in this database: refusing to start."
              + " Give the unseal key this database was initialised with (KMS_UNSEAL_KEY or KMS_UNSEAL_KEY_FILE).");
    }
  }

  private static void checkUnsealKey(byte[] unsealKey) {
    if (unsealKey.length != KEY) {
      throw new UnsealException("the unseal key must be 32 bytes (base64 of 32 random bytes)");
    }
  }

  private static byte[] sealAad(int version) {
    return ("tkms/root-key/" + version).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public int rootVersion() {
    return rootVersion;
  }

  @Override
  public Wrapped generateWrapped(String context) {
    byte[] material = new byte[KEY];
    try {
      random.nextBytes(material);
      return wrap(material, context);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  @Override
  public Wrapped wrap(byte[] secret, String context) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    byte[] ct =
        AesGcm.sealIsolated(
            rootKey.bytes(), nonce, secret, context.getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[NONCE + ct.length];
    System.arraycopy(nonce, 0, out, 0, NONCE);
    System.arraycopy(ct, 0, out, NONCE, ct.length);
    return new Wrapped(rootVersion, out);
  }

  @Override
  public SecretBytes unwrap(Wrapped wrapped, String context) {
    byte[] w = wrapped.bytes();
    if (wrapped.rootVersion() != rootVersion || w.length < NONCE + 16) {
      throw KmsException.internal(
          "wrapped material for root-key version " + wrapped.rootVersion() + " cannot be opened");
    }
    try {
      return SecretBytes.wrap(
          AesGcm.openIsolated(
              rootKey.bytes(),
              Arrays.copyOf(w, NONCE),
              w,
              NONCE,
              w.length - NONCE,
              context.getBytes(StandardCharsets.UTF_8)));
    } catch (KmsException e) {
      throw KmsException.internal("wrapped material failed its integrity check");
    }
  }

  @Override
  public void random(byte[] out) {
    random.nextBytes(out);
  }

  @Override
  public String toString() {
    return "SoftwareHsa[rootVersion=" + rootVersion + "]";
  }
}
