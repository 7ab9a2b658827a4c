package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.kms.v20190118.KmsClient;
import com.tencentcloudapi.kms.v20190118.models.*;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetParametersForImport's "the last call wins" against an import already under way, on a real
 * Postgres: an ImportKeyMaterial whose token was checked, and whose transaction then waits for the
 * key's row, is refused when new parameters commit before it writes; it never stores material under
 * a token that is no longer the key's.
 */
class ImportTokenRaceIT {
  // Generous deadlines: the import waits on a row lock while the test makes a wrapping key.
  @RegisterExtension
  static final TestServer server =
      TestServer.perClass()
          .withEnv(
              e -> {
                e.put("KMS_PG_QUERY_TIMEOUT_MS", "20000");
                e.put("KMS_REQUEST_TIMEOUT_MS", "30000");
              });

  @Test
  void parametersCommittedWhileAnImportWaits_win_theImportIsRefused_andNothingIsStored()
      throws Exception {
    KmsClient kms = server.sdkClient("ap-guangzhou");
    String keyId = ImportIT.externalKey(kms, "raced");
    String algorithm = "RSAES_OAEP_SHA_256";
    GetParametersForImportResponse first = ImportIT.parameters(kms, keyId, algorithm);
    String wrapped = ImportIT.wrapInJava(first.getPublicKey(), algorithm, ImportIT.random(32));

    Vertx vertx = Vertx.vertx();
    try {
      Pool pool =
          PgBuilder.pool()
              .connectingTo(PgConnectOptions.fromUri(server.databaseUrl()))
              .using(vertx)
              .build();
      SqlConnection conn = pool.getConnection().await();
      Transaction tx = conn.begin().await();
      conn.preparedQuery("SELECT 1 FROM cmks WHERE key_id = $1 FOR UPDATE")
          .execute(Tuple.of(UUID.fromString(keyId)))
          .await();

      CompletableFuture<String> imported =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  ImportIT.importMaterial(kms, keyId, first.getImportToken(), wrapped, 0L);
                  return null;
                } catch (TencentCloudSDKException e) {
                  return e.getErrorCode();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // The import has checked its token and opened the material; its transaction waits for the
      // row this test holds.
      eventually(
          Duration.ofSeconds(15),
          () ->
              assertThat(
                      TestPostgres.query(
                              server.databaseUrl(),
                              "SELECT count(*) FROM pg_stat_activity WHERE datname ="
                                  + " current_database() AND wait_event_type = 'Lock'",
                              Tuple.tuple())
                          .get(0)
                          .getLong(0))
                  .isPositive());
      GetParametersForImportResponse second = ImportIT.parameters(kms, keyId, algorithm);
      assertThat(second.getImportToken()).isNotEqualTo(first.getImportToken());
      tx.rollback().await();
      conn.close().await();
      pool.close().await();

      assertThat(imported.get(30, TimeUnit.SECONDS))
          .as("an import whose token was replaced while it waited")
          .isEqualTo("InvalidParameter");
      DescribeKeyRequest d = new DescribeKeyRequest();
      d.setKeyId(keyId);
      assertThat(kms.DescribeKey(d).getKeyMetadata().getKeyState()).isEqualTo("PendingImport");

      // The current parameters import as usual.
      ImportIT.importMaterial(
          kms,
          keyId,
          second.getImportToken(),
          ImportIT.wrapInJava(second.getPublicKey(), algorithm, ImportIT.random(32)),
          0L);
      ImportIT.roundTrip(kms, keyId);
    } finally {
      vertx.close().await();
    }
  }
}
