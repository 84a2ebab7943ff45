package dev.memjcache.store;

import dev.memjcache.config.Credentials;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import net.spy.memcached.config.ClusterConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link MemcachedStore}: the one connect-time check of every server over the configured
 * {@link ServerSockets} ({@link WireProtocol#checkServers}: the TLS handshake when the transport is
 * TLS, then the wire protocol, then SASL), the spymemcached client (that protocol, Ketama over
 * {@link EntryKeyHash}, SASL PLAIN when credentials are given, TLS over {@link TlsSockets}), the
 * wait for its connections, and the servers' item size limit from {@code stats settings}.
 */
final class StoreConnector {

  private static final Logger LOG = LoggerFactory.getLogger(MemcachedStore.class);

  private StoreConnector() {}

  /**
   * See {@link MemcachedStore#connect(List, long, long, Credentials, MemcachedStore.ClusterOptions,
   * dev.memjcache.config.MemcachedProtocol, MemcachedStore.Topology, ServerSockets)}.
   */
  static MemcachedStore connect(
      List<InetSocketAddress> servers,
      long operationTimeoutMillis,
      long connectTimeoutMillis,
      Credentials credentials,
      MemcachedStore.ClusterOptions cluster,
      WireProtocol wire,
      MemcachedStore.Topology topology,
      ServerSockets sockets) {
    ClusterConfiguration discovered = null;
    int discoveryTimeout = (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis);
    if (topology.discovered()) {
      discovered = ClusterDiscovery.readOnce(sockets, topology.configEndpoint(), discoveryTimeout);
      servers = ClusterDiscovery.addresses(discovered);
    }
    List<InetSocketAddress> resolved = new ArrayList<>(servers.size());
    for (InetSocketAddress server : servers) {
      resolved.add(
          server.isUnresolved()
              ? new InetSocketAddress(server.getHostString(), server.getPort())
              : server);
    }
    int checkTimeout = (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis);
    wire.checkServers(sockets, resolved, credentials, checkTimeout);
    EntryKeyHash keyHash = new EntryKeyHash(cluster.keyPrefix());
    Supplier<ConnectionFactoryBuilder> builders =
        () -> builder(credentials, keyHash, operationTimeoutMillis, cluster, wire);
    ConnectionFactoryBuilder factory = builders.get();
    Function<InetSocketAddress, ConnectionFactory> nodeFactories = server -> null;
    if (sockets instanceof TlsSockets tls) {
      tls.configure(factory, resolved.get(0));
      nodeFactories = tls.nodeFactories(builders);
    }
    LocatingClient client;
    try {
      client =
          new LocatingClient(
              new RoutingConnectionFactory(factory.build(), nodeFactories), resolved);
    } catch (Exception e) {
      throw new StoreFailureException("cannot create the memcached client for " + resolved, e);
    }
    awaitConnections(client, connectTimeoutMillis);
    // a proxy does not forward stats (twemproxy closes the connection): its limit is an option
    Map<SocketAddress, Map<String, String>> settings =
        topology.proxy() ? Map.of() : readSettings(client);
    if (!credentials.isPresent()) {
      List<InetSocketAddress> silent = new ArrayList<>();
      for (InetSocketAddress server : resolved) {
        Map<String, String> answer = settings.get(server);
        if (answer == null || answer.isEmpty()) {
          silent.add(server);
        }
      }
      try {
        wire.checkNoneRequired(sockets, silent, checkTimeout);
      } catch (RuntimeException e) {
        client.shutdown(0, TimeUnit.MILLISECONDS);
        throw e;
      }
    }
    MemcachedStore store =
        new MemcachedStore(
            client,
            keyHash,
            operationTimeoutMillis,
            itemSizeLimit(settings, topology.maxItemBytes()),
            cluster,
            wire);
    if (discovered != null) {
      store.followDiscovery(
          ClusterDiscovery.start(
              sockets,
              topology.configEndpoint(),
              discoveryTimeout,
              topology.configPollMillis(),
              discovered,
              client));
    }
    return store;
  }

  /** A builder with the client's settings (a new one per call: a builder's factory reads it). */
  private static ConnectionFactoryBuilder builder(
      Credentials credentials,
      EntryKeyHash keyHash,
      long operationTimeoutMillis,
      MemcachedStore.ClusterOptions cluster,
      WireProtocol wire) {
    ConnectionFactoryBuilder factory = new ConnectionFactoryBuilder();
    if (credentials.isPresent()) {
      factory.setAuthDescriptor(
          new AuthDescriptor(
              new String[] {"PLAIN"},
              new PlainCallbackHandler(credentials.username(), credentials.password())));
    }
    return factory
        .setClientMode(ClientMode.Static)
        .setProtocol(wire.clientProtocol())
        .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
        .setHashAlg(keyHash)
        .setFailureMode(FailureMode.Cancel)
        .setMaxReconnectDelay(Math.max(1, cluster.reconnectDelaySeconds()))
        .setOpTimeout(operationTimeoutMillis)
        .setOpQueueMaxBlockTime(operationTimeoutMillis)
        .setDaemon(true);
  }

  private static void awaitConnections(MemcachedClient client, long connectTimeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
    Collection<MemcachedNode> nodes = client.getNodeLocator().getAll();
    while (System.nanoTime() < deadline && !nodes.stream().allMatch(MemcachedNode::isActive)) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (MemcachedNode node : nodes) {
      if (!node.isActive()) {
        LOG.warn(
            "memcached server {} is not reachable after {} ms; its commands fail until it" + " is",
            node.getSocketAddress(),
            connectTimeoutMillis);
      }
    }
  }

  /** Every server's {@code stats settings}; servers that did not answer are absent or empty. */
  private static Map<SocketAddress, Map<String, String>> readSettings(MemcachedClient client) {
    try {
      return client.getStats("settings");
    } catch (RuntimeException e) {
      LOG.warn("cannot read stats settings from memcached ({})", e.toString());
      return Map.of();
    }
  }

  /**
   * The servers' limit from {@code stats settings}; when no server gave {@code item_size_max} (a
   * proxy, or servers that did not answer), {@code maxItemBytes} (option {@code maxItemBytes}), or
   * memcached's default when that is 0.
   */
  private static ItemSizeLimit itemSizeLimit(
      Map<SocketAddress, Map<String, String>> settings, int maxItemBytes) {
    boolean answered =
        settings.values().stream().anyMatch(answer -> answer.containsKey("item_size_max"));
    if (!answered) {
      return maxItemBytes > 0
          ? new ItemSizeLimit(
              maxItemBytes, Math.min(maxItemBytes, ItemSizeLimit.DEFAULT_SLAB_CHUNK_MAX), true)
          : ItemSizeLimit.DEFAULT;
    }
    try {
      return ItemSizeLimit.fromStatsSettings(settings.values());
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot read the item size limit from memcached ({}); assuming {}",
          e.toString(),
          ItemSizeLimit.DEFAULT);
      return ItemSizeLimit.DEFAULT;
    }
  }
}
