package dev.memjcache.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.support.NullValue;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * {@code @Cacheable} methods in a real Spring context ({@code @EnableCaching}) on {@link
 * MemJCacheCacheManager} and a real memcached: synchronous, {@code sync = true}, {@code Mono} and
 * {@code CompletableFuture} methods, null results, evictions.
 */
class CacheableTest {

  static MemcachedProcess memcached;
  static AnnotationConfigApplicationContext context;
  static CacheManager jcache;
  static Books books;

  @BeforeAll
  static void start() {
    memcached = MemcachedProcess.start();
    jcache =
        new MemcachedCachingProvider()
            .getCacheManager(URI.create(memcached.uri()), CacheableTest.class.getClassLoader());
    context = new AnnotationConfigApplicationContext(Config.class);
    books = context.getBean(Books.class);
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
    if (jcache != null) {
      jcache.close();
    }
    memcached.close();
  }

  @Configuration
  @EnableCaching
  static class Config {
    @Bean
    MemJCacheCacheManager cacheManager() {
      return new MemJCacheCacheManager(jcache);
    }

    @Bean
    Books books() {
      return new Books();
    }
  }

  /** The cached methods; each counts how often its body runs. */
  static class Books {
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Map<String, String> threads = new ConcurrentHashMap<>();

    String thread(String method) {
      return threads.get(method);
    }

    int runs(String method) {
      return runs.computeIfAbsent(method, m -> new AtomicInteger()).get();
    }

    private void ran(String method) {
      threads.put(method, Thread.currentThread().getName());
      runs.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    }

    @Cacheable("titles")
    public String title(String isbn) {
      ran("title");
      return isbn.equals("none") ? null : "title of " + isbn;
    }

    @Cacheable(cacheNames = "slow", sync = true)
    public String slowTitle(String isbn) {
      ran("slowTitle");
      sleep(300);
      return "slow " + isbn;
    }

    @CacheEvict("titles")
    public void evict(String isbn) {}

    @CacheEvict(cacheNames = "titles", allEntries = true)
    public void evictAll() {}

    @CacheEvict(cacheNames = "titles", allEntries = true, beforeInvocation = true)
    public void invalidateAll() {}

    @Cacheable("monos")
    public Mono<String> mono(String isbn) {
      ran("mono");
      return Mono.fromCallable(() -> "mono " + isbn);
    }

    @Cacheable("futures")
    public CompletableFuture<String> future(String isbn) {
      ran("future");
      return CompletableFuture.supplyAsync(() -> isbn.equals("none") ? null : "future " + isbn);
    }

    @Cacheable(cacheNames = "monosOnce", sync = true)
    public Mono<String> monoOnce(String isbn) {
      ran("monoOnce");
      return Mono.fromCallable(
          () -> {
            sleep(300);
            return "mono once " + isbn;
          });
    }

    @Cacheable(cacheNames = "futuresOnce", sync = true)
    public CompletableFuture<String> futureOnce(String isbn) {
      ran("futureOnce");
      return CompletableFuture.supplyAsync(
          () -> {
            sleep(300);
            return "future once " + isbn;
          });
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code call} on 8 threads released together; returns their results. */
  static <T> List<T> eightAtOnce(Callable<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return call.call();
                }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theSecondCallIsServedFromMemcached() {
    int before = books.runs("title");
    assertEquals("title of 1", books.title("1"));
    assertEquals("title of 1", books.title("1"));
    assertEquals(before + 1, books.runs("title"));
    assertEquals("title of 1", jcache.getCache("titles").get("1"), "the entry is in memcached");
  }

  @Test
  void nullResultsAreCachedAsNullValue() {
    int before = books.runs("title");
    assertNull(books.title("none"));
    assertNull(books.title("none"));
    assertEquals(before + 1, books.runs("title"));
    assertEquals(NullValue.INSTANCE, jcache.getCache("titles").get("none"));
  }

  @Test
  void syncTrueRunsTheBodyOnceForEightThreads() throws Exception {
    List<String> results = eightAtOnce(() -> books.slowTitle("s1"));
    results.forEach(r -> assertEquals("slow s1", r));
    assertEquals(1, books.runs("slowTitle"));
  }

