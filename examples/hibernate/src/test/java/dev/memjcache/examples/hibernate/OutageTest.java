package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memjcache.MemcachedCache;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate through a memcached outage. With {@code failureMode=degrade} every Hibernate operation
 * keeps working through the database, nothing stale is served once memcached is back, and the cache
 * is used again within seconds. With {@code failureMode=fail} the error is a {@link CacheException}
 * within the operation timeout, never a hang.
 */
class OutageTest extends HibernateTestSupport {

  private static final long OPERATION_TIMEOUT_MILLIS = 500;

  @TempDir Path dir;

  @AfterEach
  void memcachedRunsAgain() {
    if (!MEMCACHED.server().isAlive()) {
      MEMCACHED.server().restart();
    }
  }

  /** The region prefix of the last {@link #open}. */
  private String prefix;

  private SessionFactory open(String failureMode) throws Exception {
    prefix = "outage" + System.nanoTime();
    return open(
        newDatabase(),
        prefix,
        propertiesFile(
            dir,
            "failureMode=" + failureMode,
            "operationTimeoutMillis=" + OPERATION_TIMEOUT_MILLIS),
        Map.of());
  }

  @Test
  void degradeKeepsEveryOperationWorkingAndServesNothingStaleAfterARestart() throws Exception {
    SessionFactory sf = open("degrade");
    Library lib = library(sf);
    Author author = lib.author();
    Book cheap = lib.cheap();
    Book dear = lib.dear();
    sf.inTransaction(s -> s.find(Author.class, author.getId()).getBooks().size());
    assertEquals(List.of("Notes"), titlesUnder(sf, "20"));
    Statistics stats = sf.getStatistics();
    stats.clear();
    sf.inSession(s -> s.find(Book.class, cheap.getId()));
    assertEquals(1, stats.getSecondLevelCacheHitCount(), "cached before the outage");

    MEMCACHED.server().stop();

    stats.clear();
    assertEquals(
        "Notes", sf.fromSession(s -> s.find(Book.class, cheap.getId())).getTitle(), "read from H2");
    assertEquals(0, stats.getSecondLevelCacheHitCount());
    sf.inTransaction(
        s -> s.find(Book.class, cheap.getId()).setTitle("Notes, revised during the outage"));
    sf.inTransaction(
        s ->
            s.persist(
                new Book("Errata", new BigDecimal("5.00"), s.find(Author.class, author.getId()))));
    assertEquals(List.of("Errata", "Notes, revised during the outage"), titlesUnder(sf, "20"));
    assertEquals(
        3, (int) sf.fromSession(s -> s.find(Author.class, author.getId()).getBooks().size()));
    assertEquals(
        3,
        (int)
            sf.fromTransaction(
                s -> s.createMutationQuery("update Book set price = price + 1").executeUpdate()));
    sf.inTransaction(s -> s.remove(s.find(Book.class, dear.getId())));
    assertNull(sf.fromSession(s -> s.find(Book.class, dear.getId())));

    MEMCACHED.server().restart();

    Book after = sf.fromSession(s -> s.find(Book.class, cheap.getId()));
    assertEquals("Notes, revised during the outage", after.getTitle(), "no stale entity");
    assertEquals(0, new BigDecimal("13.50").compareTo(after.getPrice()));
    assertNull(
        sf.fromSession(s -> s.find(Book.class, dear.getId())), "the deleted book stays deleted");
    assertEquals(List.of("Errata", "Notes, revised during the outage"), titlesUnder(sf, "20"));

    long start = System.nanoTime();
    long hits = 0;
    while (hits == 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
      stats.clear();
      Book again = sf.fromSession(s -> s.find(Book.class, cheap.getId()));
      assertEquals("Notes, revised during the outage", again.getTitle());
      hits = stats.getSecondLevelCacheHitCount();
      if (hits == 0) {
        Thread.sleep(100);
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.println(
        "second-level cache hits resumed " + millis + " ms after memcached restarted");
    assertTrue(hits > 0, "the cache is used again within 10 s of the restart");
  }

  @Test
  void aHungMemcachedThatKeptItsItemsServesNoStaleEntityCollectionOrQueryWhenItAnswersAgain()
      throws Exception {
    SessionFactory sf = open("degrade");
    Library lib = library(sf);
    Author author = lib.author();
    Book cheap = lib.cheap();
    assertEquals(
        2, (int) sf.fromSession(s -> s.find(Author.class, author.getId()).getBooks().size()));
    assertEquals(List.of("Notes"), titlesUnder(sf, "20"));
    Statistics stats = sf.getStatistics();
    stats.clear();
    assertEquals(List.of("Notes"), titlesUnder(sf, "20"));
    assertEquals(1, stats.getQueryCacheHitCount(), "the query is cached before the hang");

    MEMCACHED.server().pause(); // SIGSTOP: memcached keeps every item
    try {
      sf.inTransaction(s -> s.find(Book.class, cheap.getId()).setTitle("Notes v2"));
      sf.inTransaction(
          s ->
              s.persist(
                  new Book(
                      "Errata", new BigDecimal("5.00"), s.find(Author.class, author.getId()))));
    } finally {
      MEMCACHED.server().resume();
    }

    // memcached answers again and is probed back in; reading at once would miss (server still
    // marked down) and overwrite the stale items with fresh ones, hiding what is tested here
    Thread.sleep(3_000);
    MemcachedCache<?, ?> stamps = EvictionChecks.timestampsRegion(sf, prefix);
    long missesBefore = stamps.timestampMissCount();
    assertFresh(sf, cheap, author, "3 s after the resume");

    // The hang dropped Book's timestamp writes, so MemJCache advanced the generations of the
    // update-timestamps region and of the query results: the old timestamp memcached kept is
    // below the dropped invalidations, and unreachable. assertFresh's query found no result and
    // cached one; Book has no timestamp in the new generation, a real miss, which is answered with
    // now (stored): the next run is forced stale and reads H2.
    assertStaleRun(sf, "a timestamp lost in the hang: the first check against it", stats);
    assertEquals(missesBefore + 1, stamps.timestampMissCount(), "Book's lost timestamp, answered");
    // That run's result was cached by a session that began before the answer: stale too, without
    // another miss (the answer was stored). A session beginning within the answer's millisecond
    // ranks below it as well: start the next one later.
    Thread.sleep(2);
    assertStaleRun(sf, "the result cached below the answer", stats);
    assertEquals(missesBefore + 1, stamps.timestampMissCount(), "the stored answer was read");
    stats.clear();
    assertEquals(List.of("Errata", "Notes v2"), titlesUnder(sf, "20"));
    assertEquals(1, stats.getQueryCacheHitCount(), "the query cache is used again");
  }

  /** A run of the query that is fresh, not served from the query cache, and caches its result. */
  private static void assertStaleRun(SessionFactory sf, String why, Statistics stats) {
    stats.clear();
    assertEquals(List.of("Errata", "Notes v2"), titlesUnder(sf, "20"), why);
    assertEquals(0, stats.getQueryCacheHitCount(), why);
    assertEquals(1, stats.getQueryCachePutCount(), why);
  }

  private static void assertFresh(SessionFactory sf, Book cheap, Author author, String when) {
    assertEquals(
        "Notes v2", sf.fromSession(s -> s.find(Book.class, cheap.getId())).getTitle(), when);
    assertEquals(
        3, (int) sf.fromSession(s -> s.find(Author.class, author.getId()).getBooks().size()), when);
    assertEquals(List.of("Errata", "Notes v2"), titlesUnder(sf, "20"), when);
  }

  @Test
  void failModeFailsWithACacheExceptionWithinTheOperationTimeoutWhenMemcachedIsDown()
      throws Exception {
    SessionFactory sf = open("fail");
    Book cheap = library(sf).cheap();
    MEMCACHED.server().stop();
    assertFailsFast(sf, cheap);
  }

  @Test
  void failModeFailsWithACacheExceptionWithinTheOperationTimeoutWhenMemcachedHangs()
      throws Exception {
    SessionFactory sf = open("fail");
    Book cheap = library(sf).cheap();
    MEMCACHED.server().pause();
    try {
      assertFailsFast(sf, cheap);
    } finally {
      MEMCACHED.server().resume();
    }
  }

  private static void assertFailsFast(SessionFactory sf, Book book) {
    long start = System.nanoTime();
    RuntimeException e =
        assertThrows(
            RuntimeException.class, () -> sf.fromSession(s -> s.find(Book.class, book.getId())));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    Throwable cause = e;
    while (cause != null && !(cause instanceof CacheException)) {
      cause = cause.getCause();
    }
    if (cause == null) {
      fail("expected a javax.cache.CacheException, got " + e, e);
    }
    // One cache read fails; allow scheduling slack on a loaded machine, far below a hang.
    assertTrue(millis < OPERATION_TIMEOUT_MILLIS + 2500, "failed after " + millis + " ms");
    System.out.println(
        "failureMode=fail: " + e.getClass().getSimpleName() + " after " + millis + " ms");
  }
}
