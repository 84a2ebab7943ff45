package dev.memjcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.AsyncCache;
import dev.memjcache.spi.MemcachedCachingProvider;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.management.CacheStatisticsMXBean;
import javax.management.JMX;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MemJCache through a real twemproxy ({@code nutcracker}, {@code distribution: ketama}, {@code
 * auto_eject_hosts: true}) in front of two memcached servers, with {@code proxy=true}: atomic
 * operations across managers, {@code clear()} seen by another manager within {@code
 * generationRefreshMillis}, {@code removeAll()} as a clear, {@code iterator()} and an observed
 * {@code removeAll()} through the key index, {@code maxItemBytes}. Each manager comes from its own
 * provider instance, as another JVM's would.
 */
class ProxyTopologyTest {

  private static final long REFRESH_MILLIS = 300;

  private static ProxiedServers proxy;

  @BeforeAll
  static void start() {
    proxy = ProxiedServers.start();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
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
  void removeAllWithNothingToHonourClears() {
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
      assertFalse(a.iterator().hasNext(), "the new generation's key index is empty");
    }
  }

  @Test
  void iteratorReturnsExactlyTheLiveEntriesWrittenByTwoManagers() {
    try (CacheManager first = manager(proxy.address(), "");
        CacheManager second = manager(proxy.address(), "")) {
      Cache<String, Integer> a = counters(first, "proxy-iterate");
      Cache<String, Integer> b = counters(second, "proxy-iterate");
      Map<String, Integer> expected = new HashMap<>();
      for (int i = 0; i < 200; i++) {
        (i % 2 == 0 ? a : b).put("k" + i, i);
        expected.put("k" + i, i);
      }
      Map<String, Integer> bulk = new HashMap<>();
      for (int i = 200; i < 300; i++) {
        bulk.put("k" + i, i);
      }
      b.putAll(bulk);
      expected.putAll(bulk);
      assertTrue(a.putIfAbsent("k300", 300));
      expected.put("k300", 300);
      // the asynchronous view and an entry processor create entries too
      @SuppressWarnings("unchecked")
      AsyncCache<String, Integer> async = b.unwrap(AsyncCache.class);
      async.put("async-put", 1).toCompletableFuture().join();
      assertTrue(async.putIfAbsent("async-add", 2).toCompletableFuture().join());
      async.putAll(Map.of("async-all-1", 3, "async-all-2", 4)).toCompletableFuture().join();
      a.invoke(
          "invoked",
          (entry, args) -> {
            entry.setValue(5);
            return null;
          });
      expected.putAll(
          Map.of("async-put", 1, "async-add", 2, "async-all-1", 3, "async-all-2", 4, "invoked", 5));
      for (int i = 0; i < 300; i += 7) {
        (i % 2 == 0 ? b : a).remove("k" + i); // gone: the index lists it, iteration skips it
        expected.remove("k" + i);
      }
      for (int round = 0; round < 3; round++) {
        a.put("k1", 1); // written again: listed again, returned once
      }
      assertEquals(expected, contents(a));
      assertEquals(expected, contents(b));

      a.clear();
      a.put("after", 1); // in the new generation (b moves there within its refresh interval)
      assertEquals(Map.of("after", 1), contents(a), "a cleared entry is never listed again");
    }
  }

  @Test
  void removeAllWithAListenerOrStatisticsRemovesEachLiveEntry() {
    try (CacheManager first = manager(proxy.address(), "");
        CacheManager second = manager(proxy.address(), "")) {
      List<String> removed = new CopyOnWriteArrayList<>();
      MutableConfiguration<String, Integer> withListener =
          new MutableConfiguration<String, Integer>()
              .setTypes(String.class, Integer.class)
              .addCacheEntryListenerConfiguration(
                  new MutableCacheEntryListenerConfiguration<>(
                      FactoryBuilder.factoryOf(new RemovedKeys(removed)), null, false, true));
      Cache<String, Integer> a = first.createCache("proxy-remove-all-listened", withListener);
      Cache<String, Integer> b = counters(second, "proxy-remove-all-listened");
      Set<String> live = new HashSet<>();
      for (int i = 0; i < 60; i++) {
        b.put("k" + i, i);
        live.add("k" + i);
      }
      b.remove("k5");
      live.remove("k5");
      a.removeAll();
      assertEquals(live, new HashSet<>(removed), "one REMOVED event per live entry");
      assertEquals(live.size(), removed.size());
      assertFalse(b.iterator().hasNext());

      Cache<String, Integer> counted =
          first.createCache(
              "proxy-remove-all-counted",
              new MutableConfiguration<String, Integer>()
                  .setTypes(String.class, Integer.class)
                  .setStatisticsEnabled(true));
      Cache<String, Integer> other = counters(second, "proxy-remove-all-counted");
      for (int i = 0; i < 40; i++) {
        other.put("k" + i, i);
      }
      counted.removeAll();
      assertEquals(40, statistics(first, "proxy-remove-all-counted").getCacheRemovals());
      for (int i = 0; i < 40; i++) {
        assertNull(other.get("k" + i));
      }
    }
  }

  @Test
  void keyIndexOffRefusesIteratorWithTheReason() {
    try (CacheManager manager = manager(proxy.address(), "keyIndex=false")) {
      Cache<String, Integer> cache = counters(manager, "proxy-no-index");
      cache.put("k", 1);
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, () -> cache.iterator().hasNext());
      assertTrue(e.getMessage().contains("keyIndex=false"), e.getMessage());
      cache.removeAll(); // nothing to honour: a clear
      assertNull(cache.get("k"));
    }
  }

  static Map<String, Integer> contents(Cache<String, Integer> cache) {
    Map<String, Integer> found = new HashMap<>();
    for (Cache.Entry<String, Integer> e : cache) {
      assertNull(found.put(e.getKey(), e.getValue()), "listed twice: " + e.getKey());
    }
    return found;
  }

  static CacheStatisticsMXBean statistics(CacheManager manager, String cacheName) {
    try {
      ObjectName name =
          new ObjectName(
              "javax.cache:type=CacheStatistics,CacheManager="
                  + manager.getURI().toString().replaceAll("[,:=\n?*\"]", ".")
                  + ",Cache="
                  + cacheName);
      return JMX.newMXBeanProxy(
          ManagementFactory.getPlatformMBeanServer(), name, CacheStatisticsMXBean.class);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Collects the keys of REMOVED events (synchronous listener). */
  static final class RemovedKeys
      implements CacheEntryRemovedListener<String, Integer>, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final List<String> keys;

    RemovedKeys(List<String> keys) {
      this.keys = keys;
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      for (CacheEntryEvent<? extends String, ? extends Integer> e : events) {
        keys.add(e.getKey());
      }
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
