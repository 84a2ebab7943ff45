package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query cache still pays off when memcached evicts nothing: the hit rate of one repeated
 * cacheable query over 1,000 sessions. Uses Hibernate's statistics only, so the same class runs on
 * code without the eviction handling (the "without" figure; docs/hibernate.md, "When memcached
 * evicts").
 */
class QueryCacheHitRateTest extends HibernateTestSupport {

  private static final int ROUNDS = 1_000;

  @TempDir Path dir;

  @Test
  void aRepeatedCacheableQueryHitsTheQueryCacheInNearlyEveryRound() throws Exception {
    SessionFactory sf = openOwnDatabase(dir, "hitrate" + System.nanoTime());
    library(sf);
    Statistics stats = sf.getStatistics();
    stats.clear();
    for (int round = 0; round < ROUNDS; round++) {
      assertEquals(List.of("Notes"), titlesUnder(sf, "20"));
    }
    long hits = stats.getQueryCacheHitCount();
    System.out.printf(
        "query cache hit rate: %d hits, %d misses, %d puts in %d rounds (%.1f %%)%n",
        hits,
        stats.getQueryCacheMissCount(),
        stats.getQueryCachePutCount(),
        ROUNDS,
        100.0 * hits / ROUNDS);
    assertEquals(ROUNDS, hits + stats.getQueryCacheMissCount());
    assertTrue(hits >= ROUNDS * 95 / 100, hits + " hits in " + ROUNDS + " rounds");
  }
}
