package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memjcache.management.MBeanRegistrar;
import dev.memjcache.management.MBeanType;
import dev.memjcache.spi.MemcachedCachingProvider;
import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * {@code Cache.removeAll()} deletes the enumerated items without deserializing their keys when no
 * writer, REMOVED listener or statistics need them (Spring's {@code @CacheEvict(allEntries = true)}
 * on caches keyed by {@code SimpleKey} or records); with statistics on it reads them to count.
 */
class RemoveAllWithoutKeysTest extends CacheTestSupport {

  private CacheManager managerWithoutAllowPackages() {
    return new MemcachedCachingProvider()
        .getCacheManager(URI.create(MEMCACHED.uri()), getClass().getClassLoader());
  }

  @Test
  void removeAllDeletesEntriesWhoseKeysThisManagerMayNotDeserialize() throws Exception {
    String name = uniqueCacheName();
    Cache<Object, Object> writer = newManager("").createCache(name, new MutableConfiguration<>());
    for (int i = 0; i < 20; i++) {
      writer.put(new OrderKey("eu", i), "order-" + i);
    }
    try (CacheManager strict = managerWithoutAllowPackages()) {
      Cache<Object, Object> cache = strict.createCache(name, new MutableConfiguration<>());
      cache.removeAll();
    }
    for (int i = 0; i < 20; i++) {
      assertNull(writer.get(new OrderKey("eu", i)), "entry " + i);
    }
  }

  @Test
  void withStatisticsRemoveAllReadsTheEntriesAndCountsEachRemoval() throws Exception {
    CacheManager manager = newManager("");
    Cache<Object, Object> counted =
        manager.createCache(
            uniqueCacheName(), new MutableConfiguration<>().setStatisticsEnabled(true));
    for (int i = 0; i < 5; i++) {
      counted.put(new OrderKey("us", i), "o" + i);
    }
    counted.removeAll();
    ObjectName name =
        MBeanRegistrar.objectName(MBeanType.STATISTICS, manager.getURI(), counted.getName());
    assertEquals(
        5L, ManagementFactory.getPlatformMBeanServer().getAttribute(name, "CacheRemovals"));
    assertNull(counted.get(new OrderKey("us", 0)));
  }
}
