package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.processor.EntryProcessor;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every {@code javax.cache.Cache} method against a real memcached, checking the stored items. */
class CacheOperationsTest extends CacheTestSupport {

  private CacheManager manager;
  private Cache<String, String> cache;

  @BeforeEach
  void createCache() {
    manager = newManager("");
    cache = newCache(manager, String.class, String.class);
  }

  @Test
  void getReturnsWhatPutStoredAndTheItemIsInMemcached() throws Exception {
    assertNull(cache.get("a"));
    assertFalse(itemExists(cache, "a"));
    cache.put("a", "1");
    assertEquals("1", cache.get("a"));
    assertTrue(itemExists(cache, "a"));
  }

  @Test
  void getAllReturnsOnlyPresentEntries() {
    cache.put("a", "1");
    cache.put("b", "2");
    assertEquals(Map.of("a", "1", "b", "2"), cache.getAll(Set.of("a", "b", "c")));
    assertEquals(Map.of(), cache.getAll(Set.of()));
  }

  @Test
  void containsKeyFollowsPutAndRemove() {
    assertFalse(cache.containsKey("a"));
    cache.put("a", "1");
    assertTrue(cache.containsKey("a"));
    cache.remove("a");
    assertFalse(cache.containsKey("a"));
  }

  @Test
  void getAndPutReturnsThePreviousValue() throws Exception {
    assertNull(cache.getAndPut("a", "1"));
    assertEquals("1", cache.getAndPut("a", "2"));
    assertEquals("2", cache.get("a"));
    assertTrue(itemExists(cache, "a"));
  }

