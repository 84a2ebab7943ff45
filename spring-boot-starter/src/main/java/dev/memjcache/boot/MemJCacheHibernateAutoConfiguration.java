package dev.memjcache.boot;

import dev.memjcache.MemcachedCacheManager;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * One CacheManager for Spring and Hibernate (spring-projects/spring-boot#14586): with Spring Data
 * JPA (or Spring Boot's JPA support) and {@code hibernate-jcache} on the class path, Hibernate's
 * second-level cache uses the MemJCache {@code javax.cache.CacheManager} that Spring Boot created
 * for {@code @Cacheable}, instead of opening a second one with its own connections and settings.
 *
 * <p>Sets {@code hibernate.javax.cache.cache_manager} (hibernate-jcache's {@code
 * ConfigSettings.CACHE_MANAGER}, which takes a CacheManager instance) and, unless set, {@code
 * hibernate.cache.region.factory_class=jcache} and {@code
 * hibernate.javax.cache.missing_cache_strategy=create}: a region missing from the manager is
 * created without Hibernate's warning, since MemJCache's default configuration for it is what
 * {@code memjcache.caches[<region name or pattern>]} says. Nothing is changed when the application
 * names its own manager, URI or provider for Hibernate ({@code
 * spring.jpa.properties.hibernate.javax.cache.cache_manager|uri|provider}), or when the application
 * context holds no single MemJCache manager. Hibernate is recognised by class name: this module
 * does not depend on it.
 */
@AutoConfiguration(after = MemJCacheAutoConfiguration.class)
@ConditionalOnClass(
    value = HibernatePropertiesCustomizer.class,
    name = "org.hibernate.cache.jcache.internal.JCacheRegionFactory")
public class MemJCacheHibernateAutoConfiguration {

  /** hibernate-jcache's {@code ConfigSettings.CACHE_MANAGER}. */
  static final String CACHE_MANAGER = "hibernate.javax.cache.cache_manager";

  /** Hibernate's {@code AvailableSettings.CACHE_REGION_FACTORY}. */
  static final String REGION_FACTORY = "hibernate.cache.region.factory_class";

  /** hibernate-jcache's {@code ConfigSettings.MISSING_CACHE_STRATEGY}. */
  static final String MISSING_CACHE_STRATEGY = "hibernate.javax.cache.missing_cache_strategy";

  /** The settings by which an application chooses Hibernate's manager itself. */
  private static final List<String> OWN_CHOICE =
      List.of(CACHE_MANAGER, "hibernate.javax.cache.uri", "hibernate.javax.cache.provider");

  /** Creates the auto-configuration (by Spring). */
  public MemJCacheHibernateAutoConfiguration() {}

  /**
   * Hands the application context's MemJCache manager to Hibernate. The manager is looked up when
   * Hibernate starts (Spring Boot makes the entity manager factory depend on the cache manager).
   *
   * @param cacheManagers the context's JCache managers
   * @return the customizer
   */
  @Bean
  public HibernatePropertiesCustomizer memjcacheHibernateCacheManager(
      ObjectProvider<javax.cache.CacheManager> cacheManagers) {
    return settings -> shareManager(settings, cacheManagers.getIfUnique());
  }

  static void shareManager(Map<String, Object> settings, javax.cache.CacheManager manager) {
    if (!(manager instanceof MemcachedCacheManager)) {
      return;
    }
    for (String key : OWN_CHOICE) {
      if (settings.containsKey(key)) {
        return;
      }
    }
    settings.put(CACHE_MANAGER, manager);
    settings.putIfAbsent(REGION_FACTORY, "jcache");
    settings.putIfAbsent(MISSING_CACHE_STRATEGY, "create");
  }
}
