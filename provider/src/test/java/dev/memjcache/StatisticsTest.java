package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Exact statistics after a scripted sequence, read through the platform MBeanServer. */
class StatisticsTest extends CacheTestSupport {

  @Test
  void countsAfterAScriptedSequenceAreExact() throws Exception {
    CacheManager manager = newManager("");
    String name = uniqueCacheName();
    Cache<String, String> cache =
        manager.createCache(
            name,
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setStatisticsEnabled(true)
                .setManagementEnabled(true));

    cache.get("a"); // miss 1
    cache.put("a", "1"); // put 1
    cache.get("a"); // hit 1
    cache.putAll(Map.of("b", "2", "c", "3")); // puts 3
    cache.getAll(Set.of("a", "b", "x")); // hits 3, misses 2
    assertTrue(cache.putIfAbsent("d", "4")); // puts 4, misses 3
    assertFalse(cache.putIfAbsent("d", "5")); // hits 4
    cache.getAndPut("a", "1b"); // hits 5, puts 5
    assertTrue(cache.replace("b", "2", "2b")); // hits 6, puts 6
    assertFalse(cache.replace("b", "zz", "2c")); // hits 7
    assertTrue(cache.remove("c")); // removals 1
    assertEquals("4", cache.getAndRemove("d")); // hits 8, removals 2
    cache.invoke("a", (entry, args) -> entry.getValue()); // hits 9
    cache.containsKey("a"); // nothing
    cache.clear(); // nothing

    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName statistics =
        new ObjectName(
            "javax.cache:type=CacheStatistics,CacheManager="
                + manager.getURI().toString().replaceAll("[,:=\n?*\"]", ".")
                + ",Cache="
                + name);
    assertEquals(9L, server.getAttribute(statistics, "CacheHits"));
    assertEquals(3L, server.getAttribute(statistics, "CacheMisses"));
    assertEquals(12L, server.getAttribute(statistics, "CacheGets"));
    assertEquals(6L, server.getAttribute(statistics, "CachePuts"));
    assertEquals(2L, server.getAttribute(statistics, "CacheRemovals"));
    assertEquals(75.0f, (Float) server.getAttribute(statistics, "CacheHitPercentage"), 0.01f);
    assertTrue((Float) server.getAttribute(statistics, "AverageGetTime") > 0f);

    manager.enableStatistics(name, false);
    assertFalse(server.isRegistered(statistics));
    cache.get("a");
    manager.enableStatistics(name, true);
    assertEquals(
        9L,
        server.getAttribute(statistics, "CacheHits"),
        "nothing is counted while statistics are off");
    manager.destroyCache(name);
    assertFalse(server.isRegistered(statistics), "destroyCache unregisters the MXBeans");
  }
}
