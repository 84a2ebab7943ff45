package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real eviction: memcached with 8 MB ({@code -m 8}), and a filler of items exactly as large as the
 * update-timestamps items, so in their slab class, until memcached evicted them ({@code stats
 * items}: {@code evicted}). Meanwhile two JVMs take turns updating books and running the cacheable
 * query "books under 20": every cached answer must equal the database's at that moment.
 */
class EvictionRoundsTest {

  @RegisterExtension static final MemcachedExtension SMALL = MemcachedExtension.single("-m", "8");

  private static final int ROUNDS = 1_000;
  private static final int BOOKS = 8;
  private static final int BURST_EVERY = 100;
  private static final Pattern CHECK = Pattern.compile("cached=(\\[.*]) database=(\\[.*])");
  private static final Pattern COUNTS = Pattern.compile("queryHits=(\\d+) timestampMisses=(\\d+)");

  static {
    System.setProperty("org.jboss.logging.provider", "slf4j");
  }

  @TempDir Path dir;

  @Test
  void noCachedQueryDiffersFromTheDatabaseWhileMemcachedEvictsTheTimestamps() throws Exception {
    String jdbcUrl = HibernateTestSupport.sharedDatabase(dir);
    String prefix = "rounds" + System.nanoTime();
    Path properties = dir.resolve("memjcache.properties");
    // a filler burst keeps memcached busy evicting; on a loaded machine a command after it has
    // taken over the default 1 s: this test is about stale results, not latency
    Files.writeString(
        properties, "servers=" + SMALL.server().address() + "\noperationTimeoutMillis=5000\n");
    String cacheUri = properties.toUri().toString();
    String timestamps = prefix + "." + EvictionChecks.TIMESTAMPS;

    try (SessionFactory here =
            SessionFactories.open(
                jdbcUrl, prefix, cacheUri, Map.of("hibernate.hbm2ddl.auto", "create"));
        RawMemcached raw = new RawMemcached(SMALL.server().port());
        OtherJvmProcess other =
            new OtherJvmProcess(dir.resolve("other-jvm.log"), jdbcUrl, prefix, cacheUri)) {
      List<Long> ids = new ArrayList<>();
      List<Boolean> cheap = new ArrayList<>();
      here.inTransaction(
          s -> {
            Author author = new Author("Ada");
            s.persist(author);
            for (int i = 0; i < BOOKS; i++) {
              Book book = new Book("Book " + i, new BigDecimal(i % 2 == 0 ? "10" : "30"), author);
              s.persist(book);
            }
          });
      for (Book b :
          here.fromSession(
              s -> s.createSelectionQuery("from Book order by id", Book.class).getResultList())) {
        ids.add(b.getId());
        cheap.add(b.getPrice().compareTo(new BigDecimal("20")) < 0);
      }
      // Warm-up: every kind of item the rounds write has a slab page before the filler takes the
      // rest of memcached's memory.
      check(here, other, true, "warm-up");
      check(here, other, false, "warm-up");
      EvictionChecks.setPrice(here, ids.get(0), "10");
      assertEquals("ok", other.ask("price " + ids.get(1) + " 30"));
      check(here, other, true, "warm-up");
      check(here, other, false, "warm-up");

      // lru_crawler metadump skips items that move between LRUs while it crawls (a timestamp
      // read on every query does): the key is built from the region's generation item instead.
      byte[] generation = raw.get("mjc:" + timestamps + ":gen");
      assertNotNull(generation, "the update-timestamps region's generation item");
      String key =
          "mjc:" + timestamps + ":" + new String(generation, StandardCharsets.US_ASCII) + ":Book";
      byte[] value = raw.get(key);
      assertNotNull(value);

      long filler = 0;
      int bursts = 0;
      int timestampsEvicted = 0;
      List<String> differences = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        boolean hereUpdates = round % 2 == 0;
        if (round % 3 == 0) {
          int book = (round / 3) % BOOKS;
          boolean nowCheap = !cheap.get(book);
          cheap.set(book, nowCheap);
          String price = nowCheap ? "10" : "30";
          if (hereUpdates) {
            EvictionChecks.setPrice(here, ids.get(book), price);
          } else {
            assertEquals("ok", other.ask("price " + ids.get(book) + " " + price));
          }
        }
        // after the update, before the reads: the timestamp it wrote is what memcached evicts
        if (round % BURST_EVERY == BURST_EVERY - 1) {
          bursts++;
          boolean present = raw.exists(key);
          for (int chunk = 0; chunk < 40 && raw.exists(key); chunk++) {
            raw.fill("filler:", filler, 10_000, key.length(), value.length);
            filler += 10_000;
          }
          if (present && !raw.exists(key)) {
            timestampsEvicted++;
          }
        }
        String both = check(here, other, !hereUpdates, "round " + round);
        if (both != null) {
          differences.add(both);
        }
        String again = check(here, other, hereUpdates, "round " + round);
        if (again != null) {
          differences.add(again);
        }
      }

      Map.Entry<Integer, Long> evicted = raw.mostEvicted();
      Matcher counts = COUNTS.matcher(other.ask("counts"));
      assertTrue(counts.matches());
      long hits = here.getStatistics().getQueryCacheHitCount() + Long.parseLong(counts.group(1));
      long misses =
          EvictionChecks.timestampsRegion(here, prefix).timestampMissCount()
              + Long.parseLong(counts.group(2));
      System.out.printf(
          "eviction rounds: %d rounds, %d checks, %d filler bursts (%d filler items), update"
              + " timestamps evicted in %d bursts, slab class %d evicted %d items; %d query"
              + " cache hits, %d timestamp misses answered, %d cached results differing from the"
              + " database%n",
          ROUNDS,
          2 * ROUNDS,
          bursts,
          filler,
          timestampsEvicted,
          evicted.getKey(),
          evicted.getValue(),
          hits,
          misses,
          differences.size());
      assertEquals(List.of(), differences, "cached query results that differ from the database");
      assertTrue(evicted.getValue() > 0, "memcached evicted items of the timestamps' slab class");
      assertTrue(
          timestampsEvicted >= bursts / 2,
          "the update timestamp was evicted in " + timestampsEvicted + " of " + bursts + " bursts");
      assertTrue(misses >= timestampsEvicted, "each eviction was found as a timestamps miss");
      assertTrue(hits > ROUNDS / 2, "the query cache still served " + hits + " of the checks");
    }
  }

  /**
   * Runs the cacheable query and the database's in this JVM ({@code inHere}) or the other one.
   *
   * @return null when they agree, else what differed
   */
  private static String check(
      SessionFactory here, OtherJvmProcess other, boolean inHere, String when) throws Exception {
    String cached;
    String database;
    if (inHere) {
      cached = EvictionChecks.cachedIdsUnder(here, "20").toString();
      database = EvictionChecks.databaseIdsUnder(here, "20").toString();
    } else {
      Matcher m = CHECK.matcher(other.ask("check 20"));
      assertTrue(m.matches(), m.toString());
      cached = m.group(1);
      database = m.group(2);
    }
    return cached.equals(database)
        ? null
        : when
            + (inHere ? " (this JVM)" : " (other JVM)")
            + ": cached "
            + cached
            + ", database "
            + database;
  }
}
