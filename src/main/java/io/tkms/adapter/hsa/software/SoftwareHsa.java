package io.tkms.adapter.hsa.software;

import io.tkms.adapter.hsa.KeyringHsa;
import io.tkms.crypto.AesGcm;
import io.tkms.crypto.RandomSource;
import io.tkms.domain.SecretBytes;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The software seal: every root-key version lives in this process's memory, and in Postgres only
 * wrapped (AES-256-GCM, AAD {@code tkms/root-key/<version>}) under the keyring key; the keyring key
 * alone is sealed under the operator's unseal key (row {@code root_keyring}). So a replica needs
 * the unseal key only to start: later versions (a rotation on another replica) open under the
 * keyring key it holds, and a new unseal key (seal rekey) re-seals one row. All methods block
 * briefly; call them in the crypto executor.
 */
public final class SoftwareHsa extends KeyringHsa {
  /** Sealed under the unseal key: magic, nonce (12), AES-256-GCM of 32 bytes. */
  private static final byte[] KEYRING_MAGIC = {'T', 'K', 'K', 'R', 1};

  /** Root-key version 1 as stored before the keyring existed, sealed under the unseal key. */
  private static final byte[] LEGACY_MAGIC = {'T', 'K', 'R', 'K', 1};

  private static final byte[] KEYRING_AAD = "tkms/root-keyring".getBytes(StandardCharsets.UTF_8);

  public static final String CUSTODY = "software";

  private final SecretBytes keyringKey;
  private final byte[] keyringSeal;
  private final RandomSource random;

  private SoftwareHsa(SecretBytes keyringKey, byte[] keyringSeal, RandomSource random) {
    this.keyringKey = keyringKey;
    this.keyringSeal = keyringSeal;
    this.random = random;
  }

