package dev.memjcache.boot.actuate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.cache.CacheMetricsAutoConfiguration;
import org.springframework.boot.actuate.metrics.cache.CacheMeterBinderProvider;
import org.springframework.boot.actuate.metrics.cache.CacheMetricsRegistrar;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds MemJCache's node metrics ({@link MemJCacheNodeMetrics}, a {@link MeterBinder} Spring Boot
 * binds to every registry) and the cache metrics of caches created after start-up ({@link
 * MemJCacheLateCacheMetrics}), when Micrometer and a JCache manager are present.
 */
@AutoConfiguration(
    after = {
      CacheAutoConfiguration.class,
      MetricsAutoConfiguration.class,
      CacheMetricsAutoConfiguration.class
    })
@ConditionalOnClass({MeterBinder.class, javax.cache.CacheManager.class})
@ConditionalOnBean(javax.cache.CacheManager.class)
public class MemJCacheMetricsAutoConfiguration {

  /** Creates the auto-configuration (by Spring). */
  public MemJCacheMetricsAutoConfiguration() {}

  /**
   * The node metrics of the context's MemJCache managers.
   *
   * @param beans looks the {@code javax.cache.CacheManager} beans up
   * @return the binder
   */
  @Bean
  public MemJCacheNodeMetrics memjcacheNodeMetrics(ListableBeanFactory beans) {
    return new MemJCacheNodeMetrics(MemJCacheManagers.of(beans).values());
  }

  /** Cache metrics of later caches, where Spring Boot's cache metrics are available. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({CacheMetricsRegistrar.class, JCacheCacheManager.class})
  static class LateCaches {

    @Bean
    MemJCacheLateCacheMetrics memjcacheLateCacheMetrics(
        ListableBeanFactory beans,
        ObjectProvider<CacheMetricsRegistrar> registrar,
        ObjectProvider<MeterRegistry> registry,
        ObjectProvider<CacheMeterBinderProvider<?>> binderProviders) {
      return new MemJCacheLateCacheMetrics(beans, registrar, registry, binderProviders);
    }
  }
}
