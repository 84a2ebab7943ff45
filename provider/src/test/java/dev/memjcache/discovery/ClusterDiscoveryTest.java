package dev.memjcache.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;
import org.junit.jupiter.api.Test;

/**
 * Discovery through {@code configEndpoint}: a discovery endpoint of the test's own answering AWS's
 * format, listing real memcached processes. The node list grows from 2 to 3 and shrinks again while
 * the manager runs; keys reach a new server within 2 polling intervals, only the keys of the
 * changed server move, and every entry that did not move keeps its value.
 */
class ClusterDiscoveryTest {

  private static final long POLL_MILLIS = 500;
  private static final int KEYS = 3_000;

  /**
   * Ketama with 160 points per server gives a server a share of the keys near 1/n, not exactly: the
   * share a change moves may exceed 1/n by this much (measured shares are printed).
   */
  private static final double KETAMA_SPREAD = 0.08;

  @Test
  void followsTheNodeListAsAServerJoinsAndAnotherLeaves() throws Exception {
    withTwoOfThreeListed(
        "discovered",
        "value-",
        (cluster, endpoint, cache, all) -> {
          Map<String, Integer> before = ports(cache);
          for (int port : before.values()) {
            assertTrue(
                port == cluster.node(0).port() || port == cluster.node(1).port(),
                "a key routes to " + port + ", not listed yet");
          }

          // 2 -> 3 servers
          MemcachedProcess third = cluster.node(2);
          endpoint.list(cluster.nodes());
          long listedAt = System.nanoTime();
          String probe = firstKeyRoutedTo(cache, third.port(), 4 * POLL_MILLIS);
          long tookMillis = (System.nanoTime() - listedAt) / 1_000_000;
          System.out.printf(
              "discovery: keys reach the third server %d ms after the endpoint lists it (poll %d"
                  + " ms)%n",
              tookMillis, POLL_MILLIS);
          assertTrue(probe != null, "no key routes to the third server after " + 4 * POLL_MILLIS);
          assertTrue(
              tookMillis <= 2 * POLL_MILLIS,
              "keys reached the third server after " + tookMillis + " ms, over 2 polls");
          Map<String, Integer> afterJoin = ports(cache);
          List<String> moved = movedKeys(before, afterJoin);
          for (String key : moved) {
            assertEquals(third.port(), afterJoin.get(key), key + " moved, but not to the third");
          }
          assertShare(moved.size(), 3, "joining");
          assertUnmovedKept(cache, all, moved);
          assertTrue(moved.contains(probe), probe + " routes to the third server but did not move");
          for (String key : moved) {
            assertEquals(null, cache.get(key), key + " moved to a new server: a miss");
            cache.put(key, all.get(key)); // the moved keys now live on the third server
            assertEquals(all.get(key), cache.get(key));
          }
          assertTrue(
              itemsOn(cache, third) >= moved.size(),
              "the third server does not hold the moved keys");

          // 3 -> 2 servers: the first leaves
          MemcachedProcess first = cluster.node(0);
          endpoint.list(List.of(cluster.node(1), third));
          listedAt = System.nanoTime();
          assertTrue(
              awaitNoKeyOn(cache, first.port(), 4 * POLL_MILLIS),
              "keys still route to the server that left");
          tookMillis = (System.nanoTime() - listedAt) / 1_000_000;
          assertTrue(
              tookMillis <= 2 * POLL_MILLIS,
              "keys left the removed server after " + tookMillis + " ms, over 2 polls");
          Map<String, Integer> afterLeave = ports(cache);
          List<String> movedAgain = movedKeys(afterJoin, afterLeave);
          for (String key : movedAgain) {
            assertEquals(
                first.port(), afterJoin.get(key), key + " moved but was not on the leaver");
          }
          for (Map.Entry<String, Integer> e : afterJoin.entrySet()) {
            if (e.getValue() == first.port()) {
              assertTrue(movedAgain.contains(e.getKey()), e.getKey() + " stayed on the leaver");
            }
          }
          assertShare(movedAgain.size(), 3, "leaving");
          assertUnmovedKept(cache, all, movedAgain);
        });
  }

  @Test
  void aKeyThatComesBackToAServerNeverReadsTheCopyItLeftThere() throws Exception {
    withTwoOfThreeListed(
        "comeback",
        "old-",
        (cluster, endpoint, cache, old) -> {
          Map<String, Integer> before = ports(cache);
          endpoint.list(cluster.nodes());
          assertTrue(firstKeyRoutedTo(cache, cluster.node(2).port(), 4 * POLL_MILLIS) != null);
          List<String> moved = movedKeys(before, ports(cache));
          for (String key : moved) {
            cache.put(key, "new"); // on the third server; the old copy stays where it was
          }
          endpoint.list(List.of(cluster.node(0), cluster.node(1)));
          assertTrue(awaitNoKeyOn(cache, cluster.node(2).port(), 4 * POLL_MILLIS));
          int lostUnmoved = 0;
          for (String key : moved) {
            String value = cache.get(key);
            assertNotEquals(old.get(key), value, key + " came back to its old copy");
          }
          for (String key : old.keySet()) {
            if (!moved.contains(key) && cache.get(key) == null) {
              lostUnmoved++;
            }
          }
          System.out.printf(
              "discovery: a server that left again; %d keys came back, none to its old copy; %d of"
                  + " %d entries that never moved are misses (their servers started a new"
                  + " generation)%n",
              moved.size(), lostUnmoved, KEYS - moved.size());
        });
  }

