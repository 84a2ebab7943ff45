package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.Test;

/** Two CacheManagers of two CachingProvider instances share entries, as two JVMs would. */
class CrossManagerTest extends CacheTestSupport {

  private <V> Cache<String, V> open(CacheManager manager, String name, Class<V> type) {
    return manager.createCache(
        name, new MutableConfiguration<String, V>().setTypes(String.class, type));
  }

  @Test
  void putsRemovesAndClearsAreSeenByTheOtherManager() throws Exception {
    String name = uniqueCacheName();
    Cache<String, String> a = open(newManager("generationRefreshMillis=200"), name, String.class);
    Cache<String, String> b = open(newManager("generationRefreshMillis=200"), name, String.class);
    a.put("k", "from a");
    assertEquals("from a", b.get("k"));
    b.put("k", "from b");
    assertEquals("from b", a.get("k"));
    b.remove("k");
    assertNull(a.get("k"));

    a.put("x", "1");
    assertEquals("1", b.get("x"));
    a.clear();
    assertNull(a.get("x"), "the local clear() is seen at once");
    TimeUnit.MILLISECONDS.sleep(250);
    assertNull(b.get("x"), "the other manager sees the clear within its refresh interval");
  }

  @Test
  void eightThreadsReplacingThroughTwoManagersLoseNoUpdate() throws Exception {
    String name = uniqueCacheName();
    Cache<String, Integer> a = open(newManager(""), name, Integer.class);
    Cache<String, Integer> b = open(newManager(""), name, Integer.class);
    a.put("counter", 0);
    int perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        Cache<String, Integer> cache = t % 2 == 0 ? a : b;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    while (true) {
                      Integer current = cache.get("counter");
                      if (cache.replace("counter", current, current + 1)) {
                        break;
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(8 * perThread, a.get("counter"));
  }

  @Test
  void invokeIncrementsThroughTwoManagersLoseNoUpdate() throws Exception {
    String name = uniqueCacheName();
    Cache<String, Long> a = open(newManager(""), name, Long.class);
    Cache<String, Long> b = open(newManager(""), name, Long.class);
    EntryProcessor<String, Long, Long> increment =
        (entry, args) -> {
          long next = (entry.exists() ? entry.getValue() : 0L) + 1;
          entry.setValue(next);
          return next;
        };
    int perThread = 1_000;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        Cache<String, Long> cache = t < 4 ? a : b;
        tasks.add(
            () -> {
              for (int i = 0; i < perThread; i++) {
                cache.invoke("counter", increment);
              }
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get(300, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(8_000L, b.get("counter"));
  }
}
