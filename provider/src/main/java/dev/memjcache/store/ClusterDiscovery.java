package dev.memjcache.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.config.ClusterConfiguration;
import net.spy.memcached.config.NodeEndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a discovery endpoint (ElastiCache node-based clusters, Memorystore for Memcached): reads
 * the node list with {@code config get cluster} at start, then every {@code configPollMillis} on a
 * daemon thread, and hands a list with a newer version to spymemcached's connection ({@link
 * LocatingClient#updateNodes}), which keeps the connections of the servers that stay, opens those
 * of the servers that join, closes those of the servers that leave, and rebuilds the Ketama ring
 * ({@link MemoizingLocator#updateLocator}, {@link Membership}).
 *
 * <p>The reply is AWS's documented format: {@code CONFIG cluster 0 <bytes>}, a data block of two
 * lines, the configuration version (a number that grows with every change) and the nodes as {@code
 * host|ip|port} separated by spaces, then {@code END}. Engines before 1.4.14 answer the same block
 * to {@code get AmazonElastiCache:cluster}, asked when {@code config} is unknown. The block is
 * parsed by the fork's {@code AddrUtil.parseClusterTypeConfiguration}. A node whose IP is empty is
 * resolved from its host name here, so every list names its servers by IP and host name alike.
 *
 * <p>A failed poll keeps the current list and is logged (WARN on the first failure in a row, then
 * at most once a minute); a list with an older or equal version is ignored. Thread-safe.
 */
final class ClusterDiscovery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterDiscovery.class);

  /** The longest reply read: far above 64 KiB, the most nodes a cluster lists. */
  private static final int MAX_REPLY_BYTES = 1 << 20;

  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ServerSockets sockets;
  private final InetSocketAddress endpoint;
  private final int timeoutMillis;
  private final ScheduledExecutorService poller;
  private volatile ClusterConfiguration current;
  private int failuresInARow;
  private long lastWarnNanos;

  private ClusterDiscovery(
      ServerSockets sockets,
      InetSocketAddress endpoint,
      int timeoutMillis,
      ClusterConfiguration first) {
    this.sockets = sockets;
    this.endpoint = endpoint;
    this.timeoutMillis = timeoutMillis;
    this.current = first;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "memjcache-discovery-" + name(endpoint));
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Reads the node list once, for the client's first servers.
   *
   * @param sockets how to reach the endpoint (plain or TLS, as the servers)
   * @param endpoint the discovery endpoint (option {@code configEndpoint})
   * @param timeoutMillis connect and read timeout, in milliseconds
   * @return the list, each node with its IP
   * @throws StoreFailureException when the endpoint cannot be reached, does not answer the
   *     discovery commands, or answers something else than AWS's format; the message says which
   */
  static ClusterConfiguration readOnce(
      ServerSockets sockets, InetSocketAddress endpoint, int timeoutMillis) {
    try {
      return read(sockets, endpoint, timeoutMillis);
    } catch (IOException e) {
      throw new StoreFailureException(
          "cannot read the node list from discovery endpoint " + name(endpoint) + ": " + e, e);
    }
  }

  /** The servers of {@code config}, for the client: host name and IP (see the class javadoc). */
  static List<InetSocketAddress> addresses(ClusterConfiguration config) {
    List<InetSocketAddress> servers = new ArrayList<>();
    for (NodeEndPoint node : config.getCacheNodeEndPoints()) {
      try {
        servers.add(
            new InetSocketAddress(
                InetAddress.getByAddress(
                    node.getHostName(), InetAddress.getByName(node.getIpAddress()).getAddress()),
                node.getPort()));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("resolved above: " + node, e);
      }
    }
    return servers;
  }

  /**
   * Starts polling every {@code pollMillis}; the first poll is one interval from now.
   *
   * @param client the connection that takes the new lists
   * @param first the list the client was built with ({@link #readOnce})
   * @return the running poller; {@link #close} stops it
   */
  static ClusterDiscovery start(
      ServerSockets sockets,
      InetSocketAddress endpoint,
      int timeoutMillis,
      long pollMillis,
      ClusterConfiguration first,
      LocatingClient client) {
    ClusterDiscovery discovery = new ClusterDiscovery(sockets, endpoint, timeoutMillis, first);
    discovery.poller.scheduleWithFixedDelay(
        () -> discovery.poll(client), pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    return discovery;
  }

  private void poll(LocatingClient client) {
    ClusterConfiguration next;
    try {
      next = read(sockets, endpoint, timeoutMillis);
    } catch (IOException | RuntimeException e) {
      failuresInARow++;
      long now = System.nanoTime();
      if (failuresInARow == 1 || now - lastWarnNanos > WARN_EVERY_NANOS) {
        lastWarnNanos = now;
        LOG.warn(
            "discovery endpoint {} did not answer ({} polls in a row, last: {}); keeping the"
                + " {} servers of configuration version {}",
            name(endpoint),
            failuresInARow,
            e.toString(),
            current.getCacheNodeEndPoints().size(),
            current.getConfigVersion());
      }
      return;
    }
    if (failuresInARow > 0) {
      LOG.info("discovery endpoint {} answers again", name(endpoint));
      failuresInARow = 0;
    }
    if (next.getConfigVersion() <= current.getConfigVersion()) {
      return;
    }
    LOG.info(
        "discovery endpoint {}: configuration version {} -> {}, servers {}",
        name(endpoint),
        current.getConfigVersion(),
        next.getConfigVersion(),
        describe(next));
    current = next;
    client.updateNodes(next);
  }

  /** Stops polling; the client keeps its current servers. */
  @Override
  public void close() {
    poller.shutdownNow();
  }

  private static ClusterConfiguration read(
      ServerSockets sockets, InetSocketAddress endpoint, int timeoutMillis) throws IOException {
    InetSocketAddress resolved =
        endpoint.isUnresolved()
            ? new InetSocketAddress(endpoint.getHostString(), endpoint.getPort())
            : endpoint;
    try (Socket socket = sockets.open(resolved, timeoutMillis)) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("config get cluster\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String header = line(in);
      if (header.equals("ERROR") || header.startsWith("CLIENT_ERROR")) {
        // an engine before 1.4.14: the same block under a key
        out.write("get AmazonElastiCache:cluster\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        header = line(in);
      }
      String[] words = header.split(" ");
      boolean block =
          words.length == 4
              && (words[0].equals("CONFIG") && words[1].equals("cluster")
                  || words[0].equals("VALUE") && words[1].equals("AmazonElastiCache:cluster"));
      if (!block) {
        throw new IOException(
            "it answered '"
                + abbreviate(header)
                + "' to 'config get cluster' and 'get AmazonElastiCache:cluster': not a discovery"
                + " endpoint (ElastiCache node-based, Memorystore for Memcached); a plain memcached"
                + " server or proxy belongs in the server list instead");
      }
      int length = Integer.parseInt(words[3]);
      if (length < 0 || length > MAX_REPLY_BYTES) {
        throw new IOException("it announced a reply of " + length + " bytes");
      }
      byte[] data = in.readNBytes(length);
      if (data.length != length) {
        throw new IOException("the connection closed within the reply");
      }
      line(in); // the block's own \r\n
      String end = line(in);
      if (!end.equals("END")) {
        throw new IOException("the reply ended with '" + abbreviate(end) + "', not END");
      }
      return resolvedIps(
          AddrUtil.parseClusterTypeConfiguration(new String(data, StandardCharsets.US_ASCII)));
    } catch (IllegalArgumentException e) { // the fork's parser, NumberFormatException included
      throw new IOException("its node list is not in AWS's format (" + e.getMessage() + ")", e);
    }
  }

  /** Every node with an IP: an empty one is resolved from the host name now. */
  private static ClusterConfiguration resolvedIps(ClusterConfiguration config) throws IOException {
    List<NodeEndPoint> nodes = new ArrayList<>();
    for (NodeEndPoint node : config.getCacheNodeEndPoints()) {
      String ip = node.getIpAddress();
      if (ip == null || ip.isEmpty()) {
        try {
          ip = InetAddress.getByName(node.getHostName()).getHostAddress();
        } catch (UnknownHostException e) {
          throw new IOException("node " + node.getHostName() + " has no IP and does not resolve");
        }
      }
      nodes.add(new NodeEndPoint(node.getHostName(), ip, node.getPort()));
    }
    if (nodes.isEmpty()) {
      throw new IOException("its node list is empty");
    }
    return new ClusterConfiguration(config.getConfigVersion(), nodes);
  }

  /** One {@code \r\n}-terminated line, without the terminator. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed within the reply");
      }
      if (b == '\n' && previous == '\r') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
      }
      if (line.size() > 1024) {
        throw new IOException("a reply line is longer than 1024 bytes");
      }
      line.write(b);
      previous = b;
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private static String describe(ClusterConfiguration config) {
    List<String> names = new ArrayList<>();
    for (NodeEndPoint node : config.getCacheNodeEndPoints()) {
      names.add(node.getHostName() + "|" + node.getIpAddress() + "|" + node.getPort());
    }
    return names.toString();
  }

  static String name(InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    return address.getHostString() + ":" + address.getPort();
  }
}
