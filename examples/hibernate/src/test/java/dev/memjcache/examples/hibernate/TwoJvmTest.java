package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs, each with its own SessionFactory, on one memcached and one H2 database (a file database
 * with AUTO_SERVER, so the second process connects through the first one's server).
 */
class TwoJvmTest extends HibernateTestSupport {

  @TempDir Path dir;

  @Test
  void anEntityLoadedInOneJvmIsACacheHitInTheOtherAndUpdatesCrossBothWays() throws Exception {
    Shared shared = shared(dir, "twojvm");
    SessionFactory here = openCreatingSchema(shared);
    Book cheap = library(here).cheap();
    // Load it in this JVM so that the cache holds what this JVM read.
    here.inSession(s -> s.find(Book.class, cheap.getId()));

    try (OtherJvmProcess other = shared.otherJvm("other-jvm.log")) {
      assertEquals(
          "Notes sql=0 hits=1",
          other.ask("find " + cheap.getId()),
          "a cache hit in the other JVM, no SQL");

      assertEquals("ok", other.ask("rename " + cheap.getId() + " Renamed elsewhere"));
      afterTheUpdatesMillisecond();
      Statistics stats = here.getStatistics();
      stats.clear();
      assertEquals(
          "Renamed elsewhere", here.fromSession(s -> s.find(Book.class, cheap.getId())).getTitle());
      assertEquals(
          1, stats.getSecondLevelCacheHitCount(), "the other JVM's update, from the cache");
      assertEquals(0, stats.getPrepareStatementCount());

      here.inTransaction(s -> s.find(Book.class, cheap.getId()).setTitle("Renamed here"));
      afterTheUpdatesMillisecond();
      assertEquals(
          "Renamed here sql=0 hits=1",
          other.ask("find " + cheap.getId()),
          "this JVM's update, read there");
    }
  }

  /**
   * Hibernate's READ_WRITE item is readable by sessions that start after its timestamp: epoch
   * milliseconds times 4096 plus a per-JVM counter. A session of the other JVM that starts within
   * the same millisecond may rank before the item and miss (correctly, to the database).
   */
  private static void afterTheUpdatesMillisecond() throws InterruptedException {
    Thread.sleep(10);
  }
}
