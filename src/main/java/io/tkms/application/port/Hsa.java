package io.tkms.application.port;

import io.tkms.domain.SecretBytes;

/**
 * The hardened security appliance: holds the root key and wraps/unwraps key material under it.
 * Every method blocks and must run inside the {@link CryptoExecutor}. The root key never leaves the
 * implementation.
 */
public interface Hsa {
  /** Wrapped bytes plus the root-key version that wrapped them. */
  record Wrapped(int rootVersion, byte[] bytes) {}

  /** The root-key version new wraps use. */
  int rootVersion();

  /**
   * Generates {@code length} bytes of fresh key material from the HSA's RNG (32 for an AES-256 key,
   * 16 for an SM4 key) and returns them wrapped, bound to {@code context} (for example the key id
   * and version).
   */
  Wrapped generateWrapped(String context, int length);

  /** Wraps caller-provided secret bytes (the caller keeps ownership of {@code secret}). */
  Wrapped wrap(byte[] secret, String context);

  /**
   * Unwraps; the caller owns (and must close) the result.
   *
   * @throws io.tkms.error.KmsException INTERNAL_ERROR when the wrapped bytes do not open
   */
  SecretBytes unwrap(Wrapped wrapped, String context);

  /** Fills {@code out} from the HSA's RNG. */
  void random(byte[] out);
}
