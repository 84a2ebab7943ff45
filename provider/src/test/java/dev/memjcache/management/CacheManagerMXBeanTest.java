package dev.memjcache.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.ServerStatus;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The platform MXBean of a CacheManager, read the way JConsole reads it (attributes of the platform
 * MBeanServer, open types): registered when the manager opens under a valid name for a URI holding
 * {@code , = :}, from which the URI is recovered; it shows a killed server of a real 3-server
 * cluster marked down with its last failure; it is gone when the manager closes; a second manager
 * of the same URI does not take it over. (That no MBean attribute holds a password is checked with
 * real SASL credentials in {@code sasl.SaslAuthenticationTest}.)
 */
class CacheManagerMXBeanTest {

  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private MemcachedCluster cluster;

  @BeforeEach
  void startCluster() {
    cluster = MemcachedCluster.start(3);
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  /** Servers separated by ',', a query with '=' and '&', ports after ':'. */
  private URI uri() {
    return URI.create(
        cluster.uri()
            + "?allowPackages=dev.memjcache&serverFailureLimit=2&serverRetryMillis=60000"
            + "&operationTimeoutMillis=500");
  }

  private static MemcachedCacheManager open(URI uri, ClassLoader loader) {
    return (MemcachedCacheManager) new MemcachedCachingProvider().getCacheManager(uri, loader);
  }

  private static CompositeData serverNamed(ObjectName name, String address) throws Exception {
    for (CompositeData server : (CompositeData[]) SERVER.getAttribute(name, "Servers")) {
      if (server.get("address").equals(address)) {
        return server;
      }
    }
    throw new AssertionError("no server " + address);
  }

  @Test
  void registeredUnderAValidNameItShowsAKilledServerMarkedDown() throws Exception {
    URI uri = uri();
    ObjectName name;
    try (MemcachedCacheManager manager = open(uri, getClass().getClassLoader())) {
      name = MBeanRegistrar.cacheManagerObjectName(uri);
      assertFalse(name.isPattern());
      assertEquals("dev.memjcache", name.getDomain());
      assertEquals(uri.toString(), ObjectName.unquote(name.getKeyProperty("uri")));
      assertTrue(SERVER.isRegistered(name), name + " is registered");
      assertEquals(uri.toString(), SERVER.getAttribute(name, "Uri"));
      assertTrue(SERVER.isInstanceOf(name, MemcachedCacheManagerMXBean.class.getName()));

      CompositeData[] servers = (CompositeData[]) SERVER.getAttribute(name, "Servers");
      assertEquals(3, servers.length);
      for (CompositeData server : servers) {
        assertEquals("SERVING", server.get("state"));
      }
      assertEquals(3, SERVER.getAttribute(name, "ServersServing"));

      MemcachedProcess victim = cluster.node(2);
      Cache<String, String> cache =
          manager.createCache(
              "jmx",
              new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      victim.stop();
      for (int i = 0, failed = 0; failed < 2; i++) {
        String key = "k" + i;
        if (portOf(cache, key) == victim.port()) {
          try {
            cache.get(key);
          } catch (CacheException expected) {
            failed++;
          }
        }
      }
      CompositeData down = serverNamed(name, victim.address());
      assertEquals("MARKED_DOWN", down.get("state"));
      assertFalse(((String) down.get("lastFailure")).isEmpty());
      long since = (Long) down.get("markedDownSinceMillis");
      assertTrue(since > 0 && since <= System.currentTimeMillis(), "since " + since);
      assertEquals(1L, down.get("markedDownCount"));
      assertEquals(
          List.of(victim.address()),
          List.of((String[]) SERVER.getAttribute(name, "ServersMarkedDown")));
      assertEquals(1, SERVER.getAttribute(name, "ServersMarkedDownCount"));
      assertEquals(2, SERVER.getAttribute(name, "ServersServing"));
      assertEquals(1L, SERVER.getAttribute(name, "MarkedDownCount"));

      // an MXBean proxy (what a JMX client library builds) gets the same view back
      MemcachedCacheManagerMXBean proxy =
          JMX.newMXBeanProxy(SERVER, name, MemcachedCacheManagerMXBean.class);
      ServerStatus viaJmx =
          proxy.getServers().stream()
              .filter(s -> s.getAddress().equals(victim.address()))
              .findFirst()
              .orElseThrow();
      assertEquals(ServerStatus.State.MARKED_DOWN, viaJmx.getState());
      assertEquals(manager.servers(), proxy.getServers());
    }
    assertFalse(SERVER.isRegistered(name), "unregistered when the manager closes");
  }

  @Test
  void aSecondManagerOfTheSameUriLeavesTheFirstOnesMXBeanInPlace() throws Exception {
    URI uri = uri();
    ObjectName name = MBeanRegistrar.cacheManagerObjectName(uri);
    try (MemcachedCacheManager first = open(uri, getClass().getClassLoader());
        URLClassLoader other = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
      MemcachedCacheManager second = open(uri, other);
      assertTrue(first != second, "one manager per URI and class loader");
      second.close();
      assertTrue(SERVER.isRegistered(name), "the first manager's MXBean stays");
      assertEquals(3, SERVER.getAttribute(name, "ServersServing"));
    }
    assertFalse(SERVER.isRegistered(name));
  }

  private static int portOf(Cache<?, ?> cache, String key) {
    return ((java.net.InetSocketAddress)
            cache
                .unwrap(MemcachedClient.class)
                .getNodeLocator()
                .getPrimary("mjc:" + cache.getName() + ":0:" + key)
                .getSocketAddress())
        .getPort();
  }
}
