package dev.memjcache.examples.hibernate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;

/**
 * The second JVM of {@link TwoJvmTest}: its own SessionFactory on the same memcached and the same
 * H2 database, driven by one command per line on stdin; each answer is one stdout line starting
 * with {@code "@@ "} (Hibernate may print other lines).
 *
 * <p>Arguments: JDBC URL, region prefix, CacheManager URI. Commands: {@code find <id>} answers
 * {@code @@ <title> sql=<statements> hits=<second-level cache hits>}; {@code rename <id> <title>}
 * answers {@code @@ ok}; end of input closes the SessionFactory and exits.
 */
public final class OtherJvm {

  private OtherJvm() {}

  /**
   * Runs the command loop.
   *
   * @param args JDBC URL, region prefix, CacheManager URI
   * @throws Exception on any failure (the parent sees the exit code and stderr)
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.jboss.logging.provider", "slf4j");
    try (SessionFactory sf =
            SessionFactories.open(
                args[0], args[1], args[2], Map.of("hibernate.hbm2ddl.auto", "none"));
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      Statistics stats = sf.getStatistics();
      System.out.println("@@ ready");
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.split(" ", 3);
        if (evictionCommand(sf, args[1], words)) {
          System.out.flush();
          continue;
        }
        long id = Long.parseLong(words[1]);
        stats.clear();
        switch (words[0]) {
          case "find" -> {
            Book book = sf.fromSession(s -> s.find(Book.class, id));
            System.out.println(
                "@@ "
                    + (book == null ? null : book.getTitle())
                    + " sql="
                    + stats.getPrepareStatementCount()
                    + " hits="
                    + stats.getSecondLevelCacheHitCount());
          }
          case "rename" -> {
            sf.inTransaction(s -> s.find(Book.class, id).setTitle(words[2]));
            System.out.println("@@ ok");
          }
          default -> throw new IllegalArgumentException("unknown command " + line);
        }
        System.out.flush();
      }
    }
  }

  /**
   * The commands of the eviction tests ({@link EvictionChecks}): {@code check <max>} answers
   * {@code @@ cached=<ids> database=<ids>}, the cacheable query's ids and the database's; {@code
   * price <id> <price>} answers {@code @@ ok}; {@code counts} answers {@code @@ queryHits=<n>
   * timestampMisses=<n>}, Hibernate's query cache hits and the timestamps region's {@code
   * timestampMissCount()} so far.
   *
   * @return false when {@code words} is none of them
   */
  private static boolean evictionCommand(SessionFactory sf, String prefix, String[] words) {
    switch (words[0]) {
      case "check" -> {
        List<Long> cached = EvictionChecks.cachedIdsUnder(sf, words[1]);
        List<Long> database = EvictionChecks.databaseIdsUnder(sf, words[1]);
        System.out.println("@@ cached=" + cached + " database=" + database);
        return true;
      }
      case "price" -> {
        EvictionChecks.setPrice(sf, Long.parseLong(words[1]), words[2]);
        System.out.println("@@ ok");
        return true;
      }
      case "counts" -> {
        System.out.println(
            "@@ queryHits="
                + sf.getStatistics().getQueryCacheHitCount()
                + " timestampMisses="
                + EvictionChecks.timestampsRegion(sf, prefix).timestampMissCount());
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
