package dev.memjcache.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedProcess;
import dev.memjcache.testkit.NutcrackerProcess;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring's {@code @CacheEvict(allEntries = true)} ({@code Cache.clear()}, i.e. JCache's {@code
 * removeAll()}) through a real twemproxy ({@code nutcracker}) in front of two real memcached
 * servers, with {@code proxy=true}, in two real Spring contexts, each on its own provider instance
 * as another JVM's would be. Without statistics the eviction is a generation increment, seen by the
 * other application within {@code generationRefreshMillis}; with statistics it removes each entry
 * found through the cache's key index, seen by the other application at once.
 */
class ProxyAllEntriesEvictionTest {

  private static final long REFRESH_MILLIS = 300;
  private static final int TITLES = 200;

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
    backends.forEach(MemcachedProcess::close);
  }

  @Test
  void allEntriesEvictionIsSeenByTheOtherApplicationWithinTheRefreshInterval() throws Exception {
    try (App a = new App(false, REFRESH_MILLIS, "spring-gen");
        App b = new App(false, REFRESH_MILLIS, "spring-gen")) {
      fill(a, b);
      a.titles.evictAll();
      assertEquals(TITLES, a.titles.runs(), "evicting runs no method body");
      Thread.sleep(2 * REFRESH_MILLIS);
      readAll(b);
      assertEquals(TITLES, b.titles.runs(), "b computes every title again after the eviction");
      readAll(a);
      assertEquals(TITLES, a.titles.runs(), "a reads what b cached after the eviction");
    }
  }

  @Test
  void allEntriesEvictionWithStatisticsRemovesEachEntryAtOnce() {
    // a generation increment would stay unseen by b for a minute: b's misses show per-entry deletes
    try (App a = new App(true, 60_000, "spring-index");
        App b = new App(true, 60_000, "spring-index")) {
      fill(a, b);
      a.titles.evictAll();
      // each entry was deleted (found through the key index): no generation to wait for
      readAll(b);
      assertEquals(TITLES, b.titles.runs(), "b computes every title again after the eviction");
      readAll(a);
      assertEquals(TITLES, a.titles.runs(), "a reads what b cached after the eviction");
    }
  }

  /** {@code a} computes and caches every title; {@code b} then reads all of them from memcached. */
  private static void fill(App a, App b) {
    readAll(a);
    assertEquals(TITLES, a.titles.runs());
    readAll(b);
    assertEquals(0, b.titles.runs(), "b reads every title a cached, through the proxy");
  }

  private static void readAll(App app) {
    for (int i = 0; i < TITLES; i++) {
      assertEquals("title of " + i, app.titles.title(Integer.toString(i)));
    }
  }

  /** One application: a JCache manager through the proxy and a Spring context caching on it. */
  private static final class App implements AutoCloseable {
    final CacheManager jcache;
    final AnnotationConfigApplicationContext context;
    final Titles titles;

    App(boolean statistics, long refreshMillis, String keyPrefix) {
      jcache =
          new MemcachedCachingProvider()
              .getCacheManager(
                  URI.create(
                      "memcached://"
                          + proxy.address()
                          + "?proxy=true&operationTimeoutMillis=5000&keyPrefix="
                          + keyPrefix
                          + "&generationRefreshMillis="
                          + refreshMillis),
                  ProxyAllEntriesEvictionTest.class.getClassLoader());
      context = new AnnotationConfigApplicationContext();
      context.registerBean(
          "cacheManager",
          MemJCacheCacheManager.class,
          () -> {
            MemJCacheCacheManager manager = new MemJCacheCacheManager(jcache);
            manager.setDefaultConfiguration(
                new MutableConfiguration<>().setStatisticsEnabled(statistics));
            return manager;
          });
      context.register(Config.class);
      context.refresh();
      titles = context.getBean(Titles.class);
    }

    @Override
    public void close() {
      context.close();
      jcache.close();
    }
  }

  @Configuration
  @EnableCaching
  static class Config {
    @Bean
    Titles titles() {
      return new Titles();
    }
  }

  /** A cached method whose body counts its runs, and its all-entries eviction. */
  static class Titles {
    static final String CACHE = "proxy-titles";
    final AtomicInteger runs = new AtomicInteger();

    /** How often {@link #title} ran (a method: Spring's proxy of this class has no fields). */
    public int runs() {
      return runs.get();
    }

    @Cacheable(CACHE)
    public String title(String isbn) {
      runs.incrementAndGet();
      return "title of " + isbn;
    }

    @CacheEvict(cacheNames = CACHE, allEntries = true)
    public void evictAll() {}
  }
}
