package dev.memjcache;

import dev.memjcache.codec.FrameworkTypes;
import dev.memjcache.store.DependentCaches;
import dev.memjcache.support.RateLimitedLog;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.LoggerFactory;

/**
 * Hibernate's update-timestamps region under eviction (docs/hibernate.md, "When memcached evicts").
 * Hibernate reads a query result first, then the timestamp of each table it depends on, and serves
 * the result unless a timestamp is at or above the result's own; a missing timestamp counts as "no
 * change". memcached evicts at will, so here a {@code get} that finds no timestamp answers with
 * Hibernate's timestamp of the current millisecond's end, which makes every result cached so far
 * stale for that read, and {@code add}s it, so every JVM on the servers finds it too. Results
 * cached by sessions that start afterwards rank above it and are served again. An evicted answer is
 * answered again, later, hence higher: nothing older is ever served.
 *
 * <p>Hibernate 5.3 to 7 make their timestamps with {@code SimpleTimestamper}: epoch milliseconds
 * shifted left by 12 bits, plus a counter within the millisecond; sessions' caching timestamps,
 * results' timestamps and the region's values are all of that form.
 *
 * <p>Recognised by what the region and its manager hold, as {@link DependentCaches} recognises the
 * query results: the cache has Hibernate's timestamps region name after any region prefix ({@link
 * FrameworkTypes#isUpdateTimestampsRegionName}) and no key or value type narrower than {@code
 * String}/{@code Long} (as created by the manager, chosen once, else {@link TimestampMisses#NONE});
 * the manager holds Hibernate's query results (checked at each miss: in a fresh JVM the query
 * result Hibernate reads just before registers them); the key is a {@code String} (a table); and no
 * value of another type was ever found in the cache. Counted, and logged at WARN at most once per
 * 10 s per region. Thread-safe.
 */
final class HibernateTimestamps implements TimestampMisses {

  /** {@code SimpleTimestamper}'s shift: 4096 timestamps per millisecond. */
  private static final int COUNTER_BITS = 12;

  private final String region;
  private final DependentCaches dependents;
  private final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(HibernateTimestamps.class), 10_000);
  private final LongAdder answered = new LongAdder();

  /** Set when the cache was found holding a value other than a timestamp: never answer again. */
  private volatile boolean foreign;

  private HibernateTimestamps(String region, DependentCaches dependents) {
    this.region = region;
    this.dependents = dependents;
  }

  /**
   * The policy of the cache {@code cacheName} with the configured {@code keyType} and {@code
   * valueType}: this class for Hibernate's update-timestamps region, else {@link #NONE}.
   */
  static TimestampMisses of(
      String cacheName, Class<?> keyType, Class<?> valueType, DependentCaches dependents) {
    boolean untyped =
        (keyType == Object.class || keyType == String.class)
            && (valueType == Object.class || valueType == Long.class);
    return untyped && FrameworkTypes.isUpdateTimestampsRegionName(cacheName)
        ? new HibernateTimestamps(cacheName, dependents)
        : NONE;
  }

  /**
   * Hibernate's largest timestamp of the millisecond {@code nowMillis}: at or above every timestamp
   * any session of this millisecond or earlier was given.
   */
  static long endOfMillisecond(long nowMillis) {
    return ((nowMillis + 1) << COUNTER_BITS) - 1;
  }

  @Override
  public Object answer(Object key, long nowMillis) {
    if (foreign || !(key instanceof String) || !dependents.hasDependents()) {
      return null;
    }
    answered.increment();
    long timestamp = endOfMillisecond(nowMillis);
    log.warn(
        "{}: no update timestamp for {} read from memcached (evicted, not written since the"
            + " servers started, or the server failed); answered {} (now), so every query result"
            + " on it cached before is stale; {} such misses in this region so far",
        region,
        key,
        timestamp,
        answered.sum());
    return timestamp;
  }

  @Override
  public void found(Object value) {
    if (!foreign && !(value instanceof Long)) {
      foreign = true;
      LoggerFactory.getLogger(HibernateTimestamps.class)
          .info(
              "{} holds a {}, not a Hibernate timestamp: its misses are plain misses",
              region,
              value.getClass().getName());
    }
  }

  @Override
  public long count() {
    return answered.sum();
  }
}
