package io.tkms.it;

import static io.tkms.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tkms.adapter.pg.PgChangeBus;
import io.tkms.application.port.ChangeBus.Change;
import io.tkms.application.port.ChangeBus.Kind;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A change is announced to the other replicas even when Postgres refuses the first {@code NOTIFY}:
 * it is sent again; and one that every attempt fails to announce is counted, not silently lost. The
 * database the announcing replica talks to is renamed away (every attempt then fails at once) and
 * back, on a real Postgres.
 */
class ChangeAnnouncementIT {
  Vertx vertx;
  String url;
  String name;
  String other;

  @BeforeEach
  void databases() {
    vertx = Vertx.vertx();
    url = TestPostgres.freshDatabase();
    name = PgConnectOptions.fromUri(url).getDatabase();
    other = TestPostgres.freshDatabase();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  Pool pool(String databaseUrl) {
    return PgBuilder.pool()
        .connectingTo(PgConnectOptions.fromUri(databaseUrl))
        .with(new PoolOptions().setMaxSize(2))
        .using(vertx)
        .build();
  }

  void rename(String from, String to) {
    TestPostgres.query(other, "ALTER DATABASE " + from + " RENAME TO " + to, Tuple.tuple());
  }

  @Test
  void aRefusedAnnouncement_isSentAgain_andReachesTheOtherReplicas() throws Exception {
    rename(name, name + "_away");
    PgChangeBus announcing =
        new PgChangeBus(vertx, pool(url), PgConnectOptions.fromUri(url), 3_000, 3_000);
    List<Change> seenHere = new CopyOnWriteArrayList<>();
    announcing.subscribe(seenHere::add);

    announcing.publish(new Change(Kind.KEY, "k-1"));
    // Applied here at once, whatever the database does.
    assertThat(seenHere).containsExactly(new Change(Kind.KEY, "k-1"));

    // The database comes back while the announcement waits for its next attempt (its first one,
    // refused within milliseconds, is long over); another replica listens there.
    Thread.sleep(1_000);
    rename(name + "_away", name);
    PgChangeBus listening = new PgChangeBus(vertx, pool(url), PgConnectOptions.fromUri(url), 1_500);
    List<Change> seenThere = new CopyOnWriteArrayList<>();
    listening.subscribe(seenThere::add);
    listening.start().await();

    eventually(
        Duration.ofSeconds(15), () -> assertThat(seenThere).contains(new Change(Kind.KEY, "k-1")));
    assertThat(announcing.lostAnnouncements()).isZero();
    listening.close();
    announcing.close();
  }

  @Test
  void anAnnouncementEveryAttemptFails_isCounted() {
    rename(name, name + "_away");
    PgChangeBus announcing =
        new PgChangeBus(vertx, pool(url), PgConnectOptions.fromUri(url), 50, 50);
    announcing.publish(new Change(Kind.KEY, "k-2"));
    announcing.publish(new Change(Kind.CREDENTIAL, "s-1"));
    eventually(
        Duration.ofSeconds(15), () -> assertThat(announcing.lostAnnouncements()).isEqualTo(2));
    announcing.close();
    rename(name + "_away", name);
  }
}
