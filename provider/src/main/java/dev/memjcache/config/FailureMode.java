package dev.memjcache.config;

import java.util.Locale;

/**
 * What a cache does when memcached cannot be reached or does not answer within the operation
 * timeout (option {@code failureMode}; DESIGN.md "Failures").
 */
public enum FailureMode {
  /**
   * Every failed memcached operation surfaces as a {@link javax.cache.CacheException} (or the
   * loader/writer subtype) naming the operation, the server and the cause. The default.
   */
  FAIL,
  /**
   * Reads become misses and writes are dropped; both are counted and logged at a bounded rate.
   * Meant for Hibernate's second-level cache, since Hibernate does not catch cache errors.
   */
  DEGRADE;

  /**
   * The option value of this mode as written in a URI or properties file.
   *
   * @return {@code "fail"} or {@code "degrade"}
   */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
