package dev.memjcache.store;

import dev.memjcache.config.Credentials;
import dev.memjcache.config.MemcachedProtocol;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Stores of the store package's tests: plain TCP, no SASL, servers reached directly. */
final class PlainStores {
  private PlainStores() {}

  /**
   * Connects to {@code servers} on loopback (5 s connect timeout).
   *
   * @param operationTimeoutMillis the operation timeout, in milliseconds
   */
  static MemcachedStore connect(
      List<MemcachedProcess> servers, long operationTimeoutMillis, MemcachedProtocol protocol) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (MemcachedProcess server : servers) {
      addresses.add(new InetSocketAddress("127.0.0.1", server.port()));
    }
    return MemcachedStore.connect(
        addresses,
        operationTimeoutMillis,
        5_000,
        Credentials.NONE,
        MemcachedStore.ClusterOptions.DEFAULTS,
        protocol,
        MemcachedStore.Topology.DIRECT,
        ServerSockets.PLAIN);
  }
}
