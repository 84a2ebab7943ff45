package dev.memjcache.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;

/**
 * A spymemcached client that exposes its live node locator: {@link #getNodeLocator()} returns a
 * read-only copy with new node objects on every call, while {@link NodeHealth} and the per-server
 * commands ({@code broadcastOp} to one node) need the client's own nodes.
 */
final class LocatingClient extends MemcachedClient {

  LocatingClient(ConnectionFactory factory, List<InetSocketAddress> servers) throws IOException {
    super(factory, servers);
  }

  /** The locator the connection routes with; its nodes are the live ones. */
  NodeLocator locator() {
    return mconn.getLocator();
  }
}
