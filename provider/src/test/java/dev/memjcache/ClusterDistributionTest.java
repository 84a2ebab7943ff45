package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;

/**
 * Keys spread over the servers, and a server added to the cluster moves only its share of keys:
 * every entry that did not move stays readable (per-server generations do not move with the ring),
 * in every cache.
 */
class ClusterDistributionTest {

  private static final int CACHES = 3;
  private static final int KEYS_PER_CACHE = 10_000;

  @Test
  void keysSpreadEvenlyAndAFourthServerMovesOnlyItsShare() throws Exception {
    try (MemcachedCluster cluster = MemcachedCluster.start(3)) {
      List<MemcachedProcess> three = cluster.nodes();
      MemcachedCacheManager before = ClusterTestSupport.manager(cluster, "");
      MemcachedCacheManager after = null;
      try {
        int[] perNode = new int[3];
        Map<String, Map<String, Integer>> portBefore = new LinkedHashMap<>();
        for (int c = 0; c < CACHES; c++) {
          Cache<String, String> cache =
              before.createCache(
                  "dist-" + c,
                  new MutableConfiguration<String, String>().setTypes(String.class, String.class));
          Map<String, String> batch = new HashMap<>();
          Map<String, Integer> ports = new HashMap<>();
          for (int i = 0; i < KEYS_PER_CACHE; i++) {
            String key = "key-" + i;
            batch.put(key, "value-" + i);
            int port = ClusterTestSupport.portOf(cache, key);
            ports.put(key, port);
            perNode[ClusterTestSupport.indexOf(three, port)]++;
            if (batch.size() == 1000) {
              cache.putAll(batch);
              batch.clear();
            }
          }
          portBefore.put(cache.getName(), ports);
        }
        int total = CACHES * KEYS_PER_CACHE;
        MemcachedClient raw = before.unwrap(MemcachedClient.class);
        Map<java.net.SocketAddress, Map<String, String>> stats = raw.getStats();
        for (int n = 0; n < 3; n++) {
          double share = perNode[n] / (double) total;
          System.out.printf(
              "distribution: server %d holds %d of %d keys (%.1f %%)%n",
              n, perNode[n], total, 100 * share);
          assertTrue(share <= 0.40, "server " + n + " holds " + perNode[n] + " of " + total);
          long items = itemsOn(stats, three.get(n).port());
          assertTrue(
              items >= perNode[n],
              "server "
                  + n
                  + " holds "
                  + items
                  + " items, fewer than the "
                  + perNode[n]
                  + " entries located there");
        }

        MemcachedProcess fourth = cluster.addNode();
        after = ClusterTestSupport.manager(cluster, "");
        int moved = 0;
        for (int c = 0; c < CACHES; c++) {
          Cache<String, String> cache =
              after.createCache(
                  "dist-" + c,
                  new MutableConfiguration<String, String>().setTypes(String.class, String.class));
          Map<String, Integer> ports = portBefore.get(cache.getName());
          Set<String> stayed = new HashSet<>();
          int movedHere = 0;
          for (Map.Entry<String, Integer> e : ports.entrySet()) {
            int port = ClusterTestSupport.portOf(cache, e.getKey());
            if (port == e.getValue()) {
              stayed.add(e.getKey());
            } else {
              assertEquals(fourth.port(), port, "a key moved between two old servers");
              movedHere++;
            }
          }
          Map<String, String> readable = cache.getAll(ports.keySet());
          System.out.printf(
              "distribution: cache %s: %d keys moved to the new server, %d of the"
                  + " %d that stayed are readable%n",
              cache.getName(), movedHere, readable.size(), stayed.size());
          assertEquals(
              stayed,
              readable.keySet(),
              "exactly the entries that did not move are readable after the 4th server joined");
          moved += movedHere;
        }
        System.out.printf(
            "distribution: adding a 4th server moved %d of %d keys (%.1f %%)%n",
            moved, total, 100.0 * moved / total);
        assertTrue(moved <= 0.30 * total, moved + " of " + total + " keys moved");
        assertTrue(moved > 0, "the new server takes some keys");
      } finally {
        ClusterTestSupport.close(after);
        ClusterTestSupport.close(before);
      }
    }
  }

  private static long itemsOn(Map<java.net.SocketAddress, Map<String, String>> stats, int port) {
    for (Map.Entry<java.net.SocketAddress, Map<String, String>> e : stats.entrySet()) {
      if (((java.net.InetSocketAddress) e.getKey()).getPort() == port) {
        return Long.parseLong(e.getValue().get("curr_items"));
      }
    }
    throw new AssertionError("no stats for port " + port);
  }
}
