package dev.memjcache.codec;

import java.util.Set;

/**
 * The framework classes that {@link ClassAllowlist} trusts without configuration: the types
 * Hibernate ORM's second-level cache ({@code hibernate-jcache}) and Spring's cache abstraction
 * store as JCache keys and values themselves, so a user names only the packages of their own model.
 *
 * <p>They are recognised by binary name, never linked: MemJCache has no compile-time dependency on
 * either framework. A class only reaches this check after the CacheManager's class loader resolved
 * it, so the trust applies exactly when the framework is on the class path. Only the holder types
 * are trusted, never their contents: the objects inside them (entity ids, disassembled state, query
 * parameters and results, Spring's key parameters) are checked against the allowlist one by one.
 * The names are those of hibernate-core 7.4 (checked against the real jar by examples/hibernate's
 * tests) and spring-context 6; Hibernate 5.3 to 6 use the same names (not tested here).
 */
public final class FrameworkTypes {

  /** Exact binary names of trusted framework classes. */
  private static final Set<String> NAMES =
      Set.of(
          // Hibernate: what AbstractReadWriteAccess stores in READ_WRITE regions
          "org.hibernate.cache.spi.support.AbstractReadWriteAccess$Item",
          "org.hibernate.cache.spi.support.AbstractReadWriteAccess$SoftLockImpl",
          // Hibernate: cache keys (DefaultCacheKeysFactory, SimpleCacheKeysFactory, natural ids)
          "org.hibernate.cache.internal.CacheKeyImplementation",
          "org.hibernate.cache.internal.BasicCacheKeyImplementation",
          "org.hibernate.cache.internal.NaturalIdCacheKey",
          // Hibernate: the query cache's key and item
          "org.hibernate.cache.spi.QueryKey",
          "org.hibernate.cache.internal.QueryResultsCacheImpl$CacheItem",
          // Spring: @Cacheable's null marker and its multi-parameter key
          "org.springframework.cache.support.NullValue",
          "org.springframework.cache.interceptor.SimpleKey");

  /** Hibernate's query-results item: valid only with the update-timestamps region's writes. */
  private static final String HIBERNATE_QUERY_RESULTS_ITEM =
      "org.hibernate.cache.internal.QueryResultsCacheImpl$CacheItem";

  /**
   * The unqualified names of Hibernate's update-timestamps region: {@code
   * RegionFactory.DEFAULT_UPDATE_TIMESTAMPS_REGION_UNQUALIFIED_NAME} and the legacy names {@code
   * JCacheRegionFactory} still uses when a cache of that name exists.
   */
  private static final Set<String> HIBERNATE_TIMESTAMPS_REGIONS =
      Set.of(
          "default-update-timestamps-region",
          "org.hibernate.cache.spi.UpdateTimestampsCache",
          "org.hibernate.cache.spi.TimestampsRegion");

  /** Packages whose every class is a trusted cache entry holder. */
  private static final String HIBERNATE_ENTRY_PACKAGE = "org.hibernate.cache.spi.entry";

  /**
   * The interface of a query key's parameter bindings; Hibernate's implementations of it are
   * private (one is an anonymous class for "no parameters"), so they are trusted by this interface.
   */
  private static final String PARAMETER_BINDINGS_MEMENTO =
      "org.hibernate.cache.spi.QueryKey$ParameterBindingsMemento";

  private FrameworkTypes() {}

  /**
   * Whether {@code type} is one of the trusted framework holder types.
   *
   * @param type a non-array class resolved while reading a stored value
   * @return true for the Hibernate and Spring types listed in the class comment
   */
  static boolean isTrusted(Class<?> type) {
    String name = type.getName();
    if (name.startsWith("org.hibernate.")) {
      return NAMES.contains(name)
          || type.getPackageName().equals(HIBERNATE_ENTRY_PACKAGE)
          || implementsByName(type, PARAMETER_BINDINGS_MEMENTO);
    }
    return name.startsWith("org.springframework.cache.") && NAMES.contains(name);
  }

  /**
   * Whether a cache holding values of {@code type} depends on other caches' writes: Hibernate's
   * query-results item, which Hibernate trusts unless a newer timestamp for one of its tables is
   * found in the update-timestamps region (a missing timestamp counts as "unchanged"). Such a cache
   * must be invalidated whenever a write of its manager is dropped ({@code store.DependentCaches}).
   *
   * @param type the class of a value stored or read
   * @return true for {@code org.hibernate.cache.internal.QueryResultsCacheImpl$CacheItem}
   */
  public static boolean isDependentValue(Class<?> type) {
    return type.getName().equals(HIBERNATE_QUERY_RESULTS_ITEM);
  }

  /**
   * Whether {@code cacheName} names Hibernate's update-timestamps region: one of its unqualified
   * names, alone or after a {@code hibernate.cache.region_prefix} and a dot. This is only the first
   * half of the recognition; the second is what the region's manager and the region hold ({@code
   * HibernateTimestamps}).
   *
   * @param cacheName a JCache cache name
   * @return true for {@code default-update-timestamps-region}, {@code
   *     <prefix>.default-update-timestamps-region} and the legacy names
   */
  public static boolean isUpdateTimestampsRegionName(String cacheName) {
    for (String region : HIBERNATE_TIMESTAMPS_REGIONS) {
      if (cacheName.equals(region)
          || (cacheName.endsWith(region)
              && cacheName.charAt(cacheName.length() - region.length() - 1) == '.')) {
        return true;
      }
    }
    return false;
  }

  private static boolean implementsByName(Class<?> type, String interfaceName) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        if (i.getName().equals(interfaceName)) {
          return true;
        }
      }
    }
    return false;
  }
}
