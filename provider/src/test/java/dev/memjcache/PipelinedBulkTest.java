package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListenerFuture;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import org.junit.jupiter.api.Test;

/**
 * invokeAll, getAll with read-through, putAll, loadAll and removeAll(keys): their reads and writes
 * are pipelined (a call over 100 keys waits for a few round trips, measured through a {@link
 * DelayingProxy}), only conflicting keys are retried and no increment of another manager is lost,
 * the loader and writer are called once per batch, and events stay exact.
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

  /** +1 on an Integer entry (1 when absent), counting its runs by key. */
  private static EntryProcessor<String, Integer, Integer> increment(
      Map<String, AtomicInteger> runs) {
    return (entry, args) -> {
      runs.computeIfAbsent(entry.getKey(), k -> new AtomicInteger()).incrementAndGet();
      int next = entry.exists() ? entry.getValue() + 1 : 1;
      entry.setValue(next);
      return next;
    };
  }

  @Test
  void invokeAllLosesNoIncrementToAnotherManagerAndRetriesOnlyTheKeysItChanged() throws Exception {
    String name = uniqueCacheName();
    MutableConfiguration<String, Integer> config =
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class);
    Cache<String, Integer> cache = newManager("").createCache(name, config);
    Cache<String, Integer> second = newManager("").createCache(name, config);
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < 100; i++) {
      keys.add("k" + i);
    }
    List<String> hammered = new ArrayList<>();
    for (int i = 10; i < 100; i += 10) {
      hammered.add("k" + i);
    }
    hammered.add("k99");
    Map<String, AtomicInteger> secondIncrements = new ConcurrentHashMap<>();
    EntryProcessor<String, Integer, Integer> secondIncrement = increment(new ConcurrentHashMap<>());
    Runnable hammerOnce =
        () -> {
          for (String key : hammered) {
            second.invoke(key, secondIncrement);
            secondIncrements.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          }
        };
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    EntryProcessor<String, Integer, Integer> counted = increment(runs);
    AtomicInteger currentRound = new AtomicInteger();
    AtomicInteger triggered = new AtomicInteger(-1);
    EntryProcessor<String, Integer, Integer> increment =
        (entry, args) -> {
          int round = currentRound.get();
          if (entry.getKey().equals("k1") && triggered.getAndSet(round) != round) {
            // every read of the round was sent before this first run of k1: the hammered keys'
            // reads are now stale, so their writes conflict
            hammerOnce.run();
          }
          return counted.process(entry, args);
        };
    AtomicBoolean stop = new AtomicBoolean();
    Thread hammer =
        new Thread(
            () -> {
              while (!stop.get()) {
                hammerOnce.run();
              }
            },
            "second-manager-hammer");
    hammer.start();
    int rounds = 20;
    try {
      for (int round = 0; round < rounds; round++) {
        currentRound.set(round);
        Map<String, EntryProcessorResult<Integer>> results = cache.invokeAll(keys, increment);
        assertEquals(keys, results.keySet());
        for (EntryProcessorResult<Integer> result : results.values()) {
          assertTrue(result.get() > round, "each key's result is its new count");
        }
      }
    } finally {
      stop.set(true);
      hammer.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertFalse(hammer.isAlive());
    Map<String, Integer> expected = new HashMap<>();
    for (String key : keys) {
      AtomicInteger byOther = secondIncrements.get(key);
      expected.put(key, rounds + (byOther == null ? 0 : byOther.get()));
    }
    assertEquals(expected, cache.getAll(keys), "every increment of both managers is there");
    int retries = 0;
    for (String key : keys) {
      int ran = runs.get(key).get();
      if (hammered.contains(key)) {
        assertTrue(ran > rounds, key + " ran " + ran + " times, though its reads went stale");
        retries += ran - rounds;
      } else {
        assertEquals(rounds, ran, key + " was written by invokeAll alone: no retry");
      }
    }
    assertTrue(
        retries >= hammered.size() * rounds / 2,
        retries + " retries; each round made every hammered key's read stale");
  }

  @Test
  void bulkCallsWaitForAFewRoundTripsWhateverTheNumberOfKeys() throws Exception {
    long delay = 20;
    try (DelayingProxy proxy = DelayingProxy.start(MEMCACHED.server().port(), delay)) {
      CacheManager manager =
          newManager(
              URI.create(
                  "memcached://127.0.0.1:"
                      + proxy.port()
                      + "?allowPackages=dev.memjcache&operationTimeoutMillis=5000"));
      Cache<String, Integer> cache =
          manager.createCache(
              uniqueCacheName(),
              new MutableConfiguration<String, Integer>()
                  .setTypes(String.class, Integer.class)
                  .setReadThrough(true)
                  .setCacheLoaderFactory(FactoryBuilder.factoryOf(new LengthLoader()))
                  // an access expiry: each hit of getAll rewrites its entry's expiry (cas)
                  .setExpiryPolicyFactory(
                      AccessedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 1)))
                  // a listener of creations and updates: putAll must know whether entries existed
                  .addCacheEntryListenerConfiguration(
                      new MutableCacheEntryListenerConfiguration<String, Integer>(
                          FactoryBuilder.factoryOf(new Updates()), null, false, true)));
      Map<String, Integer> hundred = new LinkedHashMap<>();
      for (int i = 0; i < 100; i++) {
        hundred.put("k" + i, 0);
      }
      cache.putAll(hundred); // also reads the generation, once
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      EntryProcessor<String, Integer, Integer> increment = increment(runs);

      // the baseline: 10 invoke calls, a gets and a cas round trip each
      long tenInvokes =
          millis(
              () ->
                  hundred.keySet().stream().limit(10).forEach(key -> cache.invoke(key, increment)));
      long invokeAll = millis(() -> cache.invokeAll(hundred.keySet(), increment));
      Map<String, Integer> expected = new HashMap<>();
      hundred.keySet().forEach(k -> expected.put(k, runs.get(k).get()));
      assertEquals(expected, cache.getAll(hundred.keySet()));
      Map<String, Integer> fives = new LinkedHashMap<>();
      hundred.keySet().forEach(k -> fives.put(k, 5));
      long putAll = millis(() -> cache.putAll(fives));
      long getAllHits = millis(() -> assertEquals(fives, cache.getAll(hundred.keySet())));
      long removeAll = millis(() -> cache.removeAll(hundred.keySet()));
      Map<String, Integer> lengths = new HashMap<>();
      hundred.keySet().forEach(k -> lengths.put(k, k.length()));
      Set<String> half = new LinkedHashSet<>(List.copyOf(hundred.keySet()).subList(0, 50));
      long loadAll =
          millis(
              () -> {
                CompletionListenerFuture done = new CompletionListenerFuture();
                cache.loadAll(half, false, done);
                try {
                  done.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
      long getAll = millis(() -> assertEquals(lengths, cache.getAll(hundred.keySet())));
      assertEquals(lengths, cache.getAll(hundred.keySet()), "getAll stored what it loaded");

      String times =
          String.format(
              "%d ms for 10 invokes; over 100 keys: invokeAll %d ms, putAll %d ms, getAll of"
                  + " hits with access expiry %d ms, removeAll %d ms; loadAll of 50 absent"
                  + " keys %d ms; getAll with read-through of 50 %d ms",
              tenInvokes, invokeAll, putAll, getAllHits, removeAll, loadAll, getAll);
      assertTrue(tenInvokes >= 20 * delay, "10 invokes wait for 20 round trips: " + times);
      for (long bulk : new long[] {invokeAll, putAll, getAllHits, removeAll, loadAll, getAll}) {
        assertTrue(bulk < tenInvokes, "each bulk call is faster than 10 invokes: " + times);
      }
    }
  }

  private static long millis(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** Loads the length of the key. */
  static final class LengthLoader implements CacheLoader<String, Integer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer load(String key) {
      return key.length();
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      Map<String, Integer> loaded = new HashMap<>();
      keys.forEach(k -> loaded.put(k, k.length()));
      return loaded;
    }
  }

  /** Listens to creations and updates (and does nothing with them). */
  static final class Updates
      implements CacheEntryCreatedListener<String, Integer>,
          CacheEntryUpdatedListener<String, Integer>,
          Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {}

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {}
  }
}
