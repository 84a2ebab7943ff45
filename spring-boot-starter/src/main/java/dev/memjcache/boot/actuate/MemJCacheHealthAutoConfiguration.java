package dev.memjcache.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The {@code memjcache} health contributor: a {@link MemJCacheHealthIndicator} for the application
 * context's MemJCache CacheManager ({@code /actuator/health/memjcache}), or, with several, one per
 * {@code javax.cache.CacheManager} bean under its bean name. Off with {@code
 * management.health.memjcache.enabled=false}.
 */
@AutoConfiguration(
    after = CacheAutoConfiguration.class,
    before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass({HealthContributor.class, javax.cache.CacheManager.class})
@ConditionalOnBean(javax.cache.CacheManager.class)
@ConditionalOnEnabledHealthIndicator("memjcache")
public class MemJCacheHealthAutoConfiguration {

  /** Creates the auto-configuration (by Spring). */
  public MemJCacheHealthAutoConfiguration() {}

  /**
   * The health of every MemJCache manager of the context.
   *
   * @param beans looks the {@code javax.cache.CacheManager} beans up
   * @return one indicator, or a composite by bean name; an empty composite when no manager is
   *     MemJCache's
   */
  @Bean
  public HealthContributor memjcacheHealthContributor(ListableBeanFactory beans) {
    Map<String, MemJCacheHealthIndicator> indicators = new LinkedHashMap<>();
    MemJCacheManagers.of(beans)
        .forEach((name, manager) -> indicators.put(name, new MemJCacheHealthIndicator(manager)));
    if (indicators.size() == 1) {
      return indicators.values().iterator().next();
    }
    return CompositeHealthContributor.fromMap(indicators);
  }
}