  @Test
  void aPlainServerAsEndpointFailsWithAMessageThatSaysSo() {
    try (MemcachedProcess plain = MemcachedProcess.start()) {
      CacheException e =
          assertThrows(
              CacheException.class,
              () ->
                  new MemcachedCachingProvider()
                      .getCacheManager(
                          URI.create("memcached:///?configEndpoint=" + plain.address()),
                          getClass().getClassLoader()));
      String message = messages(e);
      assertTrue(message.contains("not a discovery endpoint"), message);
      assertTrue(message.contains(plain.address()), message);
    }
  }

  @Test
  void serversAndAnEndpointTogetherAreRefused() {
    CacheException e =
        assertThrows(
            CacheException.class,
            () ->
                new MemcachedCachingProvider()
                    .getCacheManager(
                        URI.create("memcached://127.0.0.1:1?configEndpoint=127.0.0.1:2"),
                        getClass().getClassLoader()));
    assertTrue(e.getMessage().contains("give one or the other"), e.getMessage());
  }

  /** A test body given 3 servers, the first 2 listed, and a cache filled through discovery. */
  @FunctionalInterface
  private interface DiscoveredCacheTest {
    void run(
        MemcachedCluster cluster,
        DiscoveryEndpoint endpoint,
        Cache<String, String> cache,
        Map<String, String> entries)
        throws Exception;
  }

  /**
   * Starts 3 servers and a discovery endpoint listing the first 2, opens a manager following it,
   * fills its cache {@code name} with {@link #putKeys} and runs {@code test}; stops them all after.
   */
  private static void withTwoOfThreeListed(
      String name, String valuePrefix, DiscoveredCacheTest test) throws Exception {
    try (MemcachedCluster cluster = MemcachedCluster.start(3);
        DiscoveryEndpoint endpoint =
            new DiscoveryEndpoint(List.of(cluster.node(0), cluster.node(1)))) {
      CacheManager manager = manager(endpoint);
      try {
        Cache<String, String> cache = stringCache(manager, name);
        test.run(cluster, endpoint, cache, putKeys(cache, valuePrefix));
      } finally {
        manager.close();
      }
    }
  }

  private static Cache<String, String> stringCache(CacheManager manager, String name) {
    return manager.createCache(
        name, new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  /** Puts {@code key-<i>} = {@code <valuePrefix><i>} for {@value #KEYS} keys; returns them. */
  private static Map<String, String> putKeys(Cache<String, String> cache, String valuePrefix) {
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      entries.put("key-" + i, valuePrefix + i);
    }
    cache.putAll(entries);
    return entries;
  }

  private static CacheManager manager(DiscoveryEndpoint endpoint) {
    return new MemcachedCachingProvider()
        .getCacheManager(
            URI.create(
                "memcached:///?configEndpoint="
                    + endpoint.address()
                    + "&configPollMillis="
                    + POLL_MILLIS
                    + "&operationTimeoutMillis=5000"),
            ClusterDiscoveryTest.class.getClassLoader());
  }

  /** Where every key routes now, from one copy of the cache's locator. */
  private static Map<String, Integer> ports(Cache<String, String> cache) {
    NodeLocator locator = cache.unwrap(MemcachedClient.class).getNodeLocator();
    Map<String, Integer> ports = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "key-" + i;
      InetSocketAddress server =
          (InetSocketAddress)
              locator.getPrimary("mjc:" + cache.getName() + ":0:" + key).getSocketAddress();
      ports.put(key, server.getPort());
    }
    return ports;
  }

  private static String firstKeyRoutedTo(Cache<String, String> cache, int port, long waitMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      for (Map.Entry<String, Integer> e : ports(cache).entrySet()) {
        if (e.getValue() == port) {
          return e.getKey();
        }
      }
      Thread.sleep(5);
    }
    return null;
  }

  private static boolean awaitNoKeyOn(Cache<String, String> cache, int port, long waitMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (!ports(cache).containsValue(port)) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }

  private static List<String> movedKeys(Map<String, Integer> from, Map<String, Integer> to) {
    List<String> moved = new ArrayList<>();
    from.forEach(
        (key, port) -> {
          if (!port.equals(to.get(key))) {
            moved.add(key);
          }
        });
    return moved;
  }

  private static void assertShare(int moved, int servers, String change) {
    double share = moved / (double) KEYS;
    System.out.printf(
        "discovery: a %s server moved %d of %d keys (%.1f %%; 1/n = %.1f %%)%n",
        change, moved, KEYS, 100 * share, 100.0 / servers);
    assertTrue(moved > 0, "no key moved");
    assertTrue(
        share <= 1.0 / servers + KETAMA_SPREAD,
        "a " + change + " server moved " + moved + " of " + KEYS + " keys");
  }

  private static void assertUnmovedKept(
      Cache<String, String> cache, Map<String, String> values, List<String> moved) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (!moved.contains(e.getKey())) {
        assertEquals(e.getValue(), cache.get(e.getKey()), e.getKey() + " did not move: lost");
      }
    }
  }

  private static long itemsOn(Cache<String, String> cache, MemcachedProcess server) {
    MemcachedClient client = cache.unwrap(MemcachedClient.class);
    for (Map.Entry<java.net.SocketAddress, Map<String, String>> e : client.getStats().entrySet()) {
      if (((InetSocketAddress) e.getKey()).getPort() == server.port()) {
        return Long.parseLong(e.getValue().get("curr_items"));
      }
    }
    throw new AssertionError("no stats from " + server.address());
  }

  private static String messages(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append(" / ");
    }
    return text.toString();
  }
}
