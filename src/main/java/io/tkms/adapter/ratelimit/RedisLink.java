package io.tkms.adapter.ratelimit;

import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * One open Lettuce connection to the shared Redis: to one server (named directly or found through
 * Sentinel) or to a Redis Cluster (which routes each key to its slot's master). Everything this
 * package sends is single-key, or several keys in one hash slot, so both serve every caller. Safe
 * from any thread.
 */
sealed interface RedisLink permits RedisLink.Server, RedisLink.Cluster {
  /** The commands shared by both kinds of connection; asynchronous, never blocking. */
  RedisClusterAsyncCommands<String, byte[]> commands();

  /** The connection itself (open?, close, command timeout). */
  StatefulConnection<String, byte[]> stateful();

  /** A Bucket4j compare-and-swap proxy-manager builder on this connection. */
  Bucket4jLettuce.LettuceBasedProxyManagerBuilder<String> bucketBuilder();

  /** A connection to one server. */
  record Server(StatefulRedisConnection<String, byte[]> connection) implements RedisLink {
    @Override
    public RedisClusterAsyncCommands<String, byte[]> commands() {
      return connection.async();
    }

    @Override
    public StatefulConnection<String, byte[]> stateful() {
      return connection;
    }

    @Override
    public Bucket4jLettuce.LettuceBasedProxyManagerBuilder<String> bucketBuilder() {
      return Bucket4jLettuce.casBasedBuilder(connection);
    }
  }

  /** A connection to a Redis Cluster (one connection per node behind it, made by Lettuce). */
  record Cluster(StatefulRedisClusterConnection<String, byte[]> connection) implements RedisLink {
    @Override
    public RedisClusterAsyncCommands<String, byte[]> commands() {
      return connection.async();
    }

    @Override
    public StatefulConnection<String, byte[]> stateful() {
      return connection;
    }

    @Override
    public Bucket4jLettuce.LettuceBasedProxyManagerBuilder<String> bucketBuilder() {
      return Bucket4jLettuce.casBasedBuilder(connection);
    }
  }
}
