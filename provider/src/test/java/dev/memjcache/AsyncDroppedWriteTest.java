package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memjcache.testkit.MemcachedProcess;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A write of the asynchronous view that memcached never answered (server hung past the operation
 * timeout) marks its server dirty for the cache, as a dropped synchronous write does: once the
 * server answers again, the entry the dropped write should have replaced or removed is not served.
 * Without the marking, the old value would come back.
 */
class AsyncDroppedWriteTest {

  private static final String OPTIONS =
      "operationTimeoutMillis=300&serverRetryMillis=200&serverFailureLimit=1";

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aDroppedAsyncWriteLeavesNoStaleEntryBehind(boolean refusedWhileMarkedDown) throws Exception {
    String write = refusedWhileMarkedDown ? "put refused by node health" : "put timed out";
    try (MemcachedProcess server = MemcachedProcess.start()) {
      MemcachedCacheManager manager = ClusterTestSupport.manager(server.address(), OPTIONS);
      try {
        Cache<String, String> cache =
            manager.createCache("dropped", new MutableConfiguration<String, String>());
        @SuppressWarnings("unchecked")
        AsyncCache<String, String> async = cache.unwrap(AsyncCache.class);
        cache.put("k", "old");
        server.pause();
        try {
          if (refusedWhileMarkedDown) {
            // a read that times out marks the server down without making it dirty
            assertThrows(CacheException.class, () -> cache.get("other"));
            assertEquals(List.of(server.address()), manager.serversMarkedDown());
          }
          ExecutionException failure =
              assertThrows(
                  ExecutionException.class,
                  () -> async.put("k", "new").toCompletableFuture().get(10, TimeUnit.SECONDS));
          assertInstanceOf(CacheException.class, failure.getCause(), write);
        } finally {
          server.resume();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!manager.serversMarkedDown().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertEquals(List.of(), manager.serversMarkedDown(), "the resumed server is back");
        assertNull(cache.get("k"), write + ": the entry the dropped write should have replaced");
      } finally {
        manager.close();
      }
    }
  }
}
