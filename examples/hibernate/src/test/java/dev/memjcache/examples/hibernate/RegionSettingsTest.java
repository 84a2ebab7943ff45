package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import org.hibernate.SessionFactory;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One {@code cache.<region_prefix>.*} line configures every region of a SessionFactory. */
class RegionSettingsTest extends HibernateTestSupport {

  @TempDir Path dir;

  @Test
  void aPatternGivesEveryRegionUnderThePrefixItsExpiryAndStatisticsAndAnExactNameWins()
      throws Exception {
    String prefix = "regions" + System.nanoTime();
    String uri =
        propertiesFile(
            dir,
            "cache." + prefix + ".*.expiry=created:3s",
            "cache." + prefix + ".*.statistics=true",
            "cache." + prefix + "." + Author.class.getName() + ".expiry=eternal");
    SessionFactory sf = open(newDatabase(), prefix, uri, Map.of());
    CacheManager manager =
        ((JCacheRegionFactory) ((SessionFactoryImplementor) sf).getCache().getRegionFactory())
            .getCacheManager();
    int regions = 0;
    for (String region : manager.getCacheNames()) {
      Cache<?, ?> cache = manager.getCache(region);
      @SuppressWarnings("unchecked")
      CompleteConfiguration<?, ?> configuration =
          cache.getConfiguration(CompleteConfiguration.class);
      assertTrue(region.startsWith(prefix + "."), region);
      assertTrue(
          configuration.isStatisticsEnabled(),
          region + ": JCache statistics on through the pattern");
      regions++;
    }
    assertEquals(5, regions, "Book, Author, Author.books, query results, update timestamps");
    long beforeInsert = System.nanoTime(); // the entries expire 3 s after a moment in between
    Library lib = library(sf);
    long afterInsert = System.nanoTime();
    Author author = lib.author();
    Book cheap = lib.cheap();
    Statistics stats = sf.getStatistics();
    stats.clear();
    sf.inSession(
        s -> {
          s.find(Book.class, cheap.getId());
          s.find(Author.class, author.getId());
        });
    assertTrue(
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeInsert) < 3000,
        "checked within the expiry");
    assertEquals(2, stats.getSecondLevelCacheHitCount(), "both cached");

    Thread.sleep(
        Math.max(0, 3500 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - afterInsert)));
    stats.clear();
    sf.inSession(s -> s.find(Book.class, cheap.getId()));
    assertEquals(
        1,
        stats.getDomainDataRegionStatistics(Book.class.getName()).getMissCount(),
        "the Book entry expired after 3 s (the pattern)");
    stats.clear();
    sf.inSession(s -> s.find(Author.class, author.getId()));
    assertEquals(
        1,
        stats.getDomainDataRegionStatistics(Author.class.getName()).getHitCount(),
        "the Author region is eternal (its exact name beats the pattern)");
  }
}
