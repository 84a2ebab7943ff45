package dev.memjcache.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedExtension;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * The statistics MXBean is found under the name Micrometer's {@code JCacheMetrics} (Spring Boot's
 * cache metrics) builds: {@code "javax.cache:type=CacheStatistics,CacheManager=" +
 * getURI().toString().replace(':', '.') + ",Cache=" + name}, for the default manager whatever
 * {@code memjcache.servers} holds (a server list, a query with {@code ? =}) and for a properties
 * file URI; an explicit URI with a query still registers under a valid name.
 */
class MicrometerObjectNameTest {

  @RegisterExtension static final MemcachedExtension MEMCACHED = MemcachedExtension.nodes(2);

  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  /** The name as Micrometer's JCacheMetrics builds it (its only escape is ':' to '.'). */
  private static ObjectName micrometerName(Cache<?, ?> cache) throws MalformedObjectNameException {
    return new ObjectName(
        "javax.cache:type=CacheStatistics,CacheManager="
            + cache.getCacheManager().getURI().toString().replace(':', '.')
            + ",Cache="
            + cache.getName());
  }

  private static Cache<String, String> countedCache(CacheManager manager, String name) {
    Cache<String, String> cache =
        manager.createCache(
            name,
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setStatisticsEnabled(true));
    cache.put("k", "v");
    cache.get("k");
    cache.get("absent");
    return cache;
  }

  private static void assertMicrometerFindsStatistics(Cache<String, String> cache)
      throws Exception {
    ObjectName name = micrometerName(cache);
    assertTrue(SERVER.isRegistered(name), name + " is registered");
    assertEquals(1L, SERVER.getAttribute(name, "CacheHits"));
    assertEquals(1L, SERVER.getAttribute(name, "CacheMisses"));
  }

  @Test
  @ResourceLock(Resources.SYSTEM_PROPERTIES)
  void defaultManagerWithAServerListAndAQueryIsFoundByMicrometer() throws Exception {
    String previous = System.getProperty("memjcache.servers");
    // a ',' in the server list, a '?' and '=' in the query
    System.setProperty(
        "memjcache.servers", MEMCACHED.uri() + "?allowPackages=dev.memjcache&keyPrefix=mm");
    MemcachedCachingProvider provider = new MemcachedCachingProvider();
    try (CacheManager manager = provider.getCacheManager()) {
      assertEquals(URI.create("urn:memjcache:default"), manager.getURI());
      assertMicrometerFindsStatistics(countedCache(manager, "micrometer-default"));
    } finally {
      if (previous == null) {
        System.clearProperty("memjcache.servers");
      } else {
        System.setProperty("memjcache.servers", previous);
      }
      provider.close();
    }
  }

  @Test
  void propertiesFileManagerIsFoundByMicrometer(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("memjcache.properties");
    Files.writeString(
        file, "servers=" + MEMCACHED.server().address() + "\nallowPackages=dev.memjcache\n");
    try (CacheManager manager =
        new MemcachedCachingProvider().getCacheManager(file.toUri(), getClass().getClassLoader())) {
      assertMicrometerFindsStatistics(countedCache(manager, "micrometer-file"));
    }
  }

  @Test
  void explicitUriWithAQueryRegistersUnderAValidName() throws Exception {
    URI uri = URI.create(MEMCACHED.server().uri() + "?allowPackages=dev.memjcache");
    try (CacheManager manager =
        new MemcachedCachingProvider().getCacheManager(uri, getClass().getClassLoader())) {
      Cache<String, String> cache = countedCache(manager, "micrometer-query");
      ObjectName ours = MBeanRegistrar.objectName(MBeanType.STATISTICS, uri, cache.getName());
      assertTrue(SERVER.isRegistered(ours), ours + " is registered");
      assertEquals(1L, SERVER.getAttribute(ours, "CacheHits"));
      // Micrometer cannot even build a name from such a URI ('=' in a value): hence the default
      // manager or a properties file for Spring Boot's metrics (docs/spring.md)
      assertThrows(MalformedObjectNameException.class, () -> micrometerName(cache));
    }
  }
}