  /** Thrown when the unseal key does not open what is stored; the message is safe to print. */
  public static final class UnsealException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnsealException(String message) {
      super(message, null, false, false);
    }
  }

  /** An empty keyring under a new keyring key, and that key sealed under {@code unsealKey}. */
  public record Created(SoftwareHsa hsa, byte[] sealedKeyringKey) {}

  /** A new keyring key from {@code random}, sealed under {@code unsealKey} (caller keeps it). */
  public static Created createKeyring(byte[] unsealKey, RandomSource random) {
    checkUnsealKey(unsealKey);
    byte[] k = new byte[KEY];
    random.nextBytes(k);
    SecretBytes key = SecretBytes.wrap(k);
    byte[] sealed = seal(unsealKey, key.bytes(), random);
    return new Created(new SoftwareHsa(key, sealed, random), sealed);
  }

  /**
   * Opens the keyring key (no version yet: {@link #open} each).
   *
   * @throws UnsealException when {@code unsealKey} did not seal it
   */
  public static SoftwareHsa openKeyring(
      byte[] unsealKey, byte[] sealedKeyringKey, RandomSource random) {
    return new SoftwareHsa(
        SecretBytes.wrap(unseal(unsealKey, sealedKeyringKey, KEYRING_MAGIC, KEYRING_AAD)),
        sealedKeyringKey.clone(),
        random);
  }

  /**
   * Opens root-key version 1 as stored before the keyring (sealed under the unseal key) and adds it
   * to this keyring.
   *
   * @return what Postgres keeps for it from now on (wrapped under the keyring key)
   * @throws UnsealException when {@code unsealKey} did not seal it
   */
  public byte[] adoptLegacy(byte[] unsealKey, int version, byte[] legacySealed) {
    byte[] k = unseal(unsealKey, legacySealed, LEGACY_MAGIC, versionAad(version));
    try {
      return adopt(version, k);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  /**
   * Adds a version whose key bytes the caller has (caller keeps and zeroes them).
   *
   * @return what Postgres keeps for it (wrapped under the keyring key)
   */
  public byte[] adopt(int version, byte[] rootKey) {
    if (rootKey.length != KEY) {
      throw new IllegalArgumentException("a root key is 32 bytes");
    }
    hold(version, new MemoryKey(SecretBytes.copyOf(rootKey)));
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    byte[] ct = AesGcm.sealIsolated(keyringKey.bytes(), nonce, rootKey, versionAad(version));
    return concat(nonce, ct);
  }

  /**
   * A copy of version {@code version}'s key bytes, for {@code seal migrate} to import it into a
   * token; the caller closes it.
   */
  public SecretBytes exportForImport(int version) {
    if (!(key(version) instanceof MemoryKey m)) {
      throw new IllegalArgumentException("root-key version " + version + " is not open");
    }
    return SecretBytes.copyOf(m.key.bytes());
  }

  @Override
  public String custody() {
    return CUSTODY;
  }

  @Override
  public byte[] create(int version) {
    byte[] k = new byte[KEY];
    try {
      random.nextBytes(k);
      return adopt(version, k);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  @Override
  public void open(int version, byte[] stored) {
    if (stored == null || stored.length != NONCE + KEY + TAG) {
      throw KmsException.internal("root-key version " + version + " is stored in an unknown form");
    }
    byte[] k =
        AesGcm.openIsolated(
            keyringKey.bytes(),
            Arrays.copyOf(stored, NONCE),
            stored,
            NONCE,
            stored.length - NONCE,
            versionAad(version));
    hold(version, new MemoryKey(SecretBytes.wrap(k)));
  }

  @Override
  public boolean destroy(int version) {
    boolean held = opens(version);
    forget(version);
    return held;
  }

  @Override
  public byte[] keyringSeal() {
    return keyringSeal.clone();
  }

  @Override
  public boolean up() {
    return true;
  }

  @Override
  public boolean probe() {
    return true;
  }

  @Override
  public void random(byte[] out) {
    random.nextBytes(out);
  }

  /** A version's key in this process's memory. */
  private static final class MemoryKey implements VersionKey {
    private final SecretBytes key;

    MemoryKey(SecretBytes key) {
      this.key = key;
    }

    @Override
    public byte[] seal(byte[] nonce, byte[] plaintext, byte[] aad) {
      try {
        return AesGcm.sealIsolated(key.bytes(), nonce, plaintext, aad);
      } catch (IllegalStateException e) {
        // Destroyed (zeroed) while this call was on its way: nothing may be wrapped under it.
        throw KmsException.internal("root-key version destroyed");
      }
    }

    @Override
    public byte[] open(byte[] nonce, byte[] in, int off, int len, byte[] aad) {
      try {
        return AesGcm.openIsolated(key.bytes(), nonce, in, off, len, aad);
      } catch (KmsException e) {
        throw KmsException.internal("wrapped material failed its integrity check");
      } catch (IllegalStateException e) {
        throw KmsException.internal("root-key version destroyed");
      }
    }

    @Override
    public void forget() {
      key.close();
    }
  }

  private static byte[] seal(byte[] unsealKey, byte[] key, RandomSource random) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    byte[] ct = AesGcm.sealIsolated(unsealKey, nonce, key, KEYRING_AAD);
    byte[] out = new byte[KEYRING_MAGIC.length + NONCE + ct.length];
    System.arraycopy(KEYRING_MAGIC, 0, out, 0, KEYRING_MAGIC.length);
    System.arraycopy(nonce, 0, out, KEYRING_MAGIC.length, NONCE);
    System.arraycopy(ct, 0, out, KEYRING_MAGIC.length + NONCE, ct.length);
    return out;
  }

  private static byte[] unseal(byte[] unsealKey, byte[] sealed, byte[] magic, byte[] aad) {
    checkUnsealKey(unsealKey);
    if (sealed.length != magic.length + NONCE + KEY + TAG
        || !Arrays.equals(Arrays.copyOf(sealed, magic.length), magic)) {
      throw new UnsealException("the stored root key has an unknown format");
    }
    try {
      return AesGcm.openIsolated(
          unsealKey,
          Arrays.copyOfRange(sealed, magic.length, magic.length + NONCE),
          sealed,
          magic.length + NONCE,
          sealed.length - magic.length - NONCE,
          aad);
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

  private static byte[] versionAad(int version) {
    return ("tkms/root-key/" + version).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
