package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.Test;

/**
 * The node metrics count what they name on a real memcached, per cache and in the manager's totals
 * (which keep the counts of closed caches): degraded reads and dropped writes of a hung server
 * under {@code failureMode=degrade}, refused classes, single-flight waits, load-lease waits across
 * two managers, asynchronous operations in flight.
 */
class NodeMetricsTest extends CacheTestSupport {

  private static final long TIMEOUT_MILLIS = 300;

  /** Blocks the loads of the tests below until released; counts nothing itself. */
  static volatile CountDownLatch release = new CountDownLatch(0);

  /** A loader that waits for {@link #release} (at most 10 s), then loads "loaded-" + key. */
  static final class GatedLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String load(String key) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "loaded-" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException("not used");
    }
  }

  private static Cache<String, String> readThrough(CacheManager manager, String name) {
    return manager.createCache(
        name,
        new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setReadThrough(true)
            .setCacheLoaderFactory(new FactoryBuilder.SingletonFactory<>(new GatedLoader())));
  }

  private static void awaitCount(LongSupplier count, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count.getAsLong() < expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(expected, count.getAsLong());
  }

  @Test
  void degradedReadsAndDroppedWritesOfAHungServerAreCountedAndKeptAfterClose() {
    MemcachedCacheManager manager =
        (MemcachedCacheManager)
            newManager("failureMode=degrade&operationTimeoutMillis=" + TIMEOUT_MILLIS);
    Cache<String, String> cache = newCache(manager, String.class, String.class);
    Cache<String, String> other = newCache(manager, String.class, String.class);
    MemcachedCache<?, ?> counted = cache.unwrap(MemcachedCache.class);
    MEMCACHED.server().pause();
    try {
      assertNull(cache.get("a"));
      assertFalse(cache.containsKey("a"));
      assertEquals(Map.of(), cache.getAll(java.util.Set.of("a", "b")));
      cache.put("a", "1");
      cache.remove("a");
      other.put("b", "2");
    } finally {
      MEMCACHED.server().resume();
    }
    assertEquals(3, counted.degradedReadCount());
    assertEquals(2, counted.droppedWriteCount());
    assertEquals(1, other.unwrap(MemcachedCache.class).droppedWriteCount());
    NodeMetrics metrics = manager.nodeMetrics();
    assertEquals(3, metrics.getDegradedReads());
    assertEquals(3, metrics.getDroppedWrites());
    assertTrue(metrics.getTimeouts() >= 1, metrics.toString());

    cache.close();
    assertEquals(3, manager.nodeMetrics().getDegradedReads(), "a closed cache's reads still count");
    assertEquals(3, manager.nodeMetrics().getDroppedWrites());
  }

  @Test
  void failModeCountsNoDegradedCalls() {
    MemcachedCacheManager manager =
        (MemcachedCacheManager) newManager("operationTimeoutMillis=" + TIMEOUT_MILLIS);
    Cache<String, String> cache = newCache(manager, String.class, String.class);
    MEMCACHED.server().pause();
    try {
      assertThrows(CacheException.class, () -> cache.get("a"));
      assertThrows(CacheException.class, () -> cache.put("a", "1"));
    } finally {
      MEMCACHED.server().resume();
    }
    NodeMetrics metrics = manager.nodeMetrics();
    assertEquals(0, metrics.getDegradedReads() + metrics.getDroppedWrites(), metrics.toString());
    assertEquals(2, metrics.getTimeouts(), metrics.toString());
  }

  @Test
  void refusedClassesAreCountedPerCacheAndInTheManager() {
    // no allowPackages: the test's Person class is refused here
    MemcachedCacheManager manager = (MemcachedCacheManager) newManager(URI.create(MEMCACHED.uri()));
    Cache<String, Object> cache =
        manager.createCache(
            uniqueCacheName(),
            new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
    Cache<String, Object> writer = allowingWriter(cache);
    writer.put("p", new Person("Bob", 1, Map.of(), List.of()));
    assertNull(cache.get("p"));
    assertNull(cache.get("p"));
    assertEquals(2, cache.unwrap(MemcachedCache.class).refusedClassCount());
    assertEquals(2, manager.nodeMetrics().getRefusedClasses());
  }

  @Test
  void aReadThroughMissWaitingForAnotherThreadsLoadIsASingleFlightWait() throws Exception {
    MemcachedCacheManager manager = (MemcachedCacheManager) newManager("");
    Cache<String, String> cache = readThrough(manager, uniqueCacheName());
    MemcachedCache<?, ?> counted = cache.unwrap(MemcachedCache.class);
    release = new CountDownLatch(1);
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> cache.get("k"));
    CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> cache.get("k"));
    awaitCount(counted::singleFlightWaitCount, 1);
    release.countDown();
    assertEquals("loaded-k", first.get(10, TimeUnit.SECONDS));
    assertEquals("loaded-k", second.get(10, TimeUnit.SECONDS));
    assertEquals(1, counted.singleFlightWaitCount());
    assertEquals(1, manager.nodeMetrics().getSingleFlightWaits());
    assertEquals(0, counted.loadLeaseWaitCount(), "no load lease configured");
  }

  @Test
  void aLoadWaitingForAnotherManagersLeaseIsALoadLeaseWait() throws Exception {
    String name = uniqueCacheName();
    String lease = "cache." + name + ".loadLeaseMillis=5s";
    MemcachedCacheManager holder = (MemcachedCacheManager) newManager(lease);
    MemcachedCacheManager waiter = (MemcachedCacheManager) newManager(lease);
    Cache<String, String> held = readThrough(holder, name);
    Cache<String, String> waiting = readThrough(waiter, name);
    release = new CountDownLatch(1);
    CompletableFuture<String> loading = CompletableFuture.supplyAsync(() -> held.get("k"));
    // the holder's load is under way once the lease item exists; the waiter then polls
    Thread.sleep(100);
    CompletableFuture<String> polling = CompletableFuture.supplyAsync(() -> waiting.get("k"));
    MemcachedCache<?, ?> counted = waiting.unwrap(MemcachedCache.class);
    awaitCount(counted::loadLeaseWaitCount, 1);
    release.countDown();
    assertEquals("loaded-k", loading.get(10, TimeUnit.SECONDS));
    assertEquals("loaded-k", polling.get(10, TimeUnit.SECONDS));
    assertEquals(1, waiter.nodeMetrics().getLoadLeaseWaits());
    assertEquals(0, holder.nodeMetrics().getLoadLeaseWaits(), "the holder did not wait");
  }

  @Test
  void asynchronousOperationsInFlightAreAGauge() throws Exception {
    MemcachedCacheManager manager =
        (MemcachedCacheManager) newManager("operationTimeoutMillis=" + TIMEOUT_MILLIS);
    Cache<String, String> cache = newCache(manager, String.class, String.class);
    @SuppressWarnings("unchecked")
    AsyncCache<String, String> async = cache.unwrap(AsyncCache.class);
    assertEquals(0, manager.nodeMetrics().getAsyncOperationsInFlight());
    MEMCACHED.server().pause();
    CompletionStage<String> pending;
    try {
      pending = async.get("k");
      assertEquals(1, manager.nodeMetrics().getAsyncOperationsInFlight());
    } finally {
      MEMCACHED.server().resume();
    }
    CompletableFuture<String> done = pending.toCompletableFuture();
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException timedOut) {
      // the get may have timed out while the server was stopped: either way it is over
    }
    awaitZero(manager);
  }

  private static void awaitZero(MemcachedCacheManager manager) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (manager.nodeMetrics().getAsyncOperationsInFlight() != 0
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, manager.nodeMetrics().getAsyncOperationsInFlight());
  }
}
