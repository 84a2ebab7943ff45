package dev.memjcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key index's bound through a real twemproxy, on backends with 2 KiB items ({@code -I 2k}) so
 * that a shard fills after a few dozen keys: writes of the same keys again and again are compacted
 * away and the iterator stays exact; more distinct keys than the index can list make {@code
 * iterator()} fail with the reason while every entry stays readable; {@code clear()} starts a new,
 * complete index.
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
}
