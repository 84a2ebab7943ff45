package dev.memjcache.config;

import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.cache.configuration.Factory;
import javax.cache.expiry.ExpiryPolicy;

/**
 * Defaults for one cache, set by cache name in the CacheManager's URI query, properties file or
 * {@code getCacheManager} Properties (DESIGN.md "Configuration"):
 *
 * <ul>
 *   <li>{@code cache.<name>.expiry=<created|accessed|modified|touched>:<n><ms|s|m|h|d>} or {@code
 *       cache.<name>.expiry=eternal}: an expiry policy for a cache whose configured policy is the
 *       default eternal one, as Hibernate creates its caches. The amount is a positive whole
 *       number; the unit is required. The kinds map to the JSR-107 policies {@link
 *       javax.cache.expiry.CreatedExpiryPolicy}, {@link javax.cache.expiry.AccessedExpiryPolicy},
 *       {@link javax.cache.expiry.ModifiedExpiryPolicy} and {@link
 *       javax.cache.expiry.TouchedExpiryPolicy} (JSR-107 section 6.2).
 *   <li>{@code cache.<name>.statistics=true|false}: overrides {@code
 *       MutableConfiguration.isStatisticsEnabled()} (JSR-107 section 12).
 *   <li>{@code cache.<name>.management=true|false}: overrides {@code
 *       MutableConfiguration.isManagementEnabled()} (JSR-107 section 12).
 *   <li>{@code cache.<name>.loadLeaseMillis=<n>[ms|s|m|h|d]}: the load lease across JVMs ({@code
 *       dev.memjcache.integration.LoadLease}); 0 or absent for none.
 * </ul>
 *
 * Cache names may contain dots: the option is recognised by its last segment. The name may be a
 * pattern with {@code *} (any run of characters): see {@link
 * MemJCacheSettings#cacheDefaults(String)} for how exact names and patterns combine. Instances are
 * immutable; {@link MemJCacheSettings#cacheDefaults(String)} returns an empty instance for caches
 * without defaults.
 */
public final class CacheDefaults {

  /** Option suffix of the expiry default: {@code cache.<name>.expiry}. */
  public static final String EXPIRY = "expiry";

  /** Option suffix of the statistics default: {@code cache.<name>.statistics}. */
  public static final String STATISTICS = "statistics";

  /** Option suffix of the management default: {@code cache.<name>.management}. */
  public static final String MANAGEMENT = "management";

  /** Option suffix of the load lease: {@code cache.<name>.loadLeaseMillis}. */
  public static final String LOAD_LEASE_MILLIS = "loadLeaseMillis";

  /** Prefix of every per-cache option. */
  public static final String PREFIX = "cache.";

  static final CacheDefaults NONE = new CacheDefaults(null, null, null, null, null);

  private final String expirySpec;
  private final Factory<ExpiryPolicy> expiryPolicyFactory;
  private final Boolean statisticsEnabled;
  private final Boolean managementEnabled;
  private final Long loadLeaseMillis;

  CacheDefaults(
      String expirySpec,
      Factory<ExpiryPolicy> expiryPolicyFactory,
      Boolean statisticsEnabled,
      Boolean managementEnabled,
      Long loadLeaseMillis) {
    this.expirySpec = expirySpec;
    this.expiryPolicyFactory = expiryPolicyFactory;
    this.statisticsEnabled = statisticsEnabled;
    this.managementEnabled = managementEnabled;
    this.loadLeaseMillis = loadLeaseMillis;
  }

  /**
   * The expiry policy to use instead of the default eternal one.
   *
   * @return the factory (a {@code FactoryBuilder.SingletonFactory}, serializable), or empty when no
   *     {@code cache.<name>.expiry} option was given
   */
  public Optional<Factory<ExpiryPolicy>> expiryPolicyFactory() {
    return Optional.ofNullable(expiryPolicyFactory);
  }

