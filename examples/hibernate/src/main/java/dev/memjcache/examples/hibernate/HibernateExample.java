package dev.memjcache.examples.hibernate;

import dev.memjcache.testkit.MemcachedProcess;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;

/**
 * Hibernate ORM's second-level cache on MemJCache: entity, collection and query caches, H2 in
 * memory, and two databases whose regions are kept apart by {@code hibernate.cache.region_prefix}.
 *
 * <p>Usage: {@code HibernateExample [host:port[,host:port...]]}. Without an argument (and without
 * the {@code MEMJCACHE_SERVERS} environment variable) it starts a private memcached on a free
 * loopback port and stops it at the end. The CacheManager is configured the way a packaged
 * application would: {@code hibernate.javax.cache.uri} names a properties file holding only {@code
 * servers=...}.
 */
public final class HibernateExample {

  private static final String SHOP = "jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1";
  private static final String ARCHIVE = "jdbc:h2:mem:archive;DB_CLOSE_DELAY=-1";

  private HibernateExample() {}

  /**
   * Runs the example.
   *
   * @param args optional memcached server list
   * @throws Exception when memcached cannot be started or reached
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.jboss.logging.provider", "slf4j");
    String servers = args.length > 0 ? args[0] : System.getenv("MEMJCACHE_SERVERS");
    MemcachedProcess privateServer = null;
    if (servers == null || servers.isBlank()) {
      privateServer = MemcachedProcess.start();
      servers = privateServer.address();
      System.out.println("started a private memcached at " + servers);
    }
    Path dir = Files.createTempDirectory("memjcache-hibernate");
    Path properties = dir.resolve("memjcache.properties");
    try {
      Files.writeString(properties, "servers=" + servers.replaceFirst("^memcached://", "") + "\n");
      System.out.println(
          "hibernate.javax.cache.uri = " + properties.toUri() + " (servers=" + servers + ")");
      run(properties.toUri().toString());
    } finally {
      Files.deleteIfExists(properties);
      Files.deleteIfExists(dir);
      if (privateServer != null) {
        privateServer.close();
        System.out.println("stopped the private memcached");
      }
    }
  }

  private static void run(String cacheUri) {
    // Both SessionFactories share one CacheManager (same URI); closing either closes it, so
    // they are closed together at the end.
    try (SessionFactory shop = SessionFactories.open(SHOP, "shop", cacheUri, Map.of());
        SessionFactory archive = SessionFactories.open(ARCHIVE, "archive", cacheUri, Map.of())) {
      Statistics stats = shop.getStatistics();
      Library library =
          Library.persist(
              shop, "Ada Lovelace", "Notes on the Analytical Engine", "Sketch of the Engine");
      Author ada = library.author();
      Book notes = library.cheap();
      System.out.println(
          "[shop] persisted "
              + ada.getName()
              + " with 2 books (the inserts also"
              + " put them into the entity region)");

      stats.clear();
      Book found = shop.fromSession(s -> s.find(Book.class, notes.getId()));
      System.out.println(
          "[shop] new session, find(Book "
              + notes.getId()
              + ") = \""
              + found.getTitle()
              + "\": SQL statements "
              + stats.getPrepareStatementCount()
              + ", second-level cache hits "
              + stats.getSecondLevelCacheHitCount());

      shop.inTransaction(
          s -> s.find(Author.class, ada.getId()).getBooks().size()); // caches the collection
      stats.clear();
      int count = shop.fromSession(s -> s.find(Author.class, ada.getId()).getBooks().size());
      System.out.println(
          "[shop] new session, author.getBooks(): "
              + count
              + " books: SQL statements "
              + stats.getPrepareStatementCount()
              + ", collection cache hits "
              + stats
                  .getCollectionStatistics(Author.class.getName() + ".books")
                  .getCacheHitCount());

      stats.clear();
      System.out.println(
          "[shop] cached query 'books under 20': run 1 -> "
              + cheapTitles(shop)
              + ", SQL "
              + stats.getPrepareStatementCount());
      stats.clear();
      System.out.println(
          "[shop] run 2 -> "
              + cheapTitles(shop)
              + ", SQL "
              + stats.getPrepareStatementCount()
              + ", query cache hits "
              + stats.getQueryCacheHitCount());
      shop.inTransaction(
          s ->
              s.persist(
                  new Book(
                      "Translator's Notes",
                      new BigDecimal("9.99"),
                      s.find(Author.class, ada.getId()))));
      stats.clear();
      System.out.println(
          "[shop] after inserting a cheaper book the cached result is stale; run 3 -> "
              + cheapTitles(shop)
              + ", SQL "
              + stats.getPrepareStatementCount());

      shop.inTransaction(s -> s.find(Book.class, notes.getId()).setTitle("Notes (2nd ed.)"));
      stats.clear();
      System.out.println(
          "[shop] after an update, a new session reads \""
              + shop.fromSession(s -> s.find(Book.class, notes.getId())).getTitle()
              + "\" from the cache (SQL "
              + stats.getPrepareStatementCount()
              + ")");

      Statistics archiveStats = archive.getStatistics();
      archiveStats.clear();
      Book other = archive.fromSession(s -> s.find(Book.class, notes.getId()));
      System.out.println(
          "[archive] another database (region_prefix=archive), same memcached: find(Book "
              + notes.getId()
              + ") = "
              + other
              + ", second-level cache hits "
              + archiveStats.getSecondLevelCacheHitCount()
              + " (its regions hold only its own rows)");
      System.out.println("regions: " + List.of(stats.getSecondLevelCacheRegionNames()));
    }
  }

  private static List<String> cheapTitles(SessionFactory sf) {
    return sf.fromSession(
        s ->
            s
                .createSelectionQuery("from Book where price < :max order by title", Book.class)
                .setParameter("max", new BigDecimal("20"))
                .setCacheable(true)
                .getResultList()
                .stream()
                .map(Book::getTitle)
                .toList());
  }
}
