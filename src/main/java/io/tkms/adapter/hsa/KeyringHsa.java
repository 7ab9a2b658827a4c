package io.tkms.adapter.hsa;

import io.tkms.application.port.RootKeyring;
import io.tkms.domain.SecretBytes;
import io.tkms.error.KmsException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What both custodies share: the versions held (each an AES-256-GCM key, in memory or in a token),
 * the version new wraps use, and the format of wrapped material, {@code nonce (12) || AES-256-GCM}
 * with the wrap context as AAD. The nonce comes from the HSA's random source. Subclasses say how a
 * version's key is created, opened, used and destroyed.
 */
public abstract class KeyringHsa implements RootKeyring {
  protected static final int NONCE = 12;
  protected static final int TAG = 16;
  protected static final int KEY = 32;

  /** One version's key, wherever it lives. */
  protected interface VersionKey {
    /** {@code ciphertext || tag}. */
    byte[] seal(byte[] nonce, byte[] plaintext, byte[] aad);

    /**
     * Opens {@code in[off, off + len)}.
     *
     * @throws KmsException INTERNAL_ERROR when the bytes fail their integrity check
     */
    byte[] open(byte[] nonce, byte[] in, int off, int len, byte[] aad);

    /** Zeroes what this process holds of the key. */
    void forget();
  }

  private final ConcurrentHashMap<Integer, VersionKey> keys = new ConcurrentHashMap<>();
  private volatile int current;

  /** Adds an opened version (replacing and forgetting an earlier object for it). */
  protected final void hold(int version, VersionKey key) {
    VersionKey old = keys.put(version, key);
    if (old != null && old != key) {
      old.forget();
    }
  }

  /** The key of {@code version}, or empty. */
  protected final VersionKey key(int version) {
    return keys.get(version);
  }

  @Override
  public final int rootVersion() {
    return current;
  }

  @Override
  public final SortedSet<Integer> versions() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(keys.keySet()));
  }

  @Override
  public final boolean opens(int version) {
    return keys.containsKey(version);
  }

  /** Only ever moves forward: a late caller naming an older version changes nothing. */
  @Override
  public final synchronized void use(int version) {
    if (!keys.containsKey(version)) {
      throw new IllegalStateException("root-key version " + version + " is not open");
    }
    if (version > current) {
      current = version;
    }
  }

  @Override
  public void forget(int version) {
    if (version == current) {
      throw new IllegalStateException("root-key version " + version + " is in use");
    }
    VersionKey k = keys.remove(version);
    if (k != null) {
      k.forget();
    }
  }

  @Override
  public Wrapped generateWrapped(String context, int length) {
    byte[] material = new byte[length];
    try {
      random(material);
      return wrap(material, context);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  @Override
  public final Wrapped wrap(byte[] secret, String context) {
    int version = current;
    VersionKey key = keys.get(version);
    if (key == null) {
      throw KmsException.internal("no root key is in use");
    }
    byte[] nonce = new byte[NONCE];
    random(nonce);
    byte[] ct = key.seal(nonce, secret, context.getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[NONCE + ct.length];
    System.arraycopy(nonce, 0, out, 0, NONCE);
    System.arraycopy(ct, 0, out, NONCE, ct.length);
    return new Wrapped(version, out);
  }

  @Override
  public final SecretBytes unwrap(Wrapped wrapped, String context) {
    byte[] w = wrapped.bytes();
    VersionKey key = keys.get(wrapped.rootVersion());
    if (key == null || w.length < NONCE + TAG) {
      throw KmsException.internal(
          "wrapped material for root-key version " + wrapped.rootVersion() + " cannot be opened");
    }
    return SecretBytes.wrap(
        key.open(
            Arrays.copyOf(w, NONCE),
            w,
            NONCE,
            w.length - NONCE,
            context.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[versions=" + versions() + ", current=" + current + "]";
  }
}
