package dev.memjcache.boot;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.convert.DurationUnit;

/**
 * Defaults of the caches whose name is or matches one key of {@link
 * MemJCacheProperties#getCaches()} (provider options {@code
 * cache.<name>.expiry|statistics|management|loadLeaseMillis}); each null until set.
 */
public class CacheOptions {

  /**
   * Expiry for a cache created with the default eternal policy:
   * created|accessed|modified|touched:n(ms|s|m|h|d), such as created:10m, or eternal.
   */
  private String expiry;

  /** Whether the cache keeps statistics (its CacheStatisticsMXBean). */
  private Boolean statistics;

  /** Whether the cache's CacheMXBean is registered. */
  private Boolean management;

  /**
   * Load lease across JVMs, at most 1h: before a read-through load one JVM takes a lock item, the
   * others wait up to this long for its entry; 0 turns it off. A number is milliseconds.
   */
  @DurationUnit(ChronoUnit.MILLIS)
  private Duration loadLease;

  /**
   * The expiry, or null when not set.
   *
   * @return the expiry as written
   */
  public String getExpiry() {
    return expiry;
  }

  /**
   * Sets the expiry.
   *
   * @param expiry {@code created|accessed|modified|touched:<n><ms|s|m|h|d>} or {@code eternal}
   */
  public void setExpiry(String expiry) {
    this.expiry = expiry;
  }

  /**
   * Whether statistics are on, or null when not set.
   *
   * @return true for statistics
   */
  public Boolean getStatistics() {
    return statistics;
  }

  /**
   * Turns statistics on or off.
   *
   * @param statistics true for statistics
   */
  public void setStatistics(Boolean statistics) {
    this.statistics = statistics;
  }

  /**
   * Whether management is on, or null when not set.
   *
   * @return true for the CacheMXBean
   */
  public Boolean getManagement() {
    return management;
  }

  /**
   * Turns management on or off.
   *
   * @param management true for the CacheMXBean
   */
  public void setManagement(Boolean management) {
    this.management = management;
  }

  /**
   * The load lease, or null when not set.
   *
   * @return the lease
   */
  public Duration getLoadLease() {
    return loadLease;
  }

  /**
   * Sets the load lease.
   *
   * @param loadLease the lease; zero turns it off
   */
  public void setLoadLease(Duration loadLease) {
    this.loadLease = loadLease;
  }
}
