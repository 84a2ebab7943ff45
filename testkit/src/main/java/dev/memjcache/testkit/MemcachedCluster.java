package dev.memjcache.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Several private memcached processes on loopback forming one cluster, for tests that kill, hang,
 * restart or add servers. Closing it stops every server.
 */
public final class MemcachedCluster implements AutoCloseable {

  private final List<MemcachedProcess> nodes;
  private final String[] args;

  private MemcachedCluster(List<MemcachedProcess> nodes, String[] args) {
    this.nodes = new ArrayList<>(nodes);
    this.args = args;
  }

  /**
   * Starts {@code count} servers, each with {@code args}.
   *
   * @throws IllegalStateException when the binary is missing or a server does not come up
   */
  public static MemcachedCluster start(int count, String... args) {
    return new MemcachedCluster(MemcachedProcess.startAll(count, args), args);
  }

  /** Starts one more server with the same arguments and adds it to the cluster. */
  public MemcachedProcess addNode() {
    MemcachedProcess node = MemcachedProcess.start(args);
    nodes.add(node);
    return node;
  }

  /** Returns the servers, in start order. */
  public List<MemcachedProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** Returns server {@code i} (0-based, start order). */
  public MemcachedProcess node(int i) {
    return nodes.get(i);
  }

  /** Returns {@code 127.0.0.1:p1,127.0.0.1:p2,...}. */
  public String addresses() {
    return uri().substring("memcached://".length());
  }

  /** Returns {@code memcached://127.0.0.1:p1,127.0.0.1:p2,...}. */
  public String uri() {
    return MemcachedProcess.uriOf(nodes);
  }

  /** Stops every server. */
  @Override
  public void close() {
    nodes.forEach(MemcachedProcess::close);
  }
}
