package dev.memjcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.AsyncCache;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rewrites behind a real twemproxy: a blind {@code put} of an entry the manager wrote is a {@code
 * replace}, so the key index lists the key once however often it is rewritten; when the entry was
 * removed by another manager and its key compacted out of the index meanwhile, the {@code replace}
 * finds no item and the {@code put} lists the key again. Backends with 2 KiB items ({@code -I 2k})
 * make a shard compact after a few dozen keys. The index items are read raw through the proxy.
 */
class KeyIndexRewriteTest {

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
      assertEquals(Map.of(key, 2, bulkKey, 3, "a-new-one", 4), ProxyTopologyTest.contents(b));
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
