package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs, each with its own SessionFactory, on one memcached and one H2 database (a file database
 * with AUTO_SERVER, so the second process connects through the first one's server).
 */
class TwoJvmTest extends HibernateTestSupport {

  @TempDir Path dir;

  @Test
  void anEntityLoadedInOneJvmIsACacheHitInTheOtherAndUpdatesCrossBothWays() throws Exception {
    String jdbcUrl = "jdbc:h2:file:" + dir.resolve("shared").toAbsolutePath() + ";AUTO_SERVER=TRUE";
    String prefix = "twojvm" + System.nanoTime();
    String cacheUri = propertiesFile(dir);
    SessionFactory here =
        open(jdbcUrl, prefix, cacheUri, Map.of("hibernate.hbm2ddl.auto", "create"));
    Book cheap = library(here).cheap();
    // Load it in this JVM so that the cache holds what this JVM read.
    here.inSession(s -> s.find(Book.class, cheap.getId()));

    Path log = dir.resolve("other-jvm.log");
    Process other =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OtherJvm.class.getName(),
                jdbcUrl,
                prefix,
                cacheUri)
            .redirectError(log.toFile())
            .start();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter in =
            new BufferedWriter(
                new OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8))) {
      assertEquals("ready", answer(reader, out, log));

      send(in, "find " + cheap.getId());
      assertEquals(
          "Notes sql=0 hits=1", answer(reader, out, log), "a cache hit in the other JVM, no SQL");

      send(in, "rename " + cheap.getId() + " Renamed elsewhere");
      assertEquals("ok", answer(reader, out, log));
      afterTheUpdatesMillisecond();
      Statistics stats = here.getStatistics();
      stats.clear();
      assertEquals(
          "Renamed elsewhere", here.fromSession(s -> s.find(Book.class, cheap.getId())).getTitle());
      assertEquals(
          1, stats.getSecondLevelCacheHitCount(), "the other JVM's update, from the cache");
      assertEquals(0, stats.getPrepareStatementCount());

      here.inTransaction(s -> s.find(Book.class, cheap.getId()).setTitle("Renamed here"));
      afterTheUpdatesMillisecond();
      send(in, "find " + cheap.getId());
      assertEquals(
          "Renamed here sql=0 hits=1", answer(reader, out, log), "this JVM's update, read there");
    } finally {
      other.getOutputStream().close();
      if (!other.waitFor(30, TimeUnit.SECONDS)) {
        other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      reader.shutdownNow();
    }
    assertEquals(0, other.exitValue(), () -> "the other JVM failed: " + read(log));
  }

  /**
   * Hibernate's READ_WRITE item is readable by sessions that start after its timestamp: epoch
   * milliseconds times 4096 plus a per-JVM counter. A session of the other JVM that starts within
   * the same millisecond may rank before the item and miss (correctly, to the database).
   */
  private static void afterTheUpdatesMillisecond() throws InterruptedException {
    Thread.sleep(10);
  }

  private static void send(BufferedWriter in, String command) throws IOException {
    in.write(command);
    in.newLine();
    in.flush();
  }

  /** The next "@@ " line of the other JVM, within 60 s (it starts Hibernate first). */
  private static String answer(ExecutorService reader, BufferedReader out, Path log)
      throws Exception {
    Future<String> line =
        reader.submit(
            () -> {
              for (String l = out.readLine(); l != null; l = out.readLine()) {
                if (l.startsWith("@@ ")) {
                  return l.substring(3);
                }
              }
              return null;
            });
    String answer = line.get(60, TimeUnit.SECONDS);
    if (answer == null) {
      throw new AssertionError("the other JVM ended: " + read(log));
    }
    return answer;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
