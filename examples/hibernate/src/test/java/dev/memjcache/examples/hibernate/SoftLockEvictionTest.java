package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A READ_WRITE entity whose soft lock memcached loses while the updating transaction runs: between
 * Hibernate's {@code lockItem} (at flush) and its {@code afterUpdate} (after the commit) every item
 * of the entity region is deleted, and another session loads the entity meanwhile, caching the
 * state committed before. After the commit the entity is never read stale.
 */
class SoftLockEvictionTest extends HibernateTestSupport {

  @TempDir Path dir;

  @Test
  void anEntityWhoseSoftLockIsDeletedMidTransactionIsFreshAfterTheCommit() throws Exception {
    String prefix = "softlock" + System.nanoTime();
    SessionFactory sf = openOwnDatabase(dir, prefix);
    long id = library(sf).cheap().getId();
    Statistics stats = sf.getStatistics();
    sf.inSession(s -> s.find(Book.class, id));
    String region = prefix + "." + Book.class.getName();

    ExecutorService otherSession = Executors.newSingleThreadExecutor();
    AtomicInteger deleted = new AtomicInteger();
    AtomicReference<String> readMeanwhile = new AtomicReference<>();
    try {
      sf.inTransaction(
          s -> {
            s.find(Book.class, id).setTitle("Notes, second edition");
            s.flush(); // lockItem: the book's entry is now Hibernate's soft lock
            try (RawMemcached raw = new RawMemcached(MEMCACHED.server().port())) {
              deleted.set(raw.deleteEntries(region));
              stats.clear();
              readMeanwhile.set(
                  otherSession
                      .submit(() -> sf.fromSession(o -> o.find(Book.class, id).getTitle()))
                      .get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
    } finally {
      otherSession.shutdownNow();
    }
    assertTrue(deleted.get() >= 1, "the soft lock was on the server and deleted");
    assertEquals("Notes", readMeanwhile.get(), "before the commit: the committed state, from H2");
    assertEquals(1, stats.getSecondLevelCachePutCount(), "and cached: no soft lock stopped it");

    stats.clear();
    assertEquals("Notes, second edition", sf.fromSession(s -> s.find(Book.class, id)).getTitle());
    assertEquals(0, stats.getSecondLevelCacheHitCount(), "not the state cached meanwhile");
    Thread.sleep(2); // sessions of a later millisecond may cache what they load again
    assertEquals("Notes, second edition", sf.fromSession(s -> s.find(Book.class, id)).getTitle());
    stats.clear();
    assertEquals("Notes, second edition", sf.fromSession(s -> s.find(Book.class, id)).getTitle());
    assertEquals(1, stats.getSecondLevelCacheHitCount(), "the entity is cached again");
  }
}
