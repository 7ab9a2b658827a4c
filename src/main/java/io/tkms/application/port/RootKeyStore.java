package io.tkms.application.port;

import io.vertx.core.Future;
import java.util.Optional;

/** Where the sealed root key lives (Postgres). Non-blocking. */
public interface RootKeyStore {
  record SealedRootKey(int version, byte[] sealed) {}

  Future<Optional<SealedRootKey>> loadCurrent();

  Future<Void> insert(SealedRootKey key);
}
