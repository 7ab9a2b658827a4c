package io.tkms.it;

import io.tkms.adapter.hsa.software.SoftwareHsa;
import io.tkms.crypto.RandomSource;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Base64;
import java.util.List;

/** Opens a database's software seal the way a server does, for tests that check rows directly. */
final class StoredRootKeys {
  private StoredRootKeys() {}

  /** Every recorded software version opened, the newest in use. */
  static SoftwareHsa openSoftware(String pgUrl, String unsealKeyBase64) {
    List<Row> keyring =
        TestPostgres.query(pgUrl, "SELECT sealed FROM root_keyring WHERE id = 1", Tuple.tuple());
    SoftwareHsa hsa =
        SoftwareHsa.openKeyring(
            Base64.getDecoder().decode(unsealKeyBase64),
            keyring.get(0).getBuffer("sealed").getBytes(),
            RandomSource.secure());
    int newest = 0;
    for (Row r :
        TestPostgres.query(
            pgUrl,
            "SELECT version, sealed FROM root_keys WHERE custody = 'software' ORDER BY version",
            Tuple.tuple())) {
      hsa.open(r.getInteger("version"), r.getBuffer("sealed").getBytes());
      newest = r.getInteger("version");
    }
    hsa.use(newest);
    return hsa;
  }
}
