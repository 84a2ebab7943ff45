package dev.memjcache.management;

import java.util.Objects;
import java.util.function.Supplier;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/**
 * The {@link CacheMXBean} of one cache (JSR-107 section 12.3): its configuration as JMX attributes
 * {@code KeyType}, {@code ValueType}, {@code ReadThrough}, {@code WriteThrough}, {@code
 * StoreByValue}, {@code StatisticsEnabled} and {@code ManagementEnabled}.
 *
 * <p>Every attribute is read from the supplier at call time, so changes made through {@code
 * CacheManager.enableStatistics}/{@code enableManagement} show without re-registering.
 */
public final class CacheConfigurationMXBean implements CacheMXBean {

  private final Supplier<? extends CompleteConfiguration<?, ?>> configuration;

  /**
   * Creates the MXBean.
   *
   * @param configuration returns the cache's current configuration on each call; must not return
   *     {@code null}
   * @throws NullPointerException if {@code configuration} is {@code null}
   */
  public CacheConfigurationMXBean(Supplier<? extends CompleteConfiguration<?, ?>> configuration) {
    this.configuration = Objects.requireNonNull(configuration, "configuration");
  }

  /** Returns the fully qualified name of the configured key type, e.g. {@code java.lang.Long}. */
  @Override
  public String getKeyType() {
    return current().getKeyType().getName();
  }

  /** Returns the fully qualified name of the configured value type. */
  @Override
  public String getValueType() {
    return current().getValueType().getName();
  }

  /** Returns whether read-through (a {@code CacheLoader} on misses) is enabled. */
  @Override
  public boolean isReadThrough() {
    return current().isReadThrough();
  }

  /** Returns whether write-through (a {@code CacheWriter} on mutations) is enabled. */
  @Override
  public boolean isWriteThrough() {
    return current().isWriteThrough();
  }

  /** Returns whether the cache stores by value. */
  @Override
  public boolean isStoreByValue() {
    return current().isStoreByValue();
  }

  /** Returns whether statistics are being collected. */
  @Override
  public boolean isStatisticsEnabled() {
    return current().isStatisticsEnabled();
  }

  /** Returns whether management (this MXBean's registration) is enabled. */
  @Override
  public boolean isManagementEnabled() {
    return current().isManagementEnabled();
  }

  private CompleteConfiguration<?, ?> current() {
    return Objects.requireNonNull(configuration.get(), "configuration supplier returned null");
  }
}
