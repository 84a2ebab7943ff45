package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.processor.EntryProcessorResult;
import org.junit.jupiter.api.Test;

/**
 * invokeAll, getAll with read-through, putAll and removeAll(keys) with write-through: their reads
 * are pipelined, only conflicting keys are retried, the loader and writer are called once per
 * batch, and events stay exact.
 */
class PipelinedBulkTest extends CacheTestSupport {

  /** Processor runs by key (one test at a time uses it). */
  static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

  /** The other manager's view of the cache, changing entries while invokeAll runs. */
  static volatile Cache<String, Integer> other;

  @Test
  void invokeAllRetriesOnlyTheKeysAnotherManagerChangedMidWay() {
    String name = uniqueCacheName();
    MutableConfiguration<String, Integer> config =
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class);
    Cache<String, Integer> cache = newManager("").createCache(name, config);
    other = newManager("").createCache(name, config);
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < 10; i++) {
      keys.add("k" + i);
      cache.put("k" + i, i);
    }
    RUNS.clear();
    Map<String, EntryProcessorResult<Integer>> results =
        cache.invokeAll(
            keys,
            (entry, args) -> {
              int run =
                  RUNS.computeIfAbsent(entry.getKey(), k -> new AtomicInteger()).incrementAndGet();
              if (entry.getKey().equals("k1") && run == 1) {
                // after every read was sent: k5's and k8's reads are now stale
                other.put("k5", 50);
                other.put("k8", 80);
              }
              int next = entry.getValue() + 1;
              entry.setValue(next);
              return next;
            });
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      expected.put("k" + i, i + 1);
    }
    expected.put("k5", 51);
    expected.put("k8", 81);
    Map<String, Integer> returned = new HashMap<>();
    results.forEach((k, r) -> returned.put(k, r.get()));
    assertEquals(expected, returned);
    assertEquals(expected, cache.getAll(keys));
    Map<String, Integer> runs = new HashMap<>();
    RUNS.forEach((k, n) -> runs.put(k, n.get()));
    Map<String, Integer> expectedRuns = new HashMap<>();
    keys.forEach(k -> expectedRuns.put(k, k.equals("k5") || k.equals("k8") ? 2 : 1));
    assertEquals(expectedRuns, runs, "only the keys changed mid-way ran again");
  }

  /** Loader counting its calls; 200 ms per batch, like a database. */
  static final class CountingLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String load(String key) {
      calls.add("load " + key);
      return "loaded-" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new HashMap<>();
      Set<String> sorted = new TreeSet<>();
      keys.forEach(
          k -> {
            sorted.add(k);
            loaded.put(k, "loaded-" + k);
          });
      calls.add("loadAll " + sorted);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return loaded;
    }
  }

  @Test
  void getAllWithReadThroughCallsLoadAllOnceForTheMissesAndOncePerKeyAcrossCallers()
      throws Exception {
    CountingLoader loader = new CountingLoader();
    Cache<String, String> cache =
        newManager("")
            .createCache(
                uniqueCacheName(),
                new MutableConfiguration<String, String>()
                    .setTypes(String.class, String.class)
                    .setReadThrough(true)
                    .setCacheLoaderFactory(FactoryBuilder.factoryOf(loader)));
    cache.put("a", "A");
    cache.put("b", "B");
    Map<String, String> all = cache.getAll(Set.of("a", "b", "c", "d", "e"));
    assertEquals(
        Map.of("a", "A", "b", "B", "c", "loaded-c", "d", "loaded-d", "e", "loaded-e"), all);
    assertEquals(List.of("loadAll [c, d, e]"), loader.calls);

    // two callers missing the same keys at once: each key is loaded once in this JVM
    loader.calls.clear();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Map<String, String>>> both = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        both.add(
            pool.submit(
                () -> {
                  go.await();
                  return cache.getAll(Set.of("x", "y", "z"));
                }));
      }
      go.countDown();
      for (Future<Map<String, String>> f : both) {
        assertEquals(
            Map.of("x", "loaded-x", "y", "loaded-y", "z", "loaded-z"), f.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> loadedKeys = new ArrayList<>();
    for (String call : loader.calls) {
      for (String k : call.replaceAll("load(All)? \\[?|\\]", "").split(", ")) {
        loadedKeys.add(k);
      }
    }
    Collections.sort(loadedKeys);
    assertEquals(List.of("x", "y", "z"), loadedKeys, "calls: " + loader.calls);
  }

  /** Writer recording its batch calls. */
  static final class BatchWriter implements CacheWriter<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      calls.add("write " + entry.getKey());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      Set<String> keys = new TreeSet<>();
      entries.forEach(e -> keys.add(e.getKey()));
      calls.add("writeAll " + keys);
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      calls.add("delete " + key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      calls.add("deleteAll " + new TreeSet<Object>(keys));
      keys.clear();
    }
  }

  /** Records REMOVED events. */
  static final class Removals implements CacheEntryRemovedListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    final List<String> removed = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> removed.add(e.getKey() + "=" + e.getOldValue()));
    }
  }

  @Test
  void putAllAndRemoveAllCallTheWriterOncePerBatchAndRaiseExactEvents() {
    BatchWriter writer = new BatchWriter();
    Removals removals = new Removals();
    CacheManager manager = newManager("");
    Cache<String, String> cache =
        manager.createCache(
            uniqueCacheName(),
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setWriteThrough(true)
                .setCacheWriterFactory(FactoryBuilder.factoryOf(writer))
                .addCacheEntryListenerConfiguration(
                    new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(removals), null, true, true)));
    cache.put("a", "old");
    writer.calls.clear();
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));
    assertEquals(List.of("writeAll [a, b, c]"), writer.calls);
    assertEquals(Map.of("a", "1", "b", "2", "c", "3"), cache.getAll(Set.of("a", "b", "c", "d")));
    writer.calls.clear();
    cache.removeAll(Set.of("a", "c", "d"));
    assertEquals(List.of("deleteAll [a, c, d]"), writer.calls);
    assertEquals(Set.of("a=1", "c=3"), new TreeSet<>(removals.removed));
    assertEquals(2, removals.removed.size(), "one REMOVED per removed entry");
    assertEquals(Map.of("b", "2"), cache.getAll(Set.of("a", "b", "c", "d")));
  }
}
