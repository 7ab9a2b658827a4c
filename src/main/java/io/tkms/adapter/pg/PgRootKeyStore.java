package io.tkms.adapter.pg;

import io.tkms.application.port.RootKeyStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** The sealed root key in Postgres. */
public final class PgRootKeyStore implements RootKeyStore {
  private final Pool pool;

  public PgRootKeyStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Optional<SealedRootKey>> loadCurrent() {
    return pool.query("SELECT version, sealed FROM root_keys ORDER BY version DESC LIMIT 1")
        .execute()
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.<SealedRootKey>empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(new SealedRootKey(r.getInteger(0), r.getBuffer(1).getBytes()));
            });
  }

  @Override
  public Future<Void> insert(SealedRootKey key) {
    return pool.preparedQuery("INSERT INTO root_keys (version, sealed) VALUES ($1, $2)")
        .execute(Tuple.of(key.version(), Buffer.buffer(key.sealed())))
        .mapEmpty();
  }
}
