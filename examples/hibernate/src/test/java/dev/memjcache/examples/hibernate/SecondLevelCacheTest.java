package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memjcache.MemcachedCacheManager;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.cache.CacheManager;
import org.hibernate.SessionFactory;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate ORM 7's second-level cache on MemJCache, real memcached and real H2, configured with
 * the server list alone: the properties file holds only {@code servers=}, no allowPackages.
 */
class SecondLevelCacheTest extends HibernateTestSupport {

  private static final String BOOK = Book.class.getName();
  private static final String AUTHOR = Author.class.getName();

  @TempDir Path dir;

  private SessionFactory shop() throws Exception {
    return open(newDatabase(), "shop" + System.nanoTime(), propertiesFile(dir), Map.of());
  }

  @Test
  void secondSessionsLoadIsASecondLevelCacheHitWithoutSql() throws Exception {
    SessionFactory sf = shop();
    Book cheap = library(sf).cheap();
    Statistics stats = sf.getStatistics();
    stats.clear();
    Book found = sf.fromSession(s -> s.find(Book.class, cheap.getId()));
    assertEquals("Notes", found.getTitle());
    assertEquals(0, stats.getPrepareStatementCount(), "no SQL");
    assertEquals(1, stats.getSecondLevelCacheHitCount());
    assertEquals(1, stats.getDomainDataRegionStatistics(BOOK).getHitCount());
  }

  @Test
  void anUpdateIsReadBackByTheNextSession() throws Exception {
    SessionFactory sf = shop();
    Book cheap = library(sf).cheap();
    sf.inTransaction(s -> s.find(Book.class, cheap.getId()).setTitle("Notes, 2nd edition"));
    Statistics stats = sf.getStatistics();
    stats.clear();
    Book found = sf.fromSession(s -> s.find(Book.class, cheap.getId()));
    assertEquals("Notes, 2nd edition", found.getTitle());
    assertEquals(1, found.getVersion());
    assertEquals(0, stats.getPrepareStatementCount(), "the updated state came from the cache");
    assertEquals(1, stats.getSecondLevelCacheHitCount());
  }

  @Test
  void collectionAndQueryCachesHitAndAnInsertMakesACachedQueryStale() throws Exception {
    SessionFactory sf = shop();
    Author author = library(sf).author();
    Statistics stats = sf.getStatistics();
    sf.inTransaction(s -> s.find(Author.class, author.getId()).getBooks().size());
    stats.clear();
    assertEquals(
        2, (int) sf.fromSession(s -> s.find(Author.class, author.getId()).getBooks().size()));
    assertEquals(1, stats.getCollectionStatistics(AUTHOR + ".books").getCacheHitCount());
    assertEquals(0, stats.getPrepareStatementCount(), "author and books collection from the cache");

    assertEquals(List.of("Notes"), titlesUnder(sf, "20"));
    stats.clear();
    assertEquals(List.of("Notes"), titlesUnder(sf, "20"));
    assertEquals(1, stats.getQueryCacheHitCount());
    assertEquals(0, stats.getPrepareStatementCount());

    sf.inTransaction(
        s ->
            s.persist(
                new Book("Errata", new BigDecimal("5.00"), s.find(Author.class, author.getId()))));
    stats.clear();
    assertEquals(
        List.of("Errata", "Notes"),
        titlesUnder(sf, "20"),
        "the cached result is stale after the insert");
    assertEquals(0, stats.getQueryCacheHitCount());
    assertEquals(1, stats.getQueryCacheMissCount());
  }

