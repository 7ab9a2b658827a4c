package io.tkms.adapter.ratelimit;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Makes {@link RedisLink}s for one deployment: Lettuce's {@link RedisClient} for one server or a
 * Sentinel-watched master (on every reconnect the sentinels are asked for the current master), or
 * its {@link RedisClusterClient} for a Redis Cluster, whose slot map is refreshed periodically and
 * at once on the adaptive triggers (a node redirecting, or reconnecting again and again), so a
 * failover is followed without a restart. Commands time out after the configured timeout and
 * connections reconnect on their own; while disconnected, a server's commands are refused at once
 * and a cluster node's wait for its connection (bounded by the timeout). Holds the password only
 * inside Lettuce's credentials; never logs it.
 */
final class RedisConnector {
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

  /** How often a cluster's slot map is read even when nothing triggered it. */
  static final Duration TOPOLOGY_PERIOD = Duration.ofSeconds(5);

  /** At most one triggered slot-map refresh per this long. */
  static final Duration TOPOLOGY_TRIGGER_PAUSE = Duration.ofSeconds(1);

  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final List<RedisURI> uris;
  private final String where;

  RedisConnector(RedisBackend.Settings settings) {
    Duration timeout = Duration.ofMillis(settings.timeoutMillis());
    this.uris = new ArrayList<>();
    for (String url :
        settings.cluster() ? settings.url().split(",") : new String[] {settings.url()}) {
      RedisURI uri = RedisURI.create(url.strip());
      if (settings.password() != null && settings.password().length > 0) {
        String user = userOf(url.strip());
        RedisCredentials credentials = RedisCredentials.just(user, settings.password().clone());
        uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> credentials));
      }
      // The handshake (HELLO, AUTH) may take longer than one command, especially on a cold JVM.
      uri.setTimeout(HANDSHAKE_TIMEOUT);
      uris.add(uri);
    }
    this.where = describe(uris, settings.cluster());
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    SocketOptions socket =
        SocketOptions.builder().connectTimeout(HANDSHAKE_TIMEOUT).keepAlive(true).build();
    if (settings.cluster()) {
      RedisClusterClient c = RedisClusterClient.create(resources, uris);
      c.setOptions(
          ClusterClientOptions.builder()
              .autoReconnect(true)
              // Not REJECT_COMMANDS as for one server: a cluster connection refuses commands to a
              // node whose connection is still being made (at start, after a failover) although
              // the node is up. Commands wait for it instead, bounded by the command timeout, and
              // the breaker stops the waiting while a node is really gone.
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(timeout))
              .socketOptions(socket)
              .topologyRefreshOptions(
                  ClusterTopologyRefreshOptions.builder()
                      .enablePeriodicRefresh(TOPOLOGY_PERIOD)
                      // Lettuce 7 enables every adaptive trigger by default (MOVED/ASK redirects,
                      // persistent reconnects, uncovered slot, unknown node); only the pause
                      // between triggered refreshes (5 s by default) is shortened here.
                      .adaptiveRefreshTriggersTimeout(TOPOLOGY_TRIGGER_PAUSE)
                      .refreshTriggersReconnectAttempts(3)
                      .build())
              // A node the cluster has marked failed holds no slots: stop reconnecting to it.
              .nodeFilter(
                  n ->
                      !n.is(RedisClusterNode.NodeFlag.FAIL)
                          && !n.is(RedisClusterNode.NodeFlag.NOADDR))
              .build());
      this.client = c;
    } else {
      RedisClient c = RedisClient.create(resources);
      c.setOptions(
          ClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(timeout))
              .socketOptions(socket)
              .build());
      this.client = c;
    }
  }

  /** Opens a new link (for Sentinel: asks the sentinels for the master first). */
  CompletableFuture<RedisLink> connect() {
    if (client instanceof RedisClusterClient c) {
      // Lettuce connects asynchronously only with a slot map: read it first (also on a later
      // reconnect from scratch, when the map in hand may be old).
      return c.refreshPartitionsAsync()
          .toCompletableFuture()
          .thenCompose(loaded -> c.connectAsync(CODEC))
          .thenCompose(RedisConnector::openMasters)
          .thenApply(RedisLink.Cluster::new);
    }
    return ((RedisClient) client)
        .connectAsync(CODEC, uris.get(0))
        .toCompletableFuture()
        .thenApply(RedisLink.Server::new);
  }

  /**
   * Opens the connection to every master now: Lettuce opens a node's connection on its first
   * command, which would otherwise spend part of the first requests' command timeout. Best effort.
   */
  private static CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> openMasters(
      StatefulRedisClusterConnection<String, byte[]> conn) {
    CompletableFuture<?>[] opening =
        conn.getPartitions().stream()
            .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM))
            .map(n -> conn.getConnectionAsync(n.getNodeId()).handle((c, err) -> null))
            .toArray(CompletableFuture<?>[]::new);
    return CompletableFuture.allOf(opening).thenApply(v -> conn);
  }

  /** Where Redis is, for logs: hosts and ports, never credentials. */
  String where() {
    return where;
  }

  boolean cluster() {
    return client instanceof RedisClusterClient;
  }

  void shutdown() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    var unused =
        resources.shutdown(0, 2, TimeUnit.SECONDS); // not awaited: close() does not block on it
  }

  /**
   * The ACL user written before {@code @} ({@code redis://user@host}); null when there is none.
   * Parsed by hand: a Sentinel URL lists several hosts, which {@link java.net.URI} cannot parse.
   */
  static String userOf(String url) {
    int start = url.indexOf("://");
    if (start < 0) {
      return null;
    }
    String rest = url.substring(start + 3);
    int end = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      if (rest.charAt(i) == '/' || rest.charAt(i) == '?') {
        end = i;
        break;
      }
    }
    int at = rest.lastIndexOf('@', end - 1);
    return at <= 0 ? null : rest.substring(0, at);
  }

  private static String describe(List<RedisURI> uris, boolean cluster) {
    if (cluster) {
      return "cluster "
          + uris.stream()
              .map(u -> u.getHost() + ":" + u.getPort())
              .collect(Collectors.joining(","));
    }
    RedisURI u = uris.get(0);
    if (!u.getSentinels().isEmpty()) {
      return "master '"
          + u.getSentinelMasterId()
          + "' via sentinels "
          + u.getSentinels().stream()
              .map(s -> s.getHost() + ":" + s.getPort())
              .collect(Collectors.joining(","));
    }
    return u.getHost() + ":" + u.getPort();
  }
}
