package dev.memjcache.examples.hibernate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
}
