package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example program runs end to end and shows what its output promises. */
class HibernateExampleTest extends HibernateTestSupport {

  @Test
  void theExampleShowsEntityCollectionAndQueryCachesAndIsolatedRegions() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      HibernateExample.main(new String[] {MEMCACHED.server().address()});
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    for (String expected :
        new String[] {
          "find(Book 1) = \"Notes on the Analytical Engine\": SQL statements 0, second-level cache hits 1",
          "author.getBooks(): 2 books: SQL statements 0, collection cache hits 1",
          "run 2 -> [Notes on the Analytical Engine], SQL 0, query cache hits 1",
          "run 3 -> [Notes on the Analytical Engine, Translator's Notes], SQL 1",
          "a new session reads \"Notes (2nd ed.)\" from the cache (SQL 0)",
          "find(Book 1) = null, second-level cache hits 0"
        }) {
      assertTrue(output.contains(expected), () -> "missing: " + expected + "\n" + output);
    }
  }
}
