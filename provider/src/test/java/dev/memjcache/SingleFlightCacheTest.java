package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
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
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Single-flight loading through the cache on a real memcached: concurrent invokes on one key run
 * their processors one at a time (Spring's sync = true runs its method once), and concurrent
 * read-through misses of one key run the loader once.
 */
class SingleFlightCacheTest extends CacheTestSupport {

  /** Loads per "cache/key", shared with the loaders (created by factories). */
  static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();

  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  /** A loader that takes 200 ms and counts its calls per key. */
  static final class SlowLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;

    SlowLoader(String name) {
      this.name = name;
    }

    @Override
    public String load(String key) {
      LOADS.computeIfAbsent(name + "/" + key, k -> new AtomicInteger()).incrementAndGet();
      return slowValueOf(key);
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> all = new HashMap<>();
      keys.forEach(k -> all.put(k, load(k)));
      return all;
    }
  }

  /** What Spring's JCacheCache#get(key, valueLoader) does: the value loader inside a processor. */
  static final class ValueLoaderProcessor
      implements EntryProcessor<String, String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String process(
        javax.cache.processor.MutableEntry<String, String> entry, Object... arguments) {
      if (entry.exists()) {
        return entry.getValue();
      }
      try {
        @SuppressWarnings("unchecked")
        String value = ((Callable<String>) arguments[0]).call();
        entry.setValue(value);
        return value;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private Cache<String, String> readThroughCache(CacheManager manager) {
    String name = uniqueCacheName();
    return manager.createCache(
        name,
        new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setReadThrough(true)
            .setCacheLoaderFactory(FactoryBuilder.factoryOf(new SlowLoader(name))));
  }

  private <T> List<T> inParallel(int threads, Callable<T> call) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return call.call();
              }));
    }
    start.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(30, TimeUnit.SECONDS));
    }
    return results;
  }

  @Test
  void eightConcurrentSyncStyleInvokesRunTheBodyOnce() throws Exception {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    AtomicInteger bodyRuns = new AtomicInteger();
    Callable<String> body =
        () -> {
          int run = bodyRuns.incrementAndGet();
          Thread.sleep(100);
          return "body-" + run;
        };
    List<String> results = inParallel(8, () -> cache.invoke("k", new ValueLoaderProcessor(), body));
    assertEquals(1, bodyRuns.get());
    assertEquals(
        List.of("body-1", "body-1", "body-1", "body-1", "body-1", "body-1", "body-1", "body-1"),
        results);
    assertEquals("body-1", cache.get("k"));
  }

  @Test
  void concurrentInvokesOnOneKeyEachApplyOnceWithoutLostUpdates() throws Exception {
    Cache<String, Integer> cache = newCache(newManager(""), String.class, Integer.class);
    AtomicInteger processorRuns = new AtomicInteger();
    inParallel(
        8,
        () -> {
          for (int i = 0; i < 10; i++) {
            cache.invoke(
                "counter",
                (entry, args) -> {
                  processorRuns.incrementAndGet();
                  entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
                  return null;
                });
          }
          return null;
        });
    assertEquals(80, cache.get("counter"));
    assertEquals(80, processorRuns.get(), "no processor ran twice");
  }

  @Test
  void eightConcurrentReadThroughMissesRunTheLoaderOnce() throws Exception {
    Cache<String, String> cache = readThroughCache(newManager(""));
    List<String> results = inParallel(8, () -> cache.get("k"));
    assertEquals(
        List.of(
            "loaded-k",
            "loaded-k",
            "loaded-k",
            "loaded-k",
            "loaded-k",
            "loaded-k",
            "loaded-k",
            "loaded-k"),
        results);
    assertEquals(1, LOADS.get(cache.getName() + "/k").get());
  }

  @Test
  void overlappingGetAllsAndGetsLoadEachMissingKeyOnce() throws Exception {
    Cache<String, String> cache = readThroughCache(newManager(""));
    List<Map<String, String>> results = inParallel(6, () -> cache.getAll(Set.of("a", "b", "c")));
    for (Map<String, String> r : results) {
      assertEquals(Map.of("a", "loaded-a", "b", "loaded-b", "c", "loaded-c"), r);
    }
    for (String key : List.of("a", "b", "c")) {
      assertEquals(1, LOADS.get(cache.getName() + "/" + key).get(), key);
    }
  }

  @Test
  void concurrentInvokeLoadsThroughGetValueRunTheLoaderOnce() throws Exception {
    Cache<String, String> cache = readThroughCache(newManager(""));
    List<String> results =
        inParallel(8, () -> cache.invoke("k", (entry, args) -> entry.getValue()));
    assertEquals(8, results.stream().filter("loaded-k"::equals).count());
    assertEquals(1, LOADS.get(cache.getName() + "/k").get());
  }

  @Test
  void aProcessorMayTouchItsOwnKeyAgain() {
    Cache<String, String> cache = readThroughCache(newManager(""));
    String result =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                cache.invoke(
                    "k",
                    (entry, args) -> {
                      String viaGet = cache.get("k");
                      String nested = cache.invoke("k", (inner, a) -> inner.getValue());
                      return viaGet + "/" + nested + "/" + entry.getValue();
                    }));
    assertEquals("loaded-k/loaded-k/loaded-k", result);
  }
}
