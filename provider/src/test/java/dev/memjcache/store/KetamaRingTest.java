package dev.memjcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.HashAlgorithm;
import net.spy.memcached.KetamaNodeLocator;
import net.spy.memcached.MemcachedNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ring MemJCache routes with picks the server spymemcached's own Ketama locator picks, for
 * every key, over the live nodes of a client of three real servers; entry keys routed from their
 * parts ({@link EntryRouting}) go where their item keys go.
 */
class KetamaRingTest {

  private static MemcachedCluster cluster;
  private static MemcachedStore store;

  @BeforeAll
  static void start() {
    cluster = MemcachedCluster.start(3);
    List<InetSocketAddress> servers = new ArrayList<>();
    for (MemcachedProcess node : cluster.nodes()) {
      servers.add(new InetSocketAddress("127.0.0.1", node.port()));
    }
    store = MemcachedStore.connect(servers, 2_000, 5_000);
  }

  @AfterAll
  static void stop() {
    store.close();
    cluster.close();
  }

  private static List<MemcachedNode> nodes() {
    return new ArrayList<>(store.nodes());
  }

  @Test
  void theRingRoutesEveryKeyAsSpymemcachedsKetamaLocator() {
    EntryKeyHash hash = new EntryKeyHash("mjc");
    KetamaNodeLocator ketama = new KetamaNodeLocator(nodes(), hash);
    KetamaRing ring = KetamaRing.of(nodes(), hash, ketama);
    assertNotNull(ring, "the continuum of KetamaNodeLocator(nodes, EntryKeyHash) is reproduced");
    assertEquals(3 * 160, ring.size());
    Random random = new Random(11);
    Set<MemcachedNode> used = new HashSet<>();
    for (int i = 0; i < 50_000; i++) {
      String key = "mjc:c" + (i % 5) + ":" + random.nextInt(1_000) + ":k" + random.nextLong();
      MemcachedNode expected = ketama.getPrimary(key);
      assertSame(expected, ring.nodeFor(hash.hash(key)), key);
      used.add(expected);
    }
    assertEquals(3, used.size(), "the keys spread over all three servers");
    // the edges of the hash space: 0, the largest 32-bit hash (both wrap to the first point)
    for (long edge : new long[] {0, 1, 0xFFFF_FFFFL, 0xFFFF_FFFEL, 1L << 31}) {
      assertSame(ketamaNodeFor(ketama, edge), ring.nodeFor(edge), "hash " + edge);
    }
  }

  /** spymemcached's node for a hash: a locator over the same continuum asked for a probe key. */
  private static MemcachedNode ketamaNodeFor(KetamaNodeLocator ketama, long hash) {
    EntryKeyHash entryHash = new EntryKeyHash("mjc");
    HashAlgorithm fixed = key -> "probe".equals(key) ? hash : entryHash.hash(key);
    KetamaNodeLocator probing = new KetamaNodeLocator(nodes(), fixed);
    assertSame(ketama.getPrimary("mjc:x:0:y"), probing.getPrimary("mjc:x:0:y"), "same continuum");
    return probing.getPrimary("probe");
  }

  @Test
  void aContinuumPlacedDifferentlyIsRejected() {
    // KETAMA_HASH places four points per MD5: not the layout the ring reproduces
    KetamaNodeLocator ketama = new KetamaNodeLocator(nodes(), DefaultHashAlgorithm.KETAMA_HASH);
    assertNull(KetamaRing.of(nodes(), DefaultHashAlgorithm.KETAMA_HASH, ketama));
    assertNull(KetamaRing.of(List.of(), new EntryKeyHash("mjc"), ketama), "no servers, no ring");
  }

  @Test
  void theStoreRoutesThroughTheRingAndEntryPartsRouteLikeTheirItemKeys() {
    MemoizingLocator locator = (MemoizingLocator) ((LocatingClient) store.client()).locator();
    assertTrue(locator.hasRing(), "the client's continuum was reproduced");
    EntryRouting routing = store.routing();
    Random random = new Random(5);
    for (int i = 0; i < 5_000; i++) {
      String cachePrefix = "mjc:cache" + (i % 3) + ":";
      String part = "key-" + random.nextInt();
      long generation = Math.abs(random.nextLong() % 10_000_000_000_000L);
      String itemKey = cachePrefix + generation + ":" + part;
      MemcachedNode expected = store.nodeFor(new String(itemKey)); // hashed from its characters
      long hash = routing.hash(cachePrefix, part);
      assertSame(expected, routing.node(hash, cachePrefix, part), itemKey);
      routing.routed(itemKey, hash);
      assertSame(expected, store.nodeFor(itemKey), "the routed item key, found by identity");
    }
  }
}