  @Test
  void bulkUpdateClearsItsRegionAndLeavesOtherRegionsEntries() throws Exception {
    SessionFactory sf = shop();
    Library lib = library(sf);
    Author author = lib.author();
    Book cheap = lib.cheap();
    sf.inTransaction(s -> s.find(Author.class, author.getId()));
    Statistics stats = sf.getStatistics();
    stats.clear();
    sf.inSession(
        s -> {
          s.find(Author.class, author.getId());
          s.find(Book.class, cheap.getId());
        });
    assertEquals(2, stats.getSecondLevelCacheHitCount(), "both regions hold their entries");

    int updated =
        sf.fromTransaction(
            s -> s.createMutationQuery("update Book set price = price * 2").executeUpdate());
    assertEquals(2, updated);
    stats.clear();
    Book reloaded = sf.fromSession(s -> s.find(Book.class, cheap.getId()));
    assertEquals(
        0, new BigDecimal("25.00").compareTo(reloaded.getPrice()), "read from the database");
    assertEquals(
        1, stats.getDomainDataRegionStatistics(BOOK).getMissCount(), "the Book region was cleared");
    assertEquals(0, stats.getDomainDataRegionStatistics(BOOK).getHitCount());
    stats.clear();
    assertNotNull(sf.fromSession(s -> s.find(Author.class, author.getId())));
    assertEquals(
        1,
        stats.getDomainDataRegionStatistics(AUTHOR).getHitCount(),
        "the Author region kept its entry");
    assertEquals(0, stats.getPrepareStatementCount());
  }

  @Test
  void regionPrefixesKeepTwoDatabasesApartOnOneMemcached() throws Exception {
    String uri = propertiesFile(dir);
    SessionFactory first = open(newDatabase(), "first" + System.nanoTime(), uri, Map.of());
    Book cheap = library(first).cheap();
    SessionFactory second = open(newDatabase(), "second" + System.nanoTime(), uri, Map.of());
    second.getStatistics().clear();
    assertNull(
        second.fromSession(s -> s.find(Book.class, cheap.getId())),
        "an empty database finds nothing");
    assertEquals(0, second.getStatistics().getSecondLevelCacheHitCount());
  }

  @Test
  void withoutIsolationAFreshDatabaseFindsTheOldDatabasesEntities() throws Exception {
    // What region_prefix / keyPrefix prevent: the entries outlive the database.
    String uri = propertiesFile(dir, "keyPrefix=shared" + System.nanoTime());
    SessionFactory first = open(newDatabase(), null, uri, Map.of());
    Book cheap = library(first).cheap();
    SessionFactory fresh = open(newDatabase(), null, uri, Map.of());
    fresh.getStatistics().clear();
    Book ghost = fresh.fromSession(s -> s.find(Book.class, cheap.getId()));
    assertNotNull(ghost, "served from memcached although the fresh database is empty");
    assertEquals(1, fresh.getStatistics().getSecondLevelCacheHitCount());
    String freshUri = propertiesFile(dir, "keyPrefix=fresh" + System.nanoTime());
    SessionFactory isolated = open(newDatabase(), null, freshUri, Map.of());
    assertNull(
        isolated.fromSession(s -> s.find(Book.class, cheap.getId())),
        "a keyPrefix per database isolates it");
  }

  @Test
  void theConfigurationFileIsReadFromInsideAJar() throws Exception {
    Path jar = dir.resolve("app.jar");
    String prefix = "jarred" + System.nanoTime();
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out)) {
      jarOut.putNextEntry(new JarEntry("memjcache.properties"));
      jarOut.write(
          ("servers=" + MEMCACHED.server().address() + "\nkeyPrefix=" + prefix + "\n")
              .getBytes(StandardCharsets.UTF_8));
      jarOut.closeEntry();
    }
    SessionFactory sf;
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader app = new URLClassLoader(new URL[] {jar.toUri().toURL()}, previous)) {
      // As in a packaged application: hibernate.javax.cache.uri names a class-path resource,
      // which Hibernate's ClassLoaderService resolves to jar:file:...!/memjcache.properties.
      thread.setContextClassLoader(app);
      sf = open(newDatabase(), null, "memjcache.properties", Map.of());
    } finally {
      thread.setContextClassLoader(previous);
    }
    CacheManager manager =
        ((JCacheRegionFactory) ((SessionFactoryImplementor) sf).getCache().getRegionFactory())
            .getCacheManager();
    assertEquals(
        "jar:" + jar.toUri().toURL() + "!/memjcache.properties", manager.getURI().toString());
    assertEquals(prefix, manager.unwrap(MemcachedCacheManager.class).settings().keyPrefix());
    Book cheap = library(sf).cheap();
    sf.getStatistics().clear();
    assertEquals("Notes", sf.fromSession(s -> s.find(Book.class, cheap.getId())).getTitle());
    assertEquals(1, sf.getStatistics().getSecondLevelCacheHitCount());
  }
}
