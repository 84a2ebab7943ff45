package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.ClassAllowlist;
import dev.memjcache.examples.hibernate.shelf.Edition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The framework types MemJCache trusts by name are Hibernate 7's real cache types, and only those.
 */
class HibernateCacheTypesTest extends HibernateTestSupport {

  private static final ClassAllowlist NOTHING_CONFIGURED = new ClassAllowlist(List.of(), List.of());

  @TempDir Path dir;

  @Test
  void hibernatesCacheHoldersResolveAndAreTrusted() throws Exception {
    for (String name :
        List.of(
            "org.hibernate.cache.spi.support.AbstractReadWriteAccess$Item",
            "org.hibernate.cache.spi.support.AbstractReadWriteAccess$SoftLockImpl",
            "org.hibernate.cache.spi.entry.StandardCacheEntryImpl",
            "org.hibernate.cache.spi.entry.CollectionCacheEntry",
            "org.hibernate.cache.internal.CacheKeyImplementation",
            "org.hibernate.cache.internal.BasicCacheKeyImplementation",
            "org.hibernate.cache.internal.NaturalIdCacheKey",
            "org.hibernate.cache.spi.QueryKey",
            "org.hibernate.cache.internal.QueryResultsCacheImpl$CacheItem",
            "org.hibernate.query.internal.QueryParameterBindingsImpl$ParameterBindingsMementoImpl")) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      assertTrue(NOTHING_CONFIGURED.isAllowed(type), name);
    }
  }

  @Test
  void otherHibernateClassesStayRefused() throws Exception {
    for (String name :
        List.of(
            "org.hibernate.cache.spi.support.AbstractReadWriteAccess",
            "org.hibernate.internal.SessionFactoryImpl",
            "org.hibernate.query.spi.QueryParameterBindings$2",
            "org.hibernate.engine.spi.EntityKey")) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      assertFalse(NOTHING_CONFIGURED.isAllowed(type), name);
    }
  }

  @Test
  void theNaturalIdCacheWorksWithTheServerListAlone() throws Exception {
    SessionFactory sf =
        open(
            newDatabase(),
            "natural" + System.nanoTime(),
            propertiesFile(dir),
            Map.of(),
            Edition.class);
    sf.inTransaction(s -> s.persist(new Edition("978-0-00-000000-1")));
    sf.inSession(s -> s.bySimpleNaturalId(Edition.class).load("978-0-00-000000-1"));
    sf.getStatistics().clear();
    Edition found =
        sf.fromSession(s -> s.bySimpleNaturalId(Edition.class).load("978-0-00-000000-1"));
    assertEquals("978-0-00-000000-1", found.getIsbn());
    assertEquals(
        1, sf.getStatistics().getNaturalIdCacheHitCount(), "natural id -> id from the cache");
    assertEquals(0, sf.getStatistics().getPrepareStatementCount());
  }
}
