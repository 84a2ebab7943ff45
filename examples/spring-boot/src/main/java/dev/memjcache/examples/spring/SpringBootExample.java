package dev.memjcache.examples.spring;

import dev.memjcache.examples.spring.model.Book;
import dev.memjcache.examples.spring.model.BookQuery;
import dev.memjcache.testkit.MemcachedProcess;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.cache.configuration.MutableConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot's cache abstraction on MemJCache through {@code memjcache-spring-boot-starter}
 * ({@code spring.cache.type=jcache}, see {@code application.properties}): {@code @Cacheable},
 * {@code @CachePut}, {@code @CacheEvict} (also {@code allEntries}), {@code sync = true}, the
 * actuator's cache metrics and MemJCache's health.
 *
 * <p>MemJCache gets two settings only, as Spring Boot properties: {@code memjcache.allow-packages}
 * (the application's model package, in {@code application.properties}) and {@code
 * memjcache.servers} (e.g. {@code -Dmemjcache.servers=10.0.0.5:11211,10.0.0.6:11211} or {@code
 * MEMJCACHE_SERVERS}). Without servers, {@link #main} starts a private memcached on a free loopback
 * port and stops it at the end.
 */
@SpringBootApplication
@EnableCaching
public class SpringBootExample {

  /** The application's model package: the only package MemJCache is told to trust. */
  public static final String MODEL_PACKAGE = "dev.memjcache.examples.spring.model";

  /**
   * The configuration Spring Boot creates the {@code spring.cache.cache-names} caches with:
   * statistics on, for the actuator's {@code cache.gets}, {@code cache.puts} and {@code
   * cache.removals}.
   */
  @Bean
  public javax.cache.configuration.Configuration<Object, Object> cacheConfiguration() {
    return new MutableConfiguration<>().setStatisticsEnabled(true);
  }

  /**
   * Runs the example.
   *
   * @param args Spring Boot arguments
   * @throws Exception when memcached cannot be started or reached
   */
  public static void main(String[] args) throws Exception {
    MemcachedProcess privateServer = null;
    if (System.getProperty("memjcache.servers") == null
        && System.getenv("MEMJCACHE_SERVERS") == null) {
      privateServer = MemcachedProcess.start();
      System.setProperty("memjcache.servers", privateServer.address());
      System.out.println("started a private memcached at " + privateServer.address());
    }
    try (ConfigurableApplicationContext context =
        SpringApplication.run(SpringBootExample.class, args)) {
      demo(context.getBean(BookService.class), context.getBean(MeterRegistry.class));
      System.out.println(
          "MemJCache health: "
              + context.getBean("memjcacheHealthContributor", HealthIndicator.class).health());
    } finally {
      if (privateServer != null) {
        privateServer.close();
        System.out.println("stopped the private memcached");
      }
    }
  }

  private static void demo(BookService books, MeterRegistry metrics) throws Exception {
    System.out.println(
        "find(111) = "
            + books.find("111")
            + ", again = "
            + books.find("111")
            + "; the method ran "
            + books.runs("find")
            + " time(s)");
    System.out.println(
        "find(999) = "
            + books.find("999")
            + ", again = "
            + books.find("999")
            + " (null is cached too); the method ran "
            + books.runs("find")
            + " time(s)");
    books.save(new Book("111", "Dune (2nd ed.)", "Herbert"));
    System.out.println("after @CachePut: find(111) = " + books.find("111"));
    books.delete("111");
    System.out.println("after @CacheEvict: find(111) = " + books.find("111"));

    books.byAuthor("Herbert", 0);
    books.search(new BookQuery("Austen", 0));
    books.bestsellers();
    books.evictLists();
    books.byAuthor("Herbert", 0);
    System.out.println(
        "after @CacheEvict(allEntries = true): byAuthor ran "
            + books.runs("byAuthor")
            + " times (once before, once after the eviction)");

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(pool.submit(() -> books.price("111")));
      }
      for (Future<?> call : calls) {
        call.get();
      }
    } finally {
      pool.shutdown();
    }
    System.out.println(
        "8 concurrent price(111) calls with sync = true: the method ran "
            + books.runs("price")
            + " time(s)");
    for (String result : List.of("hit", "miss")) {
      System.out.println(
          "actuator cache.gets{cache=books,result="
              + result
              + "} = "
              + metrics
                  .get("cache.gets")
                  .tags("cache", "books", "result", result)
                  .functionCounter()
                  .count());
    }
  }
}
