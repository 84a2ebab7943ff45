package dev.memjcache;

import dev.memjcache.config.MemcachedProtocol;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import net.spy.memcached.MemcachedClient;

/** Helpers of the cluster tests: managers over a {@link MemcachedCluster}, where keys live. */
final class ClusterTestSupport {

  private ClusterTestSupport() {}

  /** A manager of a new provider instance (as another JVM would have) over {@code servers}. */
  static MemcachedCacheManager manager(String servers, String options) {
    String uri =
        "memcached://"
            + servers
            + "?allowPackages=dev.memjcache"
            + (options.isEmpty() ? "" : "&" + options);
    return (MemcachedCacheManager)
        new MemcachedCachingProvider()
            .getCacheManager(URI.create(uri), ClusterTestSupport.class.getClassLoader());
  }

  /**
   * The servers' arguments for a test in {@code protocol}: {@code -B ascii} for text, so that a
   * binary command sent by mistake fails instead of being answered.
   */
  static String[] serverArgs(MemcachedProtocol protocol) {
    return protocol == MemcachedProtocol.TEXT ? new String[] {"-B", "ascii"} : new String[0];
  }

  /** {@code options} with the {@code protocol} option for {@code protocol} (none for binary). */
  static String withProtocol(MemcachedProtocol protocol, String options) {
    if (protocol == MemcachedProtocol.BINARY) {
      return options;
    }
    String option = "protocol=" + protocol.optionValue();
    return options.isEmpty() ? option : option + "&" + options;
  }

  /** A manager over every server of {@code cluster}. */
  static MemcachedCacheManager manager(MemcachedCluster cluster, String options) {
    return manager(cluster.addresses(), options);
  }

  /**
   * The port of the server a String key of {@code cache} lives on, asked of the cache's own
   * spymemcached locator (any generation: the hash leaves it out).
   */
  static int portOf(Cache<?, ?> cache, String key) {
    InetSocketAddress address =
        (InetSocketAddress)
            cache
                .unwrap(MemcachedClient.class)
                .getNodeLocator()
                .getPrimary("mjc:" + cache.getName() + ":0:" + key)
                .getSocketAddress();
    return address.getPort();
  }

  /** The index in {@code nodes} of the server with {@code port}. */
  static int indexOf(List<MemcachedProcess> nodes, int port) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).port() == port) {
        return i;
      }
    }
    throw new AssertionError("no server on port " + port);
  }

  /** Closes quietly. */
  static void close(CacheManager manager) {
    if (manager != null) {
      manager.close();
    }
  }
}
