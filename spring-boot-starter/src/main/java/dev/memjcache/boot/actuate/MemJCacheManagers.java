package dev.memjcache.boot.actuate;

import dev.memjcache.MemcachedCacheManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;

/** The MemJCache managers among an application context's {@code javax.cache.CacheManager} beans. */
final class MemJCacheManagers {

  private MemJCacheManagers() {}

  /**
   * @return by bean name, in registration order
   */
  static Map<String, MemcachedCacheManager> of(ListableBeanFactory beans) {
    Map<String, MemcachedCacheManager> managers = new LinkedHashMap<>();
    beans
        .getBeansOfType(javax.cache.CacheManager.class)
        .forEach(
            (name, manager) -> {
              if (manager instanceof MemcachedCacheManager memjcache) {
                managers.put(name, memjcache);
              }
            });
    return managers;
  }
}