  @Test
  void evictAndAllEntriesEvictRemoveFromMemcached() {
    books.title("e1");
    books.title("e2");
    books.title("e3");
    int before = books.runs("title");
    books.evict("e1");
    assertFalse(jcache.getCache("titles").containsKey("e1"));
    assertTrue(jcache.getCache("titles").containsKey("e2"));
    books.title("e1");
    assertEquals(before + 1, books.runs("title"), "evicted: the body ran again");
    books.evictAll();
    assertFalse(jcache.getCache("titles").containsKey("e2"));
    assertFalse(jcache.getCache("titles").containsKey("e3"));
    books.title("e2");
    assertEquals(before + 2, books.runs("title"), "cleared: the body ran again");
  }

  @Test
  void allEntriesEvictionBeforeInvocationInvalidatesTheCache() {
    books.title("i1");
    int before = books.runs("title");
    books.invalidateAll();
    assertFalse(jcache.getCache("titles").containsKey("i1"));
    assertEquals("title of i1", books.title("i1"));
    assertEquals(before + 1, books.runs("title"), "invalidated: the body ran again");
  }

  @Test
  void aMonoIsServedFromMemcachedOnTheSecondCall() {
    int before = books.runs("mono");
    assertEquals("mono m1", books.mono("m1").block(Duration.ofSeconds(10)));
    assertEquals("mono m1", books.mono("m1").block(Duration.ofSeconds(10)));
    assertEquals(before + 1, books.runs("mono"));
    assertEquals("mono m1", jcache.getCache("monos").get("m1"), "the entry is in memcached");
  }

  @Test
  void aCompletableFutureIsServedFromMemcachedOnTheSecondCall() throws Exception {
    int before = books.runs("future");
    assertEquals("future f1", books.future("f1").get(10, TimeUnit.SECONDS));
    // Spring stores a future's value when it completes, after the caller saw it
    awaitEntry("futures", "f1");
    assertEquals("future f1", books.future("f1").get(10, TimeUnit.SECONDS));
    assertEquals(before + 1, books.runs("future"));
  }

  @Test
  void aNullFutureResultIsCachedWithAllowNullValues() throws Exception {
    int before = books.runs("future");
    assertNull(books.future("none").get(10, TimeUnit.SECONDS));
    awaitEntry("futures", "none");
    assertEquals(NullValue.INSTANCE, jcache.getCache("futures").get("none"));
    assertNull(books.future("none").get(10, TimeUnit.SECONDS));
    assertEquals(before + 1, books.runs("future"));
  }

  @Test
  void eightConcurrentFirstMonoCallsRunTheBodyOnce() throws Exception {
    List<String> results = eightAtOnce(() -> books.monoOnce("c1").block(Duration.ofSeconds(30)));
    results.forEach(r -> assertEquals("mono once c1", r));
    assertEquals(1, books.runs("monoOnce"));
    assertEquals("mono once c1", books.monoOnce("c1").block(Duration.ofSeconds(10)));
    assertEquals(1, books.runs("monoOnce"), "the later call is served from memcached");
    assertEquals("mono once c1", jcache.getCache("monosOnce").get("c1"));
  }

  @Test
  void eightConcurrentFirstFutureCallsRunTheBodyOnce() throws Exception {
    List<String> results = eightAtOnce(() -> books.futureOnce("c1").get(30, TimeUnit.SECONDS));
    results.forEach(r -> assertEquals("future once c1", r));
    assertEquals(1, books.runs("futureOnce"));
    assertEquals("future once c1", books.futureOnce("c1").get(10, TimeUnit.SECONDS));
    assertEquals(1, books.runs("futureOnce"), "the later call is served from memcached");
    assertEquals("future once c1", jcache.getCache("futuresOnce").get("c1"));
  }

  @Test
  void onAMissTheBodyRunsOffSpymemcachedsIoThread() throws Exception {
    assertEquals("mono warm", books.mono("warm").block(Duration.ofSeconds(10)));
    CompletableFuture<String> result =
        WhilePaused.start(memcached, () -> books.mono("late").toFuture());
    assertEquals("mono late", result.get(10, TimeUnit.SECONDS));
    assertTrue(
        books.thread("mono").startsWith("memjcache-spring-"),
        "the body ran on " + books.thread("mono"));
  }

  /** Waits (bounded) until the entry is in memcached. */
  static void awaitEntry(String cache, String key) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!jcache.getCache(cache).containsKey(key)) {
      assertTrue(System.nanoTime() < deadline, "no entry " + key + " in " + cache + " after 10 s");
      sleep(10);
    }
  }
}
