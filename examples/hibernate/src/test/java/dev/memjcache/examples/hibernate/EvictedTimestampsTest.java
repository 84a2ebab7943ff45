package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case of issue 15: a cacheable query, an update, then every update-timestamps item deleted on
 * the server (what the client sees after memcached evicted them). Hibernate reads a missing
 * timestamp as "table unchanged"; MemJCache answers it with the current time, so the next query is
 * fresh, in this SessionFactory and in another JVM's.
 */
class EvictedTimestampsTest extends HibernateTestSupport {

  @TempDir Path dir;

  @Test
  void theNextQueryIsFreshInTheSameSessionFactory() throws Exception {
    String prefix = "evicted" + System.nanoTime();
    SessionFactory sf = openOwnDatabase(dir, prefix);
    Library lib = library(sf);
    assertEquals(List.of("Notes"), titlesUnder(sf, "20"));
    Statistics stats = sf.getStatistics();
    stats.clear();
    assertEquals(List.of("Notes"), titlesUnder(sf, "20"));
    assertEquals(1, stats.getQueryCacheHitCount(), "the second run is a query-cache hit");

    sf.inTransaction(
        s ->
            s.persist(
                new Book(
                    "Errata", new BigDecimal("5.00"), s.find(Author.class, lib.author().getId()))));
    deleteTimestamps(prefix);

    assertEquals(List.of("Errata", "Notes"), titlesUnder(sf, "20"), "fresh, not the cached result");
    assertEquals(1, EvictionChecks.timestampsRegion(sf, prefix).timestampMissCount());

    // the query cache pays off again: the session that read the answer cached its result below
    // it; the next session's result ranks above it and is served
    stats.clear();
    for (int run = 0; run < 3; run++) {
      Thread.sleep(2);
      assertEquals(List.of("Errata", "Notes"), titlesUnder(sf, "20"));
    }
    assertTrue(stats.getQueryCacheHitCount() >= 1, "hits after the miss: " + stats);
    assertEquals(1, EvictionChecks.timestampsRegion(sf, prefix).timestampMissCount());
  }

  @Test
  void theNextQueryIsFreshInASecondJvmThatRanItBeforeAndInAFreshJvm() throws Exception {
    Shared shared = shared(dir, "evictedjvm");
    SessionFactory here = openCreatingSchema(shared);
    Library lib = library(here);
    long cheap = lib.cheap().getId();
    long dear = lib.dear().getId();
    try (OtherJvmProcess other = shared.otherJvm("other-jvm.log")) {
      assertEquals("cached=[" + cheap + "] database=[" + cheap + "]", other.ask("check 20"));
      Thread.sleep(2);
      assertEquals("cached=[" + cheap + "] database=[" + cheap + "]", other.ask("check 20"));
      assertEquals("queryHits=1 timestampMisses=0", other.ask("counts"), "cached there");

      EvictionChecks.setPrice(here, dear, "15.00");
      deleteTimestamps(shared.prefix());

      assertEquals(
          "cached=[" + cheap + ", " + dear + "] database=[" + cheap + ", " + dear + "]",
          other.ask("check 20"),
          "the other JVM's cached result is stale");
      assertEquals("queryHits=1 timestampMisses=1", other.ask("counts"));
    }

    // A JVM that starts now has never seen the region hold anything: its first read of a
    // timestamp is a miss like any other.
    Thread.sleep(2);
    assertEquals(List.of(cheap, dear), EvictionChecks.cachedIdsUnder(here, "20"));
    Thread.sleep(2);
    assertEquals(List.of(cheap, dear), EvictionChecks.cachedIdsUnder(here, "20"));
    EvictionChecks.setPrice(here, cheap, "25.00");
    deleteTimestamps(shared.prefix());
    try (OtherJvmProcess fresh = shared.otherJvm("fresh-jvm.log")) {
      assertEquals(
          "cached=[" + dear + "] database=[" + dear + "]",
          fresh.ask("check 20"),
          "a fresh JVM's first query");
      assertEquals("queryHits=0 timestampMisses=1", fresh.ask("counts"));
    }
  }

  /** Deletes every entry of the update-timestamps region of {@code prefix} on the server. */
  private static void deleteTimestamps(String prefix) throws Exception {
    try (RawMemcached raw = new RawMemcached(MEMCACHED.server().port())) {
      String region = prefix + "." + EvictionChecks.TIMESTAMPS;
      byte[] generation = raw.get("mjc:" + region + ":gen");
      String entries = "mjc:" + region + ":" + new String(generation) + ":";
      int deleted = 0;
      for (String table : List.of("Book", "Author")) {
        deleted += raw.delete(entries + table) ? 1 : 0;
      }
      assertTrue(deleted >= 1, "the update timestamps were on the server");
      raw.deleteEntries(region); // any other table's, should metadump list one
    }
  }
}
