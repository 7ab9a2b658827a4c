package io.tkms.adapter.pg;

import io.tkms.application.port.ChangeBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChangeBus} over Postgres {@code LISTEN/NOTIFY}: every replica listens on one channel; a
 * change is announced with {@code pg_notify} after it committed. The subscription reconnects by
 * itself; every (re)subscription is treated as "everything may have changed", since notifications
 * sent while it was down are lost. An announcement the database refuses is sent again after 0.2, 1,
 * 5 and 15 seconds; one that still fails is counted ({@link #lostAnnouncements}), and the other
 * replicas then hold the change's old state until their cache TTL.
 */
public final class PgChangeBus implements ChangeBus, AutoCloseable {
  static final String CHANNEL = "tkms_changes";
  private static final Logger LOG = LoggerFactory.getLogger(PgChangeBus.class);
  private static final long[] RETRY_MILLIS = {200, 1_000, 5_000, 15_000};
  private final Vertx vertx;
  private final Pool pool;
  private final PgSubscriber subscriber;
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private final long[] retryMillis;
  private final AtomicLong lost = new AtomicLong();

  public PgChangeBus(Vertx vertx, Pool pool, PgConnectOptions options) {
    this(vertx, pool, options, RETRY_MILLIS);
  }

  /** As above, retrying a refused announcement after each of {@code retryMillis} in turn. */
  public PgChangeBus(Vertx vertx, Pool pool, PgConnectOptions options, long... retryMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.retryMillis = retryMillis.clone();
    this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1_000L);
    subscriber
        .channel(CHANNEL)
        .subscribeHandler(v -> deliver(new Change(Kind.ALL, "")))
        .handler(this::onPayload)
        .exceptionHandler(
            e -> LOG.warn("change notifications interrupted: {}", e.getClass().getSimpleName()));
  }

  /** Connects the subscription (retried in the background if the database is away). */
  public Future<Void> start() {
    return subscriber.connect();
  }

  private void onPayload(String payload) {
    int colon = payload == null ? -1 : payload.indexOf(':');
    if (colon <= 0) {
      deliver(new Change(Kind.ALL, ""));
      return;
    }
    try {
      deliver(new Change(Kind.valueOf(payload.substring(0, colon)), payload.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      deliver(new Change(Kind.ALL, ""));
    }
  }

  private void deliver(Change change) {
    for (Consumer<Change> l : listeners) {
      try {
        l.accept(change);
      } catch (RuntimeException e) {
        LOG.warn("change listener failed: {}", e.getClass().getSimpleName());
      }
    }
  }

  @Override
  public void publish(Change change) {
    // This replica applies the change at once; the others (and this one again) through NOTIFY.
    deliver(change);
    announce(change.kind().name() + ":" + change.id(), 0);
  }

  private void announce(String payload, int attempt) {
    pool.preparedQuery("SELECT pg_notify($1, $2)")
        .execute(Tuple.of(CHANNEL, payload))
        .onFailure(
            e -> {
              if (attempt < retryMillis.length) {
                vertx.setTimer(retryMillis[attempt], id -> announce(payload, attempt + 1));
                return;
              }
              lost.incrementAndGet();
              LOG.warn(
                  "could not announce a change in {} attempts ({}): other replicas keep their"
                      + " cached copy until its TTL",
                  attempt + 1,
                  e.getClass().getSimpleName());
            });
  }

  /** Changes never announced to the other replicas, every retry having failed. */
  public long lostAnnouncements() {
    return lost.get();
  }

  @Override
  public void subscribe(Consumer<Change> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    subscriber.close();
  }
}
