package io.tkms.application;

/**
 * What the key cache found for a key id: the {@link LoadedKey} itself (retained for the caller), or
 * {@link Missing} when no key has that id. Sealed, so callers handle both; the found case is the
 * key itself, so a cache hit allocates no wrapper.
 */
public sealed interface KeyLookup permits LoadedKey, KeyLookup.Missing {
  /** No key has that id, in any account or region. */
  enum Missing implements KeyLookup {
    INSTANCE
  }
}
