package dev.memjcache.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.examples.spring.model.Book;
import dev.memjcache.examples.spring.model.BookQuery;
import dev.memjcache.testkit.MemcachedProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application on a real memcached, configured with the server list ({@code
 * memjcache.servers}) and the model package ({@code memjcache.allow-packages} in {@code
 * application.properties}) only, through the starter.
 */
@SpringBootTest(classes = SpringBootExample.class)
class SpringBootCachingTest extends ExampleTestSupport {

  static final MemcachedProcess MEMCACHED = MemcachedProcess.start();
  static final String SERVERS = MEMCACHED.address();

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    registry.add("memjcache.servers", () -> SERVERS);
  }

  @AfterAll
  static void stopMemcached() {
    MEMCACHED.close();
  }

  @Test
  void theSecondCallIsServedFromMemcached() {
    int before = books.runs("find");
    Book first = books.find("111");
    Book second = books.find("111");
    assertEquals(new Book("111", "Dune", "Herbert"), first);
    assertEquals(first, second);
    assertEquals(before + 1, books.runs("find"));
    assertTrue(jcache.getCache("books").containsKey("111"), "the entry is in memcached");
  }

  @Test
  void aSecondApplicationInASecondJvmIsServedFromMemcached() throws Exception {
    assertEquals("Emma", books.find("333").title());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-Dmemjcache.servers=" + SERVERS,
                "-cp",
                System.getProperty("java.class.path"),
                SecondJvmApp.class.getName(),
                "333")
            .redirectErrorStream(true)
            .start();
    String output;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      output = out.lines().collect(Collectors.joining("\n"));
    } finally {
      if (!child.waitFor(120, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    assertEquals(0, child.exitValue(), output);
    assertTrue(
        output.contains("runs=0 value=Book[isbn=333, title=Emma, author=Austen]"),
        "the second JVM's call did not run the method: " + output);
  }

  @Test
  void nullResultsAreCached() {
    int before = books.runs("find");
    assertNull(books.find("no-such-isbn"));
    assertNull(books.find("no-such-isbn"));
    assertEquals(before + 1, books.runs("find"));
  }

  @Test
  void cachePutAndCacheEvictChangeTheEntry() {
    books.save(new Book("444", "Persuasion", "Austen"));
    int before = books.runs("find");
    assertEquals("Persuasion", books.find("444").title(), "@CachePut stored it");
    assertEquals(before, books.runs("find"));
    books.delete("444");
    assertNull(books.find("444"));
    assertEquals(before + 1, books.runs("find"), "@CacheEvict removed it");
  }

  @Test
  void allEntriesEvictionEmptiesCachesKeyedBySimpleKeyAndByARecord() {
    books.byAuthor("Herbert", 1);
    books.search(new BookQuery("Herbert", 1));
    books.bestsellers();
    int byAuthor = books.runs("byAuthor");
    int search = books.runs("search");
    int bestsellers = books.runs("bestsellers");
    books.byAuthor("Herbert", 1);
    books.search(new BookQuery("Herbert", 1));
    books.bestsellers();
    assertEquals(
        List.of(byAuthor, search, bestsellers),
        List.of(books.runs("byAuthor"), books.runs("search"), books.runs("bestsellers")),
        "cached before the eviction");

    books.evictLists();
    for (String cache : List.of("byAuthor", "search", "bestsellers")) {
      assertFalse(jcache.getCache(cache).iterator().hasNext(), cache + " is empty");
    }
    books.byAuthor("Herbert", 1);
    books.search(new BookQuery("Herbert", 1));
    books.bestsellers();
    assertEquals(
        List.of(byAuthor + 1, search + 1, bestsellers + 1),
        List.of(books.runs("byAuthor"), books.runs("search"), books.runs("bestsellers")),
        "loaded again after the eviction");
  }

  @Test
  void syncTrueWithEightThreadsRunsTheBodyOnce() throws Exception {
    int before = books.runs("price");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<BigDecimal>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(
            pool.submit(
                () -> {
                  start.await();
                  return books.price("sync-isbn");
                }));
      }
      start.countDown();
      for (Future<BigDecimal> call : calls) {
        assertEquals(new BigDecimal("18.99"), call.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(before + 1, books.runs("price"));
  }

  @Test
  void theActuatorsCacheGetsHitAndMissCountsMove() {
    double hits = gets("hit");
    double misses = gets("miss");
    books.find("222");
    books.find("222");
    books.find("222");
    assertEquals(misses + 1, gets("miss"));
    assertEquals(hits + 2, gets("hit"));
  }
}
