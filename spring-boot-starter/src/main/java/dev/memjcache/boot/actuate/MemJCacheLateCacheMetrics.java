package dev.memjcache.boot.actuate;

import dev.memjcache.CacheLifecycleListener;
import dev.memjcache.MemcachedCache;
import dev.memjcache.MemcachedCacheManager;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.search.Search;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.metrics.cache.CacheMeterBinderProvider;
import org.springframework.boot.actuate.metrics.cache.CacheMetricsRegistrar;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.jcache.JCacheCacheManager;

/**
 * Cache metrics ({@code cache.gets}, {@code cache.puts}, ...) for the caches a MemJCache manager
 * creates after start-up: Hibernate's regions, caches created on demand. Spring Boot's own binder
 * binds only the caches its Spring {@link CacheManager}s know when the context starts; this one
 * listens to each MemJCache manager behind a {@link JCacheCacheManager} ({@link
 * MemcachedCacheManager#addCacheLifecycleListener}, which also replays the caches that exist) and
 * binds each cache through Spring Boot's {@link CacheMetricsRegistrar} and {@link
 * CacheMeterBinderProvider}s, with Spring Boot's tags ({@code cache}, {@code name}, {@code
 * cache.manager}), so a cache Spring Boot bound at start-up keeps its one set of meters. The meters
 * of a cache that is closed or destroyed are removed. Hit and miss counts need the cache's
 * statistics on ({@code memjcache.caches[<name-or-pattern>].statistics=true}). Each of these caches
 * also gets the counter {@value #TIMESTAMP_MISSES} ({@link MemcachedCache#timestampMissCount()}:
 * how often an evicted or lost Hibernate timestamp forced query results stale), with the same tags.
 */
public final class MemJCacheLateCacheMetrics implements SmartInitializingSingleton, DisposableBean {

  private static final String CACHE_MANAGER_SUFFIX = "cachemanager";

  /** The counter of {@link MemcachedCache#timestampMissCount()} per cache. */
  public static final String TIMESTAMP_MISSES = "memjcache.cache.timestamp.misses";

  private final ListableBeanFactory beans;
  private final ObjectProvider<CacheMetricsRegistrar> registrars;
  private final ObjectProvider<MeterRegistry> registries;
  private final ObjectProvider<CacheMeterBinderProvider<?>> binderProviders;
  private final List<Runnable> unregister = new ArrayList<>();
  private CacheMetricsRegistrar registrar;
  private MeterRegistry registry;

  /**
   * @param beans finds the Spring cache managers
   * @param registrars Spring Boot's cache metrics registrar, when it has one
   * @param registries the meter registry
   * @param binderProviders Spring Boot's cache meter binders, for a registrar of this class's own
   *     when Spring Boot has none
   */
  public MemJCacheLateCacheMetrics(
      ListableBeanFactory beans,
      ObjectProvider<CacheMetricsRegistrar> registrars,
      ObjectProvider<MeterRegistry> registries,
      ObjectProvider<CacheMeterBinderProvider<?>> binderProviders) {
    this.beans = beans;
    this.registrars = registrars;
    this.registries = registries;
    this.binderProviders = binderProviders;
  }

  /**
   * Starts listening, once every singleton (Hibernate's entity manager factory too) exists; does
   * nothing without a meter registry.
   */
  @Override
  public void afterSingletonsInstantiated() {
    registry = registries.getIfUnique();
    if (registry == null) {
      return;
    }
    // Spring Boot's registrar exists only when its condition saw a MeterRegistry; bind with the
    // same binders and tags without it.
    registrar =
        registrars.getIfAvailable(
            () -> new CacheMetricsRegistrar(registry, binderProviders.orderedStream().toList()));
    for (Map.Entry<String, CacheManager> e : beans.getBeansOfType(CacheManager.class).entrySet()) {
      if (e.getValue() instanceof JCacheCacheManager spring
          && spring.getCacheManager() instanceof MemcachedCacheManager manager) {
        Listener listener = new Listener(spring, managerTag(e.getKey()));
        manager.addCacheLifecycleListener(listener);
        unregister.add(() -> manager.removeCacheLifecycleListener(listener));
      }
    }
  }

  /** Stops listening. */
  @Override
  public void destroy() {
    unregister.forEach(Runnable::run);
    unregister.clear();
  }

  /** The {@code cache.manager} tag Spring Boot gives the caches of a cache manager bean. */
  static Tag managerTag(String beanName) {
    String lower = beanName.toLowerCase(Locale.ROOT);
    String name =
        lower.length() > CACHE_MANAGER_SUFFIX.length() && lower.endsWith(CACHE_MANAGER_SUFFIX)
            ? beanName.substring(0, beanName.length() - CACHE_MANAGER_SUFFIX.length())
            : beanName;
    return Tag.of("cache.manager", name);
  }

  private final class Listener implements CacheLifecycleListener {
    private final JCacheCacheManager spring;
    private final Tag managerTag;

    Listener(JCacheCacheManager spring, Tag managerTag) {
      this.spring = spring;
      this.managerTag = managerTag;
    }

    @Override
    public void cacheCreated(MemcachedCache<?, ?> cache) {
      Cache springCache = spring.getCache(cache.getName());
      if (springCache != null) {
        registrar.bindCacheToRegistry(springCache, managerTag);
      }
      FunctionCounter.builder(TIMESTAMP_MISSES, cache, MemcachedCache::timestampMissCount)
          .description(
              "misses in Hibernate's update-timestamps region answered with the current time, so"
                  + " that older query results are stale (0 in every other cache)")
          .tags("cache", cache.getName(), managerTag.getKey(), managerTag.getValue())
          .register(registry);
    }

    @Override
    public void cacheClosed(MemcachedCache<?, ?> cache) {
      for (Meter meter :
          Search.in(registry)
              .tags("cache", cache.getName(), managerTag.getKey(), managerTag.getValue())
              .meters()) {
        registry.remove(meter);
      }
    }

    @Override
    public String toString() {
      return "MemJCache cache metrics of " + managerTag;
    }
  }
}
