package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import net.spy.memcached.CachedData;
import org.junit.jupiter.api.Test;

/**
 * A stray write over a cache's generation item or clear marker (for example {@code set
 * mjc:<cache>:gen 0 0 3} + {@code abc}) no longer breaks the cache: the item is repaired with a new
 * generation above every earlier one, logged once, and {@code clear()} and {@code destroyCache}
 * keep working.
 */
class GenerationRepairTest extends CacheTestSupport {

  private static void overwrite(Cache<?, ?> cache, String suffix, String bytes) throws Exception {
    assertTrue(
        rawClient(cache)
            .set(
                "mjc:" + cache.getName() + ":" + suffix,
                0,
                new CachedData(0, bytes.getBytes(StandardCharsets.US_ASCII), Integer.MAX_VALUE),
                RAW)
            .get(1, TimeUnit.SECONDS));
  }

  @Test
  void aCorruptGenerationItemIsRepairedAndLoggedOnce() throws Exception {
    CacheManager manager = newManager("generationRefreshMillis=0");
    Cache<String, String> cache = newCache(manager, String.class, String.class);
    cache.put("a", "1");
    long before = generation(cache);
    overwrite(cache, "gen", "abc");

    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      cache.put("b", "2");
      assertEquals("2", cache.get("b"));
      assertNull(cache.get("a"), "the repaired generation is a new one");
      for (int i = 0; i < 20; i++) {
        cache.put("c" + i, "x");
        assertEquals("x", cache.get("c" + i));
      }
    } finally {
      System.setErr(stderr);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    int repairs = log.split("are not a number", -1).length - 1;
    assertEquals(1, repairs, "the repair is logged once:\n" + log);
    assertTrue(log.contains("mjc:" + cache.getName() + ":gen"), log);
    assertTrue(generation(cache) > before, "the new generation is above the old one");

    cache.clear();
    assertNull(cache.get("b"));
    cache.put("d", "4");
    assertEquals("4", cache.get("d"));
  }

  @Test
  void clearAndDestroyCacheWorkOverCorruptItems() throws Exception {
    CacheManager manager = newManager("");
    Cache<String, String> cache = newCache(manager, String.class, String.class);
    cache.put("a", "1");
    overwrite(cache, "gen", "abc");
    overwrite(cache, "clear", "not-a-number");
    cache.clear();
    assertNull(cache.get("a"));
    cache.put("a", "2");
    assertEquals("2", cache.get("a"));

    // another JVM (a fresh provider) reads the repaired items
    CacheManager other = newManager("");
    Cache<String, String> otherView =
        other.createCache(
            cache.getName(),
            new javax.cache.configuration.MutableConfiguration<String, String>()
                .setTypes(String.class, String.class));
    assertEquals("2", otherView.get("a"));

    overwrite(cache, "gen", "abc");
    manager.destroyCache(cache.getName());
    assertTrue(cache.isClosed());
    Thread.sleep(1_100); // the other JVM's generation refresh interval
    assertNull(otherView.get("a"), "destroyCache cleared the entries for every JVM");
  }
}
