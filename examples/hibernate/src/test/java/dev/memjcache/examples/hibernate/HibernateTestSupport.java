package dev.memjcache.examples.hibernate;

import dev.memjcache.testkit.MemcachedExtension;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the Hibernate tests: a private memcached per test class, and SessionFactories whose only
 * MemJCache setting is a properties file with the server list (plus the options a test names). Each
 * test gets its own H2 database and region prefix, so tests share nothing.
 */
abstract class HibernateTestSupport {

  @RegisterExtension static final MemcachedExtension MEMCACHED = MemcachedExtension.single();

  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final List<SessionFactory> factories = new ArrayList<>();

  static {
    System.setProperty("org.jboss.logging.provider", "slf4j");
  }

  /**
   * Writes {@code memjcache.properties} with {@code servers=} and {@code extraLines}; returns its
   * URI.
   */
  static String propertiesFile(Path dir, String... extraLines) throws IOException {
    StringBuilder text = new StringBuilder("servers=" + MEMCACHED.server().address() + "\n");
    for (String line : extraLines) {
      text.append(line).append('\n');
    }
    Path file = Files.createTempFile(dir, "memjcache", ".properties");
    Files.writeString(file, text);
    return file.toUri().toString();
  }

  /** A new in-memory H2 database's URL. */
  static String newDatabase() {
    return "jdbc:h2:mem:db"
        + DATABASES.incrementAndGet()
        + "-"
        + System.nanoTime()
        + ";DB_CLOSE_DELAY=-1";
  }

  /** Opens a SessionFactory that is closed after the test. */
  SessionFactory open(
      String jdbcUrl,
      String regionPrefix,
      String cacheUri,
      Map<String, String> extra,
      Class<?>... moreEntities) {
    SessionFactory sf = SessionFactories.open(jdbcUrl, regionPrefix, cacheUri, extra, moreEntities);
    factories.add(sf);
    return sf;
  }

  @AfterEach
  void closeFactories() {
    // Factories on one URI share a CacheManager that the first close closes: close them all.
    factories.forEach(SessionFactory::close);
    factories.clear();
  }

  /** Persists "Ada" with the books "Notes" (12.50) and "Sketch" (30.00). */
  static Library library(SessionFactory sf) {
    return Library.persist(sf, "Ada", "Notes", "Sketch");
  }

  /** Titles of the cacheable query "books under {@code max}", ordered by title. */
  static List<String> titlesUnder(SessionFactory sf, String max) {
    return sf.fromSession(
        s ->
            s
                .createSelectionQuery("from Book where price < :max order by title", Book.class)
                .setParameter("max", new BigDecimal(max))
                .setCacheable(true)
                .getResultList()
                .stream()
                .map(Book::getTitle)
                .toList());
  }
}
