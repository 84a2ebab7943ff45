package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.store.StoreFailureException;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** Dead servers, degraded mode and servers that refuse key enumeration. */
class FailureTest {

  private static Cache<String, String> cacheOn(CacheManager manager) {
    return manager.createCache(
        "failures",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  private static CacheManager manager(String uri) {
    return new MemcachedCachingProvider()
        .getCacheManager(URI.create(uri), FailureTest.class.getClassLoader());
  }

  @Test
  void aDeadServerFailsWithinTheOperationTimeout() {
    MemcachedProcess server = MemcachedProcess.start();
    CacheManager manager = manager(server.uri() + "?operationTimeoutMillis=300");
    try {
      Cache<String, String> cache = cacheOn(manager);
      cache.put("k", "v");
      server.close();
      long start = System.nanoTime();
      CacheException e = assertThrows(CacheException.class, () -> cache.get("k"));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < 1_500, "failed after " + millis + " ms");
      assertTrue(e instanceof StoreFailureException, e.toString());
      assertTrue(e.getMessage().contains("memcached"), e.getMessage());
    } finally {
      manager.close();
      server.close();
    }
  }

  @Test
  void degradeModeTurnsReadsIntoMissesAndDropsWrites() {
    MemcachedProcess server = MemcachedProcess.start();
    CacheManager manager =
        manager(server.uri() + "?operationTimeoutMillis=300&failureMode=degrade");
    try {
      Cache<String, String> cache = cacheOn(manager);
      cache.put("k", "v");
      assertEquals("v", cache.get("k"));
      server.close();
      assertNull(cache.get("k"));
      cache.put("k", "dropped");
      assertFalse(cache.putIfAbsent("x", "y"));
      assertEquals(0, cache.getAll(Set.of("a", "b")).size());
      assertTrue(cache.unwrap(MemcachedCache.class).degradedCount() >= 4);
    } finally {
      manager.close();
      server.close();
    }
  }

  @Test
  void aServerStartedWithMinusXRefusesIterationWithAReason() {
    try (MemcachedProcess server = MemcachedProcess.start("-X")) {
      CacheManager manager = manager(server.uri());
      try {
        Cache<String, String> cache = cacheOn(manager);
        cache.put("k", "v");
        UnsupportedOperationException e =
            assertThrows(UnsupportedOperationException.class, cache::iterator);
        assertTrue(e.getMessage().contains("-X"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, cache::removeAll);
        assertEquals("v", cache.get("k"), "other operations keep working");
      } finally {
        manager.close();
      }
    }
  }
}