  /**
   * The normalised {@code cache.<name>.expiry} value, for example {@code created:30s}.
   *
   * @return the value, or empty when no expiry default was given
   */
  public Optional<String> expirySpec() {
    return Optional.ofNullable(expirySpec);
  }

  /**
   * Whether statistics are enabled for the cache, overriding its configuration.
   *
   * @return the value of {@code cache.<name>.statistics}, or empty when not given
   */
  public Optional<Boolean> statisticsEnabled() {
    return Optional.ofNullable(statisticsEnabled);
  }

  /**
   * Whether the cache's configuration and statistics MXBeans are registered, overriding its
   * configuration.
   *
   * @return the value of {@code cache.<name>.management}, or empty when not given
   */
  public Optional<Boolean> managementEnabled() {
    return Optional.ofNullable(managementEnabled);
  }

  /**
   * How long one JVM may hold the load lease of an entry it loads, across JVMs: other JVMs wait up
   * to this long for its entry instead of loading it too.
   *
   * @return milliseconds (0 for no lease) from {@code cache.<name>.loadLeaseMillis}, or empty when
   *     not given
   */
  public Optional<Long> loadLeaseMillis() {
    return Optional.ofNullable(loadLeaseMillis);
  }

  /**
   * Whether no default is set at all.
   *
   * @return {@code true} when every accessor returns empty
   */
  public boolean isEmpty() {
    return expirySpec == null
        && statisticsEnabled == null
        && managementEnabled == null
        && loadLeaseMillis == null;
  }

  /**
   * Each option of this instance, or {@code fallback}'s where this one does not set it.
   *
   * @param fallback the less specific defaults
   * @return this when nothing is taken from {@code fallback}
   */
  CacheDefaults orElse(CacheDefaults fallback) {
    if (expirySpec != null
        && statisticsEnabled != null
        && managementEnabled != null
        && loadLeaseMillis != null) {
      return this;
    }
    boolean ownExpiry = expirySpec != null;
    return new CacheDefaults(
        ownExpiry ? expirySpec : fallback.expirySpec,
        ownExpiry ? expiryPolicyFactory : fallback.expiryPolicyFactory,
        statisticsEnabled != null ? statisticsEnabled : fallback.statisticsEnabled,
        managementEnabled != null ? managementEnabled : fallback.managementEnabled,
        loadLeaseMillis != null ? loadLeaseMillis : fallback.loadLeaseMillis);
  }

  /** Adds this cache's options, as {@code cache.<name>.<option>} keys, to {@code target}. */
  void addTo(String cacheName, Properties target) {
    if (expirySpec != null) {
      target.setProperty(PREFIX + cacheName + "." + EXPIRY, expirySpec);
    }
    if (statisticsEnabled != null) {
      target.setProperty(PREFIX + cacheName + "." + STATISTICS, statisticsEnabled.toString());
    }
    if (managementEnabled != null) {
      target.setProperty(PREFIX + cacheName + "." + MANAGEMENT, managementEnabled.toString());
    }
    if (loadLeaseMillis != null) {
      target.setProperty(PREFIX + cacheName + "." + LOAD_LEASE_MILLIS, loadLeaseMillis.toString());
    }
  }

  /** Equal when the same options have the same values; the expiry is compared by its spec. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CacheDefaults other
        && Objects.equals(expirySpec, other.expirySpec)
        && Objects.equals(statisticsEnabled, other.statisticsEnabled)
        && Objects.equals(managementEnabled, other.managementEnabled)
        && Objects.equals(loadLeaseMillis, other.loadLeaseMillis);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expirySpec, statisticsEnabled, managementEnabled, loadLeaseMillis);
  }

  @Override
  public String toString() {
    return "CacheDefaults{expiry="
        + expirySpec
        + ", statistics="
        + statisticsEnabled
        + ", management="
        + managementEnabled
        + ", loadLeaseMillis="
        + loadLeaseMillis
        + "}";
  }
}
