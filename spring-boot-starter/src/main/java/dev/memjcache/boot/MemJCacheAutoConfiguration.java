package dev.memjcache.boot;

import dev.memjcache.spi.MemcachedCachingProvider;
import javax.cache.Caching;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer;
import org.springframework.boot.autoconfigure.cache.JCachePropertiesCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Hands the {@code memjcache.*} properties ({@link MemJCacheProperties}) to MemJCache through
 * Spring Boot's own hook: a {@link JCachePropertiesCustomizer}, whose Properties Spring Boot's
 * {@code JCacheCacheConfiguration} passes to {@code CachingProvider.getCacheManager(uri,
 * classLoader, properties)} ({@code spring.cache.type=jcache}). MemJCache is found through {@code
 * META-INF/services} when it is the only JCache provider, so {@code spring.cache.jcache.provider}
 * is not needed; when that property names another provider, nothing is added.
 *
 * <p>The manager's URI is what Spring Boot passes: the provider's default ({@code
 * urn:memjcache:default}) or {@code spring.cache.jcache.config}'s file, whose options the set
 * properties override. A {@link JCacheManagerCustomizer} then checks that the manager Spring Boot
 * got carries these properties: JSR-107 keeps one manager per URI and class loader, so a second
 * application context in the same JVM with other {@code memjcache.*} values would otherwise
 * silently share the first one's.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass({Caching.class, JCachePropertiesCustomizer.class})
@EnableConfigurationProperties(MemJCacheProperties.class)
public class MemJCacheAutoConfiguration {

  /** Creates the auto-configuration (by Spring). */
  public MemJCacheAutoConfiguration() {}

  /**
   * The provider options set under {@code memjcache.*}, added to the Properties of the JCache
   * manager Spring Boot creates.
   *
   * @param properties the bound properties
   * @param environment reads {@code spring.cache.jcache.provider}
   * @return the customizer
   */
  @Bean
  public JCachePropertiesCustomizer memjcachePropertiesCustomizer(
      MemJCacheProperties properties, Environment environment) {
    return target -> {
      if (isMemJCache(environment)) {
        target.putAll(ProviderOptions.of(properties));
      }
    };
  }

  /**
   * Fails start-up when the manager Spring Boot got was opened earlier with other {@code
   * memjcache.*} values (see the class comment).
   *
   * @param properties the bound properties
   * @param environment reads {@code spring.cache.jcache.provider}
   * @return the customizer
   */
  @Bean
  public JCacheManagerCustomizer memjcacheManagerCheck(
      MemJCacheProperties properties, Environment environment) {
    return manager -> {
      if (isMemJCache(environment)) {
        ManagerCheck.sameOptions(manager, ProviderOptions.of(properties));
      }
    };
  }

  /**
   * Creates the caches {@code @Cacheable} and friends name on first use (see {@link
   * OnDemandCaches}); off with {@code memjcache.create-missing-caches=false}.
   *
   * @param configuration the context's default cache configuration, if any
   * @return the post-processor
   */
  @Bean
  @ConditionalOnProperty(
      prefix = MemJCacheProperties.PREFIX,
      name = "create-missing-caches",
      matchIfMissing = true)
  static BeanPostProcessor memjcacheOnDemandCaches(
      ObjectProvider<javax.cache.configuration.Configuration<?, ?>> configuration) {
    return new OnDemandCaches(configuration);
  }

  /**
   * Masks every {@code memjcache.*} key ending in {@code password} ({@code memjcache.password},
   * {@code memjcache.trust-store-password}, {@code MEMJCACHE_KEY_STORE_PASSWORD}, ...) in {@code
   * /actuator/env} and {@code /actuator/configprops}, also when {@code
   * management.endpoint.env.show-values} shows the other values: Spring Boot 3 masks by key only
   * through such functions.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SanitizingFunction.class)
  static class Secrets {

    @Bean
    SanitizingFunction memjcacheSecrets() {
      return SanitizingFunction.sanitizeValue()
          .ifKeyMatches(key -> isMemJCacheKey(key) && ProviderOptions.isSecret(key));
    }

    private static boolean isMemJCacheKey(String key) {
      return key.regionMatches(true, 0, MemJCacheProperties.PREFIX, 0, PREFIX_LENGTH);
    }

    private static final int PREFIX_LENGTH = MemJCacheProperties.PREFIX.length();
  }

  private static boolean isMemJCache(Environment environment) {
    String provider = environment.getProperty("spring.cache.jcache.provider");
    return provider == null
        || provider.isBlank()
        || provider.trim().equals(MemcachedCachingProvider.class.getName());
  }
}
