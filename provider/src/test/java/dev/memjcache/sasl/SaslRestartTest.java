package dev.memjcache.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedProcess;
import dev.memjcache.testkit.SaslSetup;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A SASL server ({@code memcached -S}) that is killed and restarted: the reconnected connection
 * authenticates again before node health's probes and per-server generation commands use it, the
 * cache works again within seconds, and generations stay correct in both managers (two JVMs'
 * views).
 */
class SaslRestartTest {

  private static final String USER = "mjcrestart";
  private static final String PASSWORD = "Pw-" + Long.toHexString(System.nanoTime());

  private SaslSetup sasl;
  private MemcachedProcess server;
  private final List<MemcachedCacheManager> managers = new ArrayList<>();

  @BeforeEach
  void start() {
    sasl = SaslSetup.create(USER, PASSWORD);
    server = MemcachedProcess.start(sasl.environment(), "-S");
  }

  @AfterEach
  void stop() {
    managers.forEach(MemcachedCacheManager::close);
    server.close();
    sasl.delete();
  }

  private Cache<String, String> cache() {
    Properties p = new Properties();
    p.setProperty("username", USER);
    p.setProperty("password", PASSWORD);
    MemcachedCacheManager manager =
        (MemcachedCacheManager)
            new MemcachedCachingProvider()
                .getCacheManager(
                    URI.create(
                        server.uri()
                            + "?failureMode=degrade&operationTimeoutMillis=500"
                            + "&serverRetryMillis=200"),
                    SaslRestartTest.class.getClassLoader(),
                    p);
    managers.add(manager);
    return manager.createCache(
        "restart", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  @Test
  void aRestartedSaslServerServesAgainWithinSecondsWithCorrectGenerations() throws Exception {
    Cache<String, String> cache = cache();
    Cache<String, String> other = cache();
    cache.put("k", "before");
    assertEquals("before", other.get("k"));

    server.stop();
    assertNull(cache.get("k"), "degrade: a miss while the server is down");
    cache.put("k", "dropped"); // dropped: marks the server dirty
    assertNull(other.get("k"));
    server.restart();

    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(10);
    String read = null;
    while (System.nanoTime() < deadline) {
      cache.put("k", "after");
      read = cache.get("k");
      if ("after".equals(read)) {
        break;
      }
      Thread.sleep(50);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.println("SASL server served again " + millis + " ms after its restart");
    assertEquals("after", read, "served again within 10 s of the restart");
    assertTrue(millis < 5_000, "served again after " + millis + " ms");

    // the other manager reconnects (and authenticates) as well and reads the new generation
    long otherDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String otherRead = null;
    while (System.nanoTime() < otherDeadline && !"after".equals(otherRead)) {
      otherRead = other.get("k");
      Thread.sleep(50);
    }
    assertEquals("after", otherRead);

    cache.clear();
    assertNull(cache.get("k"), "clear() after the restart");
    Thread.sleep(1_100); // the other manager's generation refresh
    assertNull(other.get("k"), "the other manager sees the clear");
    other.put("k", "again");
    assertEquals("again", cache.get("k"));
  }
}