  @Test
  void putAllStoresEveryEntry() throws Exception {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < 250; i++) {
      map.put("k" + i, "v" + i);
    }
    cache.putAll(map);
    assertEquals(map, cache.getAll(map.keySet()));
    assertTrue(itemExists(cache, "k249"));
  }

  @Test
  void putIfAbsentOnAPresentKeyChangesNothing() throws Exception {
    assertTrue(cache.putIfAbsent("a", "1"));
    long casBefore = item(cache, itemKey(cache, "a")).getCas();
    assertFalse(cache.putIfAbsent("a", "2"));
    assertEquals("1", cache.get("a"));
    long casAfter = item(cache, itemKey(cache, "a")).getCas();
    assertEquals(casBefore, casAfter, "the item must not have been rewritten");
  }

  @Test
  void removeDeletesTheItem() throws Exception {
    cache.put("a", "1");
    assertTrue(cache.remove("a"));
    assertFalse(itemExists(cache, "a"));
    assertFalse(cache.remove("a"));
  }

  @Test
  void conditionalRemoveComparesValues() throws Exception {
    cache.put("a", "1");
    assertFalse(cache.remove("a", "2"));
    assertTrue(itemExists(cache, "a"));
    assertTrue(cache.remove("a", "1"));
    assertFalse(itemExists(cache, "a"));
    assertFalse(cache.remove("a", "1"));
  }

  @Test
  void getAndRemoveReturnsTheRemovedValue() throws Exception {
    cache.put("a", "1");
    assertEquals("1", cache.getAndRemove("a"));
    assertFalse(itemExists(cache, "a"));
    assertNull(cache.getAndRemove("a"));
  }

  @Test
  void conditionalReplaceComparesValues() {
    assertFalse(cache.replace("a", "1", "2"));
    assertNull(cache.get("a"));
    cache.put("a", "1");
    assertFalse(cache.replace("a", "x", "2"));
    assertEquals("1", cache.get("a"));
    assertTrue(cache.replace("a", "1", "2"));
    assertEquals("2", cache.get("a"));
  }

  @Test
  void replaceOnlyReplacesPresentEntries() throws Exception {
    assertFalse(cache.replace("a", "1"));
    assertFalse(itemExists(cache, "a"));
    cache.put("a", "1");
    assertTrue(cache.replace("a", "2"));
    assertEquals("2", cache.get("a"));
  }

  @Test
  void getAndReplaceReturnsTheOldValue() {
    assertNull(cache.getAndReplace("a", "1"));
    assertNull(cache.get("a"));
    cache.put("a", "1");
    assertEquals("1", cache.getAndReplace("a", "2"));
    assertEquals("2", cache.get("a"));
  }

  @Test
  void removeAllOfKeysRemovesOnlyThose() throws Exception {
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));
    cache.removeAll(Set.of("a", "b", "x"));
    assertFalse(itemExists(cache, "a"));
    assertFalse(itemExists(cache, "b"));
    assertEquals("3", cache.get("c"));
  }

  @Test
  void removeAllRemovesEveryEntryOfThisCacheOnly() throws Exception {
    Cache<String, String> other = newCache(manager, String.class, String.class);
    other.put("a", "other");
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "v" + i);
    }
    cache.removeAll();
    for (int i = 0; i < 50; i++) {
      assertFalse(itemExists(cache, "k" + i));
    }
    assertEquals("other", other.get("a"));
  }

  @Test
  void clearLeavesOtherCachesEntriesInPlace() throws Exception {
    Cache<String, String> other = newCache(manager, String.class, String.class);
    other.put("a", "other");
    cache.put("a", "mine");
    String oldItemKey = itemKey(cache, "a");
    long before = generation(cache);
    cache.clear();
    long after = generation(cache);
    assertTrue(after > before, "clear() moves to a higher generation");
    CachedData marker =
        rawClient(cache)
            .asyncGet("mjc:" + cache.getName() + ":clear", RAW)
            .get(1, TimeUnit.SECONDS);
    assertEquals(
        Long.toString(after),
        new String(marker.getData(), StandardCharsets.US_ASCII),
        "clear() records its generation in the clear marker");
    assertNull(cache.get("a"));
    assertEquals("other", other.get("a"));
    assertTrue(itemExists(other, "a"));
    // the old item is unreachable but not deleted: clear() never touches the servers' items
    assertTrue(item(cache, oldItemKey) != null);
    cache.put("a", "again");
    assertEquals("again", cache.get("a"));
  }

  @Test
  void iteratorReturnsEveryEntryAndRemoves() throws Exception {
    Map<String, String> expected = new HashMap<>();
    for (int i = 0; i < 230; i++) {
      expected.put("k" + i, "v" + i);
    }
    cache.putAll(expected);
    Map<String, String> seen = new HashMap<>();
    for (Cache.Entry<String, String> entry : cache) {
      seen.put(entry.getKey(), entry.getValue());
    }
    assertEquals(expected, seen);

    Iterator<Cache.Entry<String, String>> it = cache.iterator();
    String removed = it.next().getKey();
    it.remove();
    assertFalse(itemExists(cache, removed));
    assertThrows(IllegalStateException.class, it::remove);
  }

  @Test
  void iteratorSkipsEntriesOfOlderGenerations() {
    cache.put("old", "1");
    cache.clear();
    cache.put("new", "2");
    Set<String> keys = new HashSet<>();
    cache.forEach(e -> keys.add(e.getKey()));
    assertEquals(Set.of("new"), keys);
  }

  @Test
  void unwrapGivesTheCacheAndTheMemcachedClient() {
    assertSame(cache, cache.unwrap(MemcachedCache.class));
    assertTrue(cache.unwrap(MemcachedClient.class) instanceof MemcachedClient);
    assertThrows(IllegalArgumentException.class, () -> cache.unwrap(String.class));
  }

  @Test
  void invokeAppliesTheProcessor() {
    EntryProcessor<String, String, String> append =
        (entry, args) -> {
          String old = entry.exists() ? entry.getValue() : "";
          entry.setValue(old + args[0]);
          return old;
        };
    assertEquals("", cache.invoke("a", append, "x"));
    assertEquals("x", cache.invoke("a", append, "y"));
    assertEquals("xy", cache.get("a"));
  }

  @Test
  void invokeAllReportsResultsAndFailuresPerKey() {
    cache.put("a", "1");
    cache.put("boom", "x");
    Map<String, javax.cache.processor.EntryProcessorResult<String>> results =
        cache.invokeAll(
            Set.of("a", "boom", "missing"),
            (entry, args) -> {
              if (entry.getKey().equals("boom")) {
                throw new IllegalStateException("processor failed");
              }
              return entry.exists() ? entry.getValue() : null;
            });
    assertEquals("1", results.get("a").get());
    assertThrows(
        javax.cache.processor.EntryProcessorException.class, () -> results.get("boom").get());
    assertFalse(results.containsKey("missing"), "null results are left out");
  }

  @Test
  void loadAllStoresWhatTheLoaderReturns() throws Exception {
    Cache<String, String> loading =
        manager.createCache(
            uniqueCacheName(),
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setCacheLoaderFactory(
                    () ->
                        new javax.cache.integration.CacheLoader<>() {
                          @Override
                          public String load(String key) {
                            return "loaded " + key;
                          }

                          @Override
                          public Map<String, String> loadAll(Iterable<? extends String> keys) {
                            Map<String, String> all = new HashMap<>();
                            keys.forEach(k -> all.put(k, load(k)));
                            return all;
                          }
                        }));
    loading.put("a", "kept");
    javax.cache.integration.CompletionListenerFuture done =
        new javax.cache.integration.CompletionListenerFuture();
    loading.loadAll(Set.of("a", "b"), false, done);
    done.get(5, TimeUnit.SECONDS);
    assertEquals("kept", loading.get("a"), "replaceExistingValues=false keeps present entries");
    assertEquals("loaded b", loading.get("b"));
    assertTrue(itemExists(loading, "b"));
  }

  @Test
  void expiryOf300MillisIsPresentAt100AndGoneAt400() throws Exception {
    Cache<String, String> expiring =
        manager.createCache(
            uniqueCacheName(),
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setExpiryPolicyFactory(
                    CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 300))));
    // "present" can only be checked when the put and the reads fit in the lifetime: on a loaded
    // machine a round may not, and is run again with a new key
    for (int round = 0; ; round++) {
      String key = "a" + round;
      long start = System.nanoTime();
      expiring.put(key, "1");
      sleepUntil(start, 100);
      String read = expiring.get(key);
      boolean contained = expiring.containsKey(key);
      if ((System.nanoTime() - start) / 1_000_000 < 280) {
        assertEquals("1", read);
        assertTrue(contained);
        sleepUntil(start, 400);
        assertNull(expiring.get(key));
        assertFalse(expiring.containsKey(key));
        return;
      }
      assertTrue(round < 20, "20 rounds did not fit put and two reads in 280 ms");
    }
  }

  @Test
  void nullsAreRejectedAsTheSpecSays() {
    assertThrows(NullPointerException.class, () -> cache.get(null));
    assertThrows(NullPointerException.class, () -> cache.put("a", null));
    assertThrows(NullPointerException.class, () -> cache.put(null, "a"));
    assertThrows(NullPointerException.class, () -> cache.getAll(null));
    Set<String> withNull = new HashSet<>();
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> cache.getAll(withNull));
  }

  @Test
  void closedCacheRejectsCallsButKeepsData() {
    cache.put("a", "1");
    String name = cache.getName();
    cache.close();
    assertThrows(IllegalStateException.class, () -> cache.get("a"));
    Cache<String, String> reopened =
        manager.createCache(
            name, new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    assertEquals("1", reopened.get("a"), "close() must not delete data");
  }

  private static void sleepUntil(long startNanos, long millis) throws InterruptedException {
    long remaining = startNanos + TimeUnit.MILLISECONDS.toNanos(millis) - System.nanoTime();
    if (remaining > 0) {
      TimeUnit.NANOSECONDS.sleep(remaining);
    }
  }
}
