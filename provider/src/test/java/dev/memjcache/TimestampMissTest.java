package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.FrameworkTypes;
import dev.memjcache.store.DependentCaches;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.hibernate.cache.internal.QueryResultsCacheImpl.CacheItem;
import org.junit.jupiter.api.Test;

/**
 * The update-timestamps rule without Hibernate (the real region is tested in examples/hibernate):
 * which caches answer a miss, with what, what they leave on the server for other managers, and
 * which never do.
 */
class TimestampMissTest extends CacheTestSupport {

  private String prefix() {
    return "orders" + System.nanoTime();
  }

  private static Cache<Object, Object> untyped(CacheManager manager, String name) {
    Cache<Object, Object> cache = manager.getCache(name);
    return cache != null ? cache : manager.createCache(name, new MutableConfiguration<>());
  }

  /**
   * The update-timestamps region of a new prefix in {@code manager}, after a query result was
   * stored in the manager's query-results region of that prefix.
   */
  private Cache<Object, Object> timestampsBesideResults(CacheManager manager) {
    String prefix = prefix();
    untyped(manager, prefix + ".default-query-results-region")
        .put("q", new CacheItem(1, List.of()));
    return untyped(manager, prefix + ".default-update-timestamps-region");
  }

  private static long missCount(Cache<?, ?> cache) {
    return cache.unwrap(MemcachedCache.class).timestampMissCount();
  }

  @Test
  void aMissAnswersTheEndOfTheMillisecondInHibernatesUnitsAndLeavesItForOtherManagers() {
    String prefix = prefix();
    CacheManager manager = newManager("");
    Cache<Object, Object> stamps = untyped(manager, prefix + ".default-update-timestamps-region");
    assertNull(stamps.get("Book"), "no query results in the manager: a plain miss");
    assertEquals(0, missCount(stamps));

    untyped(manager, prefix + ".books-by-title").put("q", new CacheItem(1, List.of("Notes")));
    long before = System.currentTimeMillis();
    Object answer = stamps.get("Book");
    long after = System.currentTimeMillis();
    assertTrue(answer instanceof Long, String.valueOf(answer));
    long timestamp = (Long) answer;
    assertTrue(timestamp >= (before << 12) + 4095 && timestamp <= (after << 12) + 4095);
    assertEquals(1, missCount(stamps));
    assertEquals(answer, stamps.get("Book"), "stored: the next read finds it");
    assertEquals(1, missCount(stamps));

    CacheManager otherJvm = newManager("");
    Cache<Object, Object> there = untyped(otherJvm, prefix + ".default-update-timestamps-region");
    untyped(otherJvm, prefix + ".books-by-title").get("q");
    assertEquals(answer, there.get("Book"), "another manager finds the same timestamp");
    assertEquals(0, missCount(there));

    stamps.put("Author", 7L);
    assertEquals(7L, stamps.get("Author"), "a timestamp Hibernate wrote is read as it is");
    assertNull(stamps.get(42L), "not a table name: a plain miss");
  }

  @Test
  void onlyHibernatesTimestampsRegionWithAnyPrefixIsRecognised() {
    assertTrue(FrameworkTypes.isUpdateTimestampsRegionName("default-update-timestamps-region"));
    assertTrue(FrameworkTypes.isUpdateTimestampsRegionName("a.b.default-update-timestamps-region"));
    assertTrue(
        FrameworkTypes.isUpdateTimestampsRegionName(
            "org.hibernate.cache.spi.UpdateTimestampsCache"));
    assertTrue(
        FrameworkTypes.isUpdateTimestampsRegionName("p.org.hibernate.cache.spi.TimestampsRegion"));
    assertFalse(FrameworkTypes.isUpdateTimestampsRegionName("mydefault-update-timestamps-region"));
    assertFalse(FrameworkTypes.isUpdateTimestampsRegionName("default-update-timestamps-region.x"));
    assertFalse(FrameworkTypes.isUpdateTimestampsRegionName("default-query-results-region"));

    DependentCaches dependents = new DependentCaches();
    String name = "p.default-update-timestamps-region";
    assertTrue(
        HibernateTimestamps.of(name, Object.class, Object.class, dependents)
            instanceof HibernateTimestamps);
    assertTrue(
        HibernateTimestamps.of(name, String.class, Long.class, dependents)
            instanceof HibernateTimestamps);
    assertSame(
        TimestampMisses.NONE, HibernateTimestamps.of(name, String.class, String.class, dependents));
    assertSame(
        TimestampMisses.NONE, HibernateTimestamps.of(name, Long.class, Object.class, dependents));
    assertSame(
        TimestampMisses.NONE,
        HibernateTimestamps.of(
            "p.default-query-results-region", Object.class, Object.class, dependents));
  }

  @Test
  void aCacheFoundHoldingAnythingButTimestampsAnswersPlainMisses() {
    CacheManager manager = newManager("");
    Cache<Object, Object> named = timestampsBesideResults(manager);
    named.put("greeting", "hello");
    assertEquals("hello", named.get("greeting"));
    assertNull(named.get("Book"), "holds a String: not Hibernate's timestamps");
    assertEquals(0, missCount(named));

    Cache<Object, Object> plain = untyped(manager, prefix() + ".Book");
    assertNull(plain.get("Book"));
    assertEquals(0, missCount(plain));
  }

  @Test
  void degradedAFailedReadOfATimestampIsAnsweredLikeAMissingOne() {
    Cache<Object, Object> stamps =
        timestampsBesideResults(newManager("operationTimeoutMillis=300&failureMode=degrade"));
    stamps.put("Book", 5L);
    MEMCACHED.server().pause();
    Object answer;
    try {
      answer = stamps.get("Book");
    } finally {
      MEMCACHED.server().resume();
    }
    assertTrue(answer instanceof Long && (Long) answer > 5L, String.valueOf(answer));
    assertEquals(1, missCount(stamps));
  }
}
