package io.tkms.application.port;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The root-key versions recorded in Postgres, and what each still protects. Postgres never holds a
 * root key in the clear: a software version's row holds it wrapped under the keyring key, a token
 * version's row only says that it exists. Non-blocking.
 */
public interface RootKeyStore {
  /** One recorded version: its custody and what is stored for it ({@code null} for a token). */
  record StoredVersion(int version, String custody, byte[] stored) {}

  /** A version and how many wrapped items still name it. */
  record Usage(int version, String custody, long keyVersions, long credentials, String createdAt) {

    public long items() {
      return keyVersions + credentials;
    }
  }

  /** Every recorded version, ascending. */
  Future<List<StoredVersion>> versions();

  /**
   * Records the next version (the highest plus one) under a lock that serialises rotations (and
   * seal commands) across replicas: {@code create} makes its key (in the crypto executor) and
   * returns what to store.
   *
   * @param keyringSeal the sealed keyring row this process opened (software seal), or null
   * @return the new version
   * @throws io.tkms.error.KmsException (failed future) CONFLICT when the recorded versions are kept
   *     by another custody now, or the keyring row changed (a seal command ran since this process
   *     started: it must restart first)
   */
  Future<Integer> rotate(String custody, byte[] keyringSeal, IntFunction<Future<byte[]>> create);

  /** Every version with its counts, ascending. */
  Future<List<Usage>> usage();

  /**
   * Removes version {@code version}'s record.
   *
   * @throws io.tkms.error.KmsException NOT_FOUND when there is none, CONFLICT while anything is
   *     wrapped under it or it is the newest version
   */
  Future<Void> delete(int version);

  /**
   * Re-wraps up to {@code limit} items wrapped under versions older than {@code hsa}'s current one
   * under it, claiming them with {@code FOR UPDATE SKIP LOCKED} (replicas share the work, a crash
   * loses nothing: what was not committed is still under its old version).
   *
   * @return how many items were re-wrapped
   */
  Future<Integer> rewrapBatch(Hsa hsa, CryptoExecutor executor, int limit);
}
