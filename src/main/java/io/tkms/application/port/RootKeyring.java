package io.tkms.application.port;

import java.util.SortedSet;

/**
 * The HSA seen by whoever manages root keys (start-up, rotation, the re-wrap job, destruction): the
 * root-key versions it holds, and their custody. Blocking methods run in the {@link
 * CryptoExecutor}; the others are cheap and safe on any thread.
 */
public interface RootKeyring extends Hsa, AutoCloseable {
  /** {@code software} or {@code pkcs11}: what the {@code root_keys.custody} column records. */
  String custody();

  /** The versions open in this process, ascending. */
  SortedSet<Integer> versions();

  /** True when material wrapped under {@code version} can be opened here. */
  boolean opens(int version);

  /**
   * Creates the key of a new version in custody, open but not yet used for new wraps. Blocking.
   *
   * @return what Postgres keeps for it (the software seal: the key wrapped under its keyring key; a
   *     token: {@code null}, the token object is the key)
   */
  byte[] create(int version);

  /** Opens {@code version} from what Postgres keeps for it. Blocking. */
  void open(int version, byte[] stored);

  /** New wraps use {@code version} from now on; it must be open. */
  void use(int version);

  /** Forgets {@code version} in this process (its key bytes, if any, are zeroed). */
  void forget(int version);

  /**
   * Destroys {@code version} in custody for good (a token deletes its object), then forgets it.
   *
   * @return whether custody held it (false: a token had no such object)
   */
  boolean destroy(int version);

  /**
   * What the keyring key was opened from (the software seal's sealed keyring row), so a rotation
   * can refuse when the row changed since (a rekey: this process's keyring key is then stale);
   * {@code null} for a token.
   */
  byte[] keyringSeal();

  /** Releases what the custody holds (a token's PIN). */
  @Override
  default void close() {}

  /** Whether the custody answered at its last use or probe. */
  boolean up();

  /** Asks the custody whether it answers, re-opening a lost session when it does. Blocking. */
  boolean probe();
}
