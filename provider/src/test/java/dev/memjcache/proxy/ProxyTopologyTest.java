package dev.memjcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedProcess;
import dev.memjcache.testkit.NutcrackerProcess;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MemJCache through a real twemproxy ({@code nutcracker}, {@code distribution: ketama}, {@code
 * auto_eject_hosts: true}) in front of two memcached servers, with {@code proxy=true}: atomic
 * operations across managers, {@code clear()} seen by another manager within {@code
 * generationRefreshMillis}, {@code removeAll()} as a clear, {@code maxItemBytes}. Each manager
 * comes from its own provider instance, as another JVM's would.
 */
class ProxyTopologyTest {

  private static final long REFRESH_MILLIS = 300;

  private static List<MemcachedProcess> backends;
  private static NutcrackerProcess proxy;

  @BeforeAll
  static void start() {
    backends = MemcachedProcess.startAll(2);
    proxy = NutcrackerProcess.start(backends, 500, 30_000, 2);
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backends != null) {
      backends.forEach(MemcachedProcess::close);
    }
  }

  static CacheManager manager(String address, String options) {
    return new MemcachedCachingProvider()
        .getCacheManager(
            URI.create(
                "memcached://"
                    + address
                    + "?proxy=true&operationTimeoutMillis=5000&generationRefreshMillis="
                    + REFRESH_MILLIS
                    + (options.isEmpty() ? "" : "&" + options)),
            ProxyTopologyTest.class.getClassLoader());
  }

  private static Cache<String, Integer> counters(CacheManager manager, String name) {
    Cache<String, Integer> cache = manager.getCache(name, String.class, Integer.class);
    return cache != null
        ? cache
        : manager.createCache(
            name,
            new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
  }

  @Test
  void invokeStaysAtomicAcrossTwoManagers() throws Exception {
    try (CacheManager first = manager(proxy.address(), "");
        CacheManager second = manager(proxy.address(), "")) {
      Cache<String, Integer> a = counters(first, "proxy-count");
      Cache<String, Integer> b = counters(second, "proxy-count");
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<?> one = pool.submit(() -> increment(a, 1000));
        Future<?> two = pool.submit(() -> increment(b, 1000));
        one.get();
        two.get();
      } finally {
        pool.shutdownNow();
      }
      assertEquals(2000, a.get("n"));
      assertEquals(2000, b.get("n"));
      // conditional operations go through the proxy's cas too
      assertTrue(a.replace("n", 2000, 1));
      assertTrue(!b.replace("n", 2000, 5));
      assertTrue(b.remove("n", 1));
      assertNull(a.get("n"));
    }
  }

  private static void increment(Cache<String, Integer> cache, int times) {
    for (int i = 0; i < times; i++) {
      cache.invoke(
          "n",
          (entry, args) -> {
            entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
            return null;
          });
    }
  }

  @Test
  void clearIsSeenByAnotherManagerWithinTheRefreshInterval() throws Exception {
    try (CacheManager first = manager(proxy.address(), "");
        CacheManager second = manager(proxy.address(), "")) {
      Cache<String, Integer> a = counters(first, "proxy-clear");
      Cache<String, Integer> b = counters(second, "proxy-clear");
      for (int i = 0; i < 100; i++) {
        a.put("k" + i, i);
      }
      assertEquals(42, b.get("k42"));
      a.clear();
      long cleared = System.nanoTime();
      assertNull(a.get("k42"), "this manager sees its own clear at once");
      long seenMillis = -1;
      while ((System.nanoTime() - cleared) / 1_000_000 < 4 * REFRESH_MILLIS) {
        if (b.get("k7") == null) {
          seenMillis = (System.nanoTime() - cleared) / 1_000_000;
          break;
        }
        Thread.sleep(10);
      }
      System.out.printf(
          "proxy: clear() seen by a second manager after %d ms (generationRefreshMillis %d)%n",
          seenMillis, REFRESH_MILLIS);
      assertTrue(seenMillis >= 0, "the second manager still reads a cleared entry");
      // a generous bound for a loaded machine: the refresh interval plus one command round
      assertTrue(seenMillis <= REFRESH_MILLIS + 200, "seen after " + seenMillis + " ms");
      for (int i = 0; i < 100; i++) {
        assertNull(b.get("k" + i));
      }
    }
  }

  @Test
  void removeAllWithNothingToHonourClearsAndIteratorSaysWhyItCannot() {
    try (CacheManager first = manager(proxy.address(), "");
        CacheManager second = manager(proxy.address(), "")) {
      Cache<String, Integer> a = counters(first, "proxy-remove-all");
      for (int i = 0; i < 50; i++) {
        a.put("k" + i, i);
      }
      a.removeAll();
      for (int i = 0; i < 50; i++) {
        assertNull(a.get("k" + i));
      }
      Cache<String, Integer> b = counters(second, "proxy-remove-all");
      assertNull(b.get("k3"));
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, () -> a.iterator().hasNext());
      assertTrue(e.getMessage().contains("proxy"), e.getMessage());
    }
  }

  @Test
  void aValueOverMaxItemBytesIsRefusedAndTheOldOneStays() {
    try (CacheManager manager = manager(proxy.address(), "maxItemBytes=4096")) {
      Cache<String, String> cache =
          manager.createCache(
              "proxy-size",
              new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      cache.put("k", "small");
      String big = "x".repeat(8192);
      RuntimeException e = assertThrows(RuntimeException.class, () -> cache.put("k", big));
      System.out.println("proxy: a value over maxItemBytes: " + e);
      assertTrue(String.valueOf(e.getMessage()).contains("4096"), e.toString());
      assertEquals("small", cache.get("k"));
    }
  }
}
