package dev.memjcache.boot;

import dev.memjcache.MemcachedCacheManager;
import javax.cache.CacheException;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cache.Cache;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.cache.jcache.JCacheCacheManager;

/**
 * Lets {@code @Cacheable("any-name")} work without listing the name in {@code
 * spring.cache.cache-names}, as Spring Boot's Caffeine and Redis caches do: the Spring {@link
 * JCacheCacheManager} Spring Boot builds over a MemJCache manager is replaced, after Spring Boot's
 * {@code CacheManagerCustomizer}s ran, by one that creates a missing cache in the MemJCache manager
 * on first use, with the context's {@code javax.cache.configuration.Configuration} bean (the one
 * Spring Boot creates {@code spring.cache.cache-names} with) or else a default {@link
 * MutableConfiguration} (eternal, so that {@code memjcache.caches[<name-or-pattern>]} applies). Off
 * with {@code memjcache.create-missing-caches=false}: an unknown name then fails, as in plain
 * Spring Boot.
 */
final class OnDemandCaches implements BeanPostProcessor {

  private final ObjectProvider<Configuration<?, ?>> configuration;

  OnDemandCaches(ObjectProvider<Configuration<?, ?>> configuration) {
    this.configuration = configuration;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean.getClass() == JCacheCacheManager.class
        && ((JCacheCacheManager) bean).getCacheManager() instanceof MemcachedCacheManager) {
      JCacheCacheManager given = (JCacheCacheManager) bean;
      CreatingCacheManager replacement = new CreatingCacheManager(given, configuration);
      replacement.afterPropertiesSet();
      return replacement;
    }
    return bean;
  }

  /** A {@link JCacheCacheManager} that creates the caches it is asked for. */
  static final class CreatingCacheManager extends JCacheCacheManager {

    private final ObjectProvider<Configuration<?, ?>> configuration;

    CreatingCacheManager(
        JCacheCacheManager given, ObjectProvider<Configuration<?, ?>> configuration) {
      super(given.getCacheManager());
      setAllowNullValues(given.isAllowNullValues());
      setTransactionAware(given.isTransactionAware());
      this.configuration = configuration;
    }

    @Override
    protected Cache getMissingCache(String name) {
      Cache existing = super.getMissingCache(name);
      if (existing != null) {
        return existing;
      }
      javax.cache.CacheManager manager = getCacheManager();
      javax.cache.Cache<Object, Object> cache;
      try {
        cache = manager.createCache(name, defaults());
      } catch (CacheException e) {
        // another thread or application context created it first: JSR-107 createCache refuses
        cache = manager.getCache(name);
        if (cache == null) {
          throw e;
        }
      }
      return new JCacheCache(cache, isAllowNullValues());
    }

    @SuppressWarnings("unchecked")
    private Configuration<Object, Object> defaults() {
      Configuration<?, ?> given = configuration.getIfUnique();
      return given != null
          ? (Configuration<Object, Object>) given
          : new MutableConfiguration<Object, Object>();
    }
  }
}
