package dev.memjcache.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.config.ClusterConfiguration;
import net.spy.memcached.ops.Operation;

/**
 * A spymemcached client that exposes its live node locator: {@link #getNodeLocator()} returns a
 * read-only copy with new node objects on every call, while {@link NodeHealth} and the per-server
 * commands ({@code broadcastOp} to one node) need the client's own nodes.
 */
final class LocatingClient extends MemcachedClient {

  LocatingClient(ConnectionFactory factory, List<InetSocketAddress> servers) throws IOException {
    super(factory, servers);
  }

  /**
   * The client's operation factory (in the client's wire protocol), to build a command whose
   * callback is the caller's own: {@link AsyncCommands} completes its futures without
   * spymemcached's {@code OperationFuture}, latch and listener list per command.
   */
  OperationFactory operations() {
    return opFact;
  }

  /**
   * Queues {@code op} for the server of {@code key}, as the client's own commands do.
   *
   * @throws IllegalStateException when the client is shutting down
   * @throws IllegalArgumentException when the key is not a valid memcached key
   */
  void enqueue(String key, Operation op) {
    mconn.enqueueOperation(key, op);
  }

  /**
   * Queues {@code op} on {@code node} itself, as spymemcached's multi-get does with each server's
   * share of the keys (no key routing, no failure-mode redistribution: node health admitted the
   * server).
   *
   * @throws IllegalStateException when the client is shutting down
   */
  void enqueue(MemcachedNode node, Operation op) {
    if (mconn.isShutDown()) {
      throw new IllegalStateException("Shutting down");
    }
    mconn.addOperations(Collections.singletonMap(node, op));
  }

  /**
   * Hands the connection a new node list: its I/O thread keeps the servers that stay (matched by
   * host name and port; a changed IP reconnects), connects the ones that join, closes the ones that
   * leave (their queued commands go to the new owners of their keys) and updates the locator.
   */
  void updateNodes(ClusterConfiguration config) {
    mconn.notifyUpdate(config);
  }

  /** The locator the connection routes with; its nodes are the live ones. */
  NodeLocator locator() {
    return mconn.getLocator();
  }
}
