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

  /**
   * The URL of an H2 database in the file {@code shared} under {@code dir} that a second JVM
   * process opens too while this one has it open (AUTO_SERVER: it connects through this one's).
   */
  static String sharedDatabase(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("shared").toAbsolutePath() + ";AUTO_SERVER=TRUE";
  }

  /**
   * Opens, as {@link #open}, a SessionFactory on a new in-memory database with the region prefix
   * {@code regionPrefix} and a properties file in {@code dir} that has only the server list.
   */
  SessionFactory openOwnDatabase(Path dir, String regionPrefix) throws IOException {
    return open(newDatabase(), regionPrefix, propertiesFile(dir), Map.of());
  }

  /**
   * What this JVM and a second JVM process share: the database {@link #sharedDatabase} under {@code
   * dir}, a region prefix and a MemJCache properties file.
   */
  record Shared(Path dir, String jdbcUrl, String prefix, String cacheUri) {

    /** Starts the second JVM process on these; its stderr goes to {@code logName} in the dir. */
    OtherJvmProcess otherJvm(String logName) throws Exception {
      return new OtherJvmProcess(dir.resolve(logName), jdbcUrl, prefix, cacheUri);
    }
  }

  /** A new {@link Shared} under {@code dir} whose region prefix is {@code name} made unique. */
  static Shared shared(Path dir, String name) throws IOException {
    return new Shared(dir, sharedDatabase(dir), name + System.nanoTime(), propertiesFile(dir));
  }

  /** Opens, as {@link #open}, this JVM's SessionFactory on {@code shared}, creating the schema. */
  SessionFactory openCreatingSchema(Shared shared) {
    return open(
        shared.jdbcUrl(),
        shared.prefix(),
        shared.cacheUri(),
        Map.of("hibernate.hbm2ddl.auto", "create"));
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
