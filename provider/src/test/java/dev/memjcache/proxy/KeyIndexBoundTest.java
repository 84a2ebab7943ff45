package dev.memjcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.AsyncCache;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key index's bound through a real twemproxy, on backends with 2 KiB items ({@code -I 2k}) so
 * that a shard fills after a few dozen keys: writes of the same keys again and again are compacted
 * away and the iterator stays exact; more distinct keys than the index can list make {@code
 * iterator()} fail with the reason while every entry stays readable; {@code clear()} starts a new,
 * complete index. Rewrites: a blind {@code put} or {@code putAll} of an entry the manager wrote is
 * a {@code replace}, so the index lists the key once however often it is rewritten; when another
 * manager removed the entry and a compaction dropped its key meanwhile, the {@code replace} finds
 * no item and the write lists the key again. The index items are read raw through the proxy.
 */
class KeyIndexBoundTest {

  private static ProxiedServers proxy;

  @BeforeAll
  static void start() {
    proxy = ProxiedServers.start("-I", "2k", "-o", "slab_chunk_max=1024");
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  private static Cache<String, Integer> cache(CacheManager manager, String name) {
    return manager.createCache(
        name, new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
  }

  private static String key(int i) {
    return "a-long-key-name-that-fills-the-index-quickly-" + i;
  }

  @Test
  void rewritingTheSameKeysIsCompactedAndTheIteratorStaysExact() {
    try (CacheManager manager = ProxyTopologyTest.manager(proxy.address(), "maxItemBytes=2048")) {
      Cache<String, Integer> cache = cache(manager, "bound-rewrite");
      Map<String, Integer> batch = new HashMap<>();
      for (int i = 0; i < 20; i++) {
        batch.put(key(i), i);
      }
      // 20 keys x 300 writes: ~280 KB of appended parts, far past 16 shards of 2 KiB
      for (int round = 0; round < 300; round++) {
        if (round % 2 == 0) {
          cache.putAll(batch);
        } else {
          cache.put(key(round % 20), round % 20);
        }
      }
      assertEquals(batch, ProxyTopologyTest.contents(cache));
    }
  }

  @Test
  void twoManagersCompactingTheSameShardsAtOnceLoseNoLiveKey() throws Exception {
    try (CacheManager first = ProxyTopologyTest.manager(proxy.address(), "maxItemBytes=2048");
        CacheManager second = ProxyTopologyTest.manager(proxy.address(), "maxItemBytes=2048")) {
      Cache<String, Integer> a = cache(first, "bound-concurrent");
      Cache<String, Integer> b = cache(second, "bound-concurrent");
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        // each manager rewrites its own 60 keys and creates and removes short-lived ones, so both
        // compact (and drop gone entries from) the same shards while the other appends
        Future<?> one = pool.submit(() -> churn(a, "a"));
        Future<?> two = pool.submit(() -> churn(b, "b"));
        one.get();
        two.get();
      } finally {
        pool.shutdownNow();
      }
      Map<String, Integer> expected = new HashMap<>();
      for (int i = 0; i < 60; i++) {
        expected.put(key(i) + "a", i);
        expected.put(key(i) + "b", i);
      }
      assertEquals(expected, ProxyTopologyTest.contents(a));
      assertEquals(expected, ProxyTopologyTest.contents(b));
    }
  }

  private static void churn(Cache<String, Integer> cache, String side) {
    for (int round = 0; round < 40; round++) {
      for (int i = 0; i < 60; i++) {
        cache.put(key(i) + side, i);
      }
      String gone = key(1000 + round) + side;
      cache.put(gone, -1);
      cache.remove(gone);
    }
  }

  @Test
  void pastTheBoundIteratorFailsWithTheReasonUntilClear() {
    try (CacheManager manager = ProxyTopologyTest.manager(proxy.address(), "maxItemBytes=2048")) {
      Cache<String, Integer> cache = cache(manager, "bound-full");
      // 16 shards of ~1.9 KB hold ~650 parts of ~48 bytes: 2,000 distinct keys cannot be listed
      for (int from = 0; from < 2000; from += 100) {
        Map<String, Integer> batch = new HashMap<>();
        for (int i = from; i < from + 100; i++) {
          batch.put(key(i), i);
        }
        cache.putAll(batch);
      }
      for (int i = 0; i < 2000; i += 97) {
        assertEquals(i, cache.get(key(i)), "an entry past the bound is stored all the same");
      }
      CacheException e = assertThrows(CacheException.class, () -> cache.iterator().hasNext());
      assertTrue(e.getMessage().contains("key index"), e.getMessage());
      assertTrue(e.getMessage().contains("clear()"), e.getMessage());
      cache.clear();
      assertFalse(cache.iterator().hasNext());
      cache.put("after", 1);
      assertEquals(Map.of("after", 1), ProxyTopologyTest.contents(cache));
    }
  }

  @Test
  void rewritingAnEntryListsItsKeyOnce() {
    try (CacheManager manager = ProxyTopologyTest.manager(proxy.address(), "maxItemBytes=2048")) {
      Cache<String, Integer> cache = cache(manager, "rewrite-once");
      @SuppressWarnings("unchecked")
      AsyncCache<String, Integer> async = cache.unwrap(AsyncCache.class);
      for (int i = 0; i < 100; i++) {
        cache.put("k", i);
        async.put("a", i).toCompletableFuture().join();
        cache.putAll(Map.of("p1", i, "p2", i));
      }
      List<String> listed = listedParts(cache);
      for (String key : List.of("k", "a", "p1", "p2")) {
        assertEquals(1, listed.stream().filter(key::equals).count(), key + " listed: " + listed);
      }
      assertEquals(Map.of("k", 99, "a", 99, "p1", 99, "p2", 99), ProxyTopologyTest.contents(cache));
      cache.removeAll(Set.of("p1", "p2"));

      cache.remove("k"); // this manager forgets it wrote k: the next put is a set, listed again
      async.remove("a").toCompletableFuture().join();
      cache.put("k", 100);
      async.put("a", 100).toCompletableFuture().join();
      assertEquals(Map.of("k", 100, "a", 100), ProxyTopologyTest.contents(cache));
    }
  }

  @Test
  void aRewriteOfAnEntryAnotherManagerRemovedIsListedAgain() {
    try (CacheManager first = ProxyTopologyTest.manager(proxy.address(), "maxItemBytes=2048");
        CacheManager second = ProxyTopologyTest.manager(proxy.address(), "maxItemBytes=2048")) {
      Cache<String, Integer> a = cache(first, "rewrite-removed");
      Cache<String, Integer> b = cache(second, "rewrite-removed");
      String key = "the-key-that-another-manager-removes";
      String bulkKey = fillerInShardOf(key, 1_000_000); // rewritten by putAll
      a.put(key, 1);
      a.putAll(Map.of(bulkKey, 1));
      b.remove(key);
      b.remove(bulkKey);
      // short-lived entries in the key's shard fill it until a compaction drops the gone keys
      int filler = 0;
      for (int round = 0; round < 400 && listedParts(b).contains(key); round++) {
        String gone = fillerInShardOf(key, filler);
        filler = Integer.parseInt(gone.substring(gone.lastIndexOf('-') + 1)) + 1;
        b.put(gone, -1);
        b.remove(gone);
      }
      assertFalse(listedParts(b).contains(key), "a compaction dropped the removed key");
      assertFalse(listedParts(b).contains(bulkKey), "a compaction dropped the removed key");

      // first still takes the entries as its own: replace, NOT_STORED, then set and append
      a.put(key, 2);
      a.putAll(Map.of(bulkKey, 3, "a-new-one", 4));
      // first's iterator awaits its own appends; another manager's may run a round trip ahead
      assertEquals(Map.of(key, 2, bulkKey, 3, "a-new-one", 4), ProxyTopologyTest.contents(a));
      assertTrue(listedParts(b).containsAll(List.of(key, bulkKey)));
    }
  }

  /** The first filler key from number {@code from} on whose index shard is {@code key}'s. */
  private static String fillerInShardOf(String key, int from) {
    for (int i = from; ; i++) {
      String candidate = "short-lived-filler-entry-" + i;
      if (Math.floorMod(candidate.hashCode(), 16) == Math.floorMod(key.hashCode(), 16)) {
        return candidate;
      }
    }
  }

  /**
   * The parts the cache's key index lists in its current generation, read raw through the proxy
   * ({@code mjc:<cache>:gen}, then {@code mjc:<cache>:index:<generation>:<0..15>}), duplicates
   * kept.
   */
  private static List<String> listedParts(Cache<String, Integer> cache) {
    MemcachedClient raw = cache.unwrap(MemcachedClient.class);
    String prefix = "mjc:" + cache.getName() + ":";
    String generation = ascii(raw.get(prefix + "gen"));
    List<String> shards = new ArrayList<>();
    for (int shard = 0; shard < 16; shard++) {
      shards.add(prefix + "index:" + generation + ":" + shard);
    }
    List<String> parts = new ArrayList<>();
    for (Object value : raw.getBulk(shards).values()) {
      for (String part : ascii(value).split(" ")) {
        if (!part.isEmpty()) {
          parts.add(part);
        }
      }
    }
    return parts;
  }

  private static String ascii(Object value) {
    return value instanceof byte[] bytes
        ? new String(bytes, StandardCharsets.US_ASCII)
        : String.valueOf(value);
  }
}
