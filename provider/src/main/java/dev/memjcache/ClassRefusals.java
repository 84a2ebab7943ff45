package dev.memjcache;

import dev.memjcache.codec.ClassNotAllowedException;
import dev.memjcache.support.Counter;
import dev.memjcache.support.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs the reads of one cache that found an item naming a class the allowlist refuses
 * (DESIGN.md "Serialization and security": anyone who can reach memcached can plant bytes). Such an
 * item reads as a miss; this records that it happened, so that a planted or misconfigured entry is
 * visible: the count through {@link MemcachedCache#refusedClassCount()}, the log at WARN at most
 * once per 10 s per cache with the cache name, the memcached key and the class. Thread-safe.
 */
final class ClassRefusals {

  /** Per cache, so one cache's planted items cannot hide another cache's from the log. */
  private final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(ClassRefusals.class), 10_000);

  private final String cacheName;
  private final Counter count;

  /**
   * @param cacheName the cache, for the log
   * @param count counts the refused reads (the manager's total as its parent)
   */
  ClassRefusals(String cacheName, Counter count) {
    this.cacheName = cacheName;
    this.count = count;
  }

  /** Records one refused read of the item {@code itemKey}. */
  void refused(String itemKey, ClassNotAllowedException e) {
    count.increment();
    log.warn(
        "cache {}: memcached item {} names class {}, which is not allowed; read as a miss"
            + " (refused reads in this cache so far: {}); {}",
        cacheName,
        itemKey,
        e.className(),
        count.count(),
        e.getMessage());
  }

  /** Returns how many reads were refused since the cache was created in this JVM. */
  long count() {
    return count.count();
  }
}
