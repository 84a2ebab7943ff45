package dev.memjcache.management;

/**
 * The two MXBeans a cache registers (JSR-107 section 12.2), with the {@code type} key of their
 * ObjectName: {@code javax.cache:type=CacheConfiguration,...} and {@code
 * javax.cache:type=CacheStatistics,...}.
 */
public enum MBeanType {
  /** The {@link javax.cache.management.CacheMXBean} (JSR-107 12.3). */
  CONFIGURATION("CacheConfiguration"),
  /** The {@link javax.cache.management.CacheStatisticsMXBean} (JSR-107 12.4). */
  STATISTICS("CacheStatistics");

  private final String typeName;

  MBeanType(String typeName) {
    this.typeName = typeName;
  }

  /**
   * Returns the value of the ObjectName's {@code type} key: {@code CacheConfiguration} or {@code
   * CacheStatistics}.
   */
  public String typeName() {
    return typeName;
  }
}
