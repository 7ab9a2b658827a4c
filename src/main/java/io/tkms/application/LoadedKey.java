package io.tkms.application;

import io.tkms.crypto.AsymmetricKey;
import io.tkms.domain.KeyMetadata;
import io.tkms.domain.SecretBytes;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CMK with its unwrapped version material, shared by the key cache and in-flight requests.
 *
 * <p>Reference counted so that eviction never zeroes material a worker is still using: the cache
 * holds one reference; each request {@link #retain()}s before use and {@link #release()}s after.
 * The material is zeroed when the last reference goes.
 */
public final class LoadedKey implements KeyLookup {
  private final KeyMetadata metadata;
  private final Map<Integer, SecretBytes> versions;
  private final AtomicInteger refs = new AtomicInteger(1);

  /** An asymmetric key's parsed key pair, made on first use (on a worker) and kept with the key. */
  private volatile AsymmetricKey keyPair;

  LoadedKey(KeyMetadata metadata, Map<Integer, SecretBytes> versions) {
    this.metadata = metadata;
    this.versions = Map.copyOf(versions);
  }

  public KeyMetadata metadata() {
    return metadata;
  }

  /** True when this key still has the material of {@code version}. */
  boolean hasVersion(int version) {
    return versions.containsKey(version);
  }

  /**
   * The material of {@code version}; valid only while a reference is held.
   *
   * @throws IllegalStateException when the key has no such version (check {@link #hasVersion} first
   *     where a blob names the version)
   */
  SecretBytes material(int version) {
    SecretBytes m = versions.get(version);
    if (m == null) {
      throw new IllegalStateException("no material for version " + version);
    }
    return m;
  }

  /**
   * An asymmetric key's key pair, parsed from its material on first use; valid only while a
   * reference is held. Blocking the first time (parsing): call on a worker.
   *
   * @throws IllegalStateException for a symmetric key
   */
  AsymmetricKey keyPair() {
    AsymmetricKey k = keyPair;
    if (k == null) {
      if (!metadata.usage().isAsymmetric()) {
        throw new IllegalStateException("a symmetric key has no key pair");
      }
      // Two workers may parse at once: both results are equal, the last one stays.
      k =
          AsymmetricKey.parse(
              metadata.usage(),
              material(metadata.currentVersion()).bytes(),
              java.util.Base64.getDecoder().decode(metadata.publicKey()));
      keyPair = k;
    }
    return k;
  }

  /** Takes a reference; false when the key was already released for good. */
  boolean retain() {
    while (true) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      versions.values().forEach(SecretBytes::close);
    }
  }

  @Override
  public String toString() {
    return "LoadedKey[" + metadata.keyId() + ", versions=" + versions.keySet() + "]";
  }
}
