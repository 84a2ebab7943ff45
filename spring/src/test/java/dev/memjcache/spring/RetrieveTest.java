package dev.memjcache.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;

/**
 * {@link MemJCacheCache} and {@link MemJCacheCacheManager} on their own: {@code retrieve} does not
 * block, completes off spymemcached's I/O thread, and follows the failure mode; the synchronous
 * methods keep Spring's contracts.
 */
class RetrieveTest {

  private static final int TIMEOUT_MILLIS = 500;

  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "spring-continuation");
            t.setDaemon(true);
            return t;
          });
  private MemcachedProcess memcached;
  private CacheManager jcache;

  @AfterEach
  void stop() {
    if (jcache != null) {
      jcache.close();
    }
    if (memcached != null) {
      memcached.close();
    }
    executor.shutdownNow();
  }

  private MemJCacheCacheManager manager(String options) {
    memcached = MemcachedProcess.start();
    jcache =
        new MemcachedCachingProvider()
            .getCacheManager(
                URI.create(memcached.uri() + "?operationTimeoutMillis=" + TIMEOUT_MILLIS + options),
                getClass().getClassLoader());
    MemJCacheCacheManager manager = new MemJCacheCacheManager(jcache);
    manager.setExecutor(executor);
    manager.afterPropertiesSet();
    return manager;
  }

  /**
   * A cache that has read its generation (the key segment {@code clear()} moves) and whose
   * generation goes stale within the pause ({@code generationRefreshMillis=20}): the provider's
   * re-read must not block the caller either.
   */
  private Cache warmCache(String options) throws Exception {
    Cache cache = manager("&generationRefreshMillis=20" + options).getCache("books");
    assertNull(cache.retrieve("warm-up").get(10, TimeUnit.SECONDS));
    Thread.sleep(40);
    return cache;
  }

  @Test
  void retrieveOfAMissingKeyReturnsBeforeMemcachedAnswersAndCompletesWithNull() throws Exception {
    Cache cache = warmCache("");
    // attached before the answer, so it runs on the thread that completes retrieve's future
    CompletableFuture<String> missOn =
        WhilePaused.start(
            memcached,
            () ->
                cache
                    .retrieve("missing")
                    .thenApply(v -> v == null ? Thread.currentThread().getName() : "hit " + v));
    assertEquals(
        "spring-continuation",
        missOn.get(10, TimeUnit.SECONDS),
        "a miss, completed on the configured executor, not on spymemcached's threads");
  }

  @Test
  void retrieveWrapsStoredValuesAndNullValues() throws Exception {
    Cache cache = manager("").getCache("books");
    cache.put("a", "Dune");
    cache.put("n", null);
    assertEquals(NullValue.INSTANCE, jcache.getCache("books").get("n"), "null is stored as such");
    Cache.ValueWrapper a = (Cache.ValueWrapper) cache.retrieve("a").get(10, TimeUnit.SECONDS);
    assertEquals("Dune", a.get());
    Cache.ValueWrapper n = (Cache.ValueWrapper) cache.retrieve("n").get(10, TimeUnit.SECONDS);
    assertNotNull(n, "a cached null is a hit");
    assertNull(n.get());
  }

  @Test
  void withoutNullValuesRetrieveGivesThePlainValueAndLoadedNullsAreNotStored() throws Exception {
    MemJCacheCacheManager manager = new MemJCacheCacheManager(manager("").getCacheManager());
    manager.setAllowNullValues(false);
    manager.afterPropertiesSet();
    Cache cache = manager.getCache("plain");
    cache.put("a", "Dune");
    assertEquals("Dune", cache.retrieve("a").get(10, TimeUnit.SECONDS));
    assertThrows(IllegalArgumentException.class, () -> cache.put("n", null));
    assertNull(
        cache
            .retrieve("n", () -> CompletableFuture.completedFuture(null))
            .get(10, TimeUnit.SECONDS));
    assertFalse(jcache.getCache("plain").containsKey("n"));
  }

  @Test
  void retrieveWithALoaderLoadsOnceAndStores() throws Exception {
    Cache cache = warmCache("");
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> first =
        WhilePaused.start(
            memcached,
            () ->
                cache.retrieve(
                    "k",
                    () -> CompletableFuture.completedFuture("loaded " + loads.incrementAndGet())));
    assertEquals("loaded 1", first.get(10, TimeUnit.SECONDS));
    assertEquals(
        "loaded 1",
        cache
            .retrieve("k", () -> CompletableFuture.completedFuture("loaded again"))
            .get(10, TimeUnit.SECONDS));
    assertEquals(1, loads.get());
    assertEquals("loaded 1", jcache.getCache("books").get("k"));
  }

  @Test
  void withALoadLeaseTwoManagersLoadOnce() throws Exception {
    Cache first = manager("&cache.leased.loadLeaseMillis=5s").getCache("leased");
    try (CacheManager otherJcache =
        new MemcachedCachingProvider()
            .getCacheManager(
                URI.create(memcached.uri() + "?cache.leased.loadLeaseMillis=5s"),
                getClass().getClassLoader())) {
      MemJCacheCacheManager other = new MemJCacheCacheManager(otherJcache);
      other.afterPropertiesSet();
      Cache second = other.getCache("leased");
      AtomicInteger loads = new AtomicInteger();
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        for (Cache cache : List.of(first, second)) {
          results.add(
              cache.retrieve(
                  "k",
                  () ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            loads.incrementAndGet();
                            CacheableTest.sleep(300);
                            return "loaded";
                          })));
        }
      }
      for (CompletableFuture<String> result : results) {
        assertEquals("loaded", result.get(30, TimeUnit.SECONDS));
      }
      assertEquals(1, loads.get(), "one load across both managers");
      other.destroy();
    }
  }

  @Test
  void aLoaderFailureFailsTheFutureAndStoresNothing() {
    Cache cache = manager("").getCache("books");
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<Object> failed =
        cache.retrieve("k", () -> CompletableFuture.failedFuture(boom));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
    assertSame(boom, rootCause(e));
    assertFalse(jcache.getCache("books").containsKey("k"));
  }

  @Test
  void aStoppedServerFailsTheRetrieveWithinTheOperationTimeout() throws Exception {
    Cache cache = manager("").getCache("books");
    memcached.stop();
    long start = System.nanoTime();
    CompletableFuture<?> future = cache.retrieve("k");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertInstanceOf(CacheException.class, rootCauseOrCacheException(e), e.toString());
    assertTrue(millis < TIMEOUT_MILLIS + 2000, "failed after " + millis + " ms");
  }

  @Test
  void aHungServerFailsTheRetrieveAfterTheOperationTimeout() throws Exception {
    Cache cache = warmCache("");
    memcached.pause();
    try {
      long start = System.nanoTime();
      CompletableFuture<?> future = cache.retrieve("k");
      assertTrue(
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < TIMEOUT_MILLIS,
          "the caller does not wait for the timeout");
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertInstanceOf(CacheException.class, rootCauseOrCacheException(e), e.toString());
      assertTrue(millis < TIMEOUT_MILLIS + 2000, "failed after " + millis + " ms");
    } finally {
      memcached.resume();
    }
  }

  @Test
  void aStoppedServerIsAMissUnderDegrade() throws Exception {
    Cache cache = manager("&failureMode=degrade").getCache("books");
    cache.put("k", "v");
    memcached.stop();
    assertNull(cache.retrieve("k").get(10, TimeUnit.SECONDS));
  }

  @Test
  void syncGetRunsTheLoaderOnlyOnAMissAndWrapsItsFailure() {
    Cache cache = manager("").getCache("books");
    assertEquals("one", cache.get("s", () -> "one"));
    assertEquals("one", cache.get("s", () -> "two"));
    assertNull(cache.get("nothing", () -> null));
    assertEquals(NullValue.INSTANCE, jcache.getCache("books").get("nothing"));
    Exception cause = new Exception("no database");
    Cache.ValueRetrievalException e =
        assertThrows(
            Cache.ValueRetrievalException.class,
            () ->
                cache.get(
                    "f",
                    () -> {
                      throw cause;
                    }));
    assertSame(cause, e.getCause());
    assertFalse(jcache.getCache("books").containsKey("f"));
  }

  @Test
  void putIfAbsentKeepsTheCachedValue() {
    Cache cache = manager("").getCache("books");
    assertNull(cache.putIfAbsent("p", "first"));
    Cache.ValueWrapper existing = cache.putIfAbsent("p", "second");
    assertNotNull(existing);
    assertEquals("first", existing.get());
    assertEquals("first", jcache.getCache("books").get("p"));
    assertTrue(cache.evictIfPresent("p"));
    assertFalse(cache.evictIfPresent("p"));
  }

  @Test
  void missingCachesAreCreatedOrResolveToNothing() {
    MemJCacheCacheManager creating = manager("");
    assertNotNull(creating.getCache("created"));
    assertNotNull(jcache.getCache("created"), "created in the JCache manager");

    MemJCacheCacheManager strict = new MemJCacheCacheManager(jcache);
    strict.setDefaultConfiguration(null);
    strict.afterPropertiesSet();
    assertNotNull(strict.getCache("created"), "existing JCache caches are found");
    assertNull(strict.getCache("unknown"));
    assertNull(jcache.getCache("unknown"));

    MemJCacheCacheManager named = new MemJCacheCacheManager(jcache);
    named.setDefaultConfiguration(new MutableConfiguration<>());
    named.setCacheNames(List.of("atStartup"));
    named.afterPropertiesSet();
    assertNotNull(jcache.getCache("atStartup"));
    assertTrue(named.getCacheNames().contains("atStartup"));

    MemJCacheCacheManager refusing = new MemJCacheCacheManager(jcache);
    refusing.setDefaultConfiguration(null);
    refusing.setCacheNames(List.of("neverCreated"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, refusing::afterPropertiesSet);
    assertTrue(e.getMessage().contains("neverCreated"), e.getMessage());
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The first {@link CacheException} in the cause chain, else the root cause. */
  private static Throwable rootCauseOrCacheException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CacheException) {
        return c;
      }
    }
    return rootCause(t);
  }
}
