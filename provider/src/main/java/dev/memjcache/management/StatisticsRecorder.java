package dev.memjcache.management;

/**
 * What a cache records for its statistics (JSR-107 section 12.4, {@code CacheStatisticsMXBean}).
 *
 * <p>Statistics are per JVM: they count the operations made through this JVM's caches, not the
 * traffic other JVMs send to the same memcached servers. A cache whose configuration has statistics
 * disabled records into {@link #DISABLED}, so the operation code never tests a flag.
 *
 * <p>Counts are entries, not calls: a {@code getAll} of five keys that finds three records three
 * hits and two misses. Times are recorded once per operation, in nanoseconds, and averaged over the
 * matching count (see {@link CacheStatistics}). All arguments must be non-negative; implementations
 * do not check them because these methods sit on every operation's path.
 *
 * <p>Implementations are thread-safe.
 */
public interface StatisticsRecorder {

  /**
   * Records {@code n} cache hits: reads that found a value (JSR-107 12.4 {@code CacheHits}).
   *
   * @param n number of entries found, {@code >= 0}
   */
  void recordHits(long n);

  /**
   * Records {@code n} cache misses: reads that found no value (JSR-107 12.4 {@code CacheMisses}).
   *
   * @param n number of entries not found, {@code >= 0}
   */
  void recordMisses(long n);

  /**
   * Records {@code n} puts: entries stored, updates included (JSR-107 12.4 {@code CachePuts}).
   *
   * @param n number of entries stored, {@code >= 0}
   */
  void recordPuts(long n);

  /**
   * Records {@code n} removals: entries removed by the application, not by eviction or expiry
   * (JSR-107 12.4 {@code CacheRemovals}).
   *
   * @param n number of entries removed, {@code >= 0}
   */
  void recordRemovals(long n);

  /**
   * Records {@code n} evictions: entries the cache itself removed (JSR-107 12.4 {@code
   * CacheEvictions}). Memcached evicts silently, so this counts only evictions this JVM observes.
   *
   * @param n number of entries evicted, {@code >= 0}
   */
  void recordEvictions(long n);

  /**
   * Records the duration of one read operation ({@code get}, {@code getAll}, {@code getAnd*}). Call
   * once per operation, not once per key.
   *
   * @param nanos elapsed time in nanoseconds, {@code >= 0}
   */
  void recordGetTime(long nanos);

  /**
   * Records the duration of one write operation ({@code put}, {@code putAll}, {@code replace}...).
   * Call once per operation, not once per key.
   *
   * @param nanos elapsed time in nanoseconds, {@code >= 0}
   */
  void recordPutTime(long nanos);

  /**
   * Records the duration of one remove operation ({@code remove}, {@code removeAll}...). Call once
   * per operation, not once per key.
   *
   * @param nanos elapsed time in nanoseconds, {@code >= 0}
   */
  void recordRemoveTime(long nanos);

  /**
   * The null object used while statistics are disabled (JSR-107 12.4: a cache with statistics
   * disabled collects nothing): every method does nothing.
   */
  StatisticsRecorder DISABLED =
      new StatisticsRecorder() {
        @Override
        public void recordHits(long n) {}

        @Override
        public void recordMisses(long n) {}

        @Override
        public void recordPuts(long n) {}

        @Override
        public void recordRemovals(long n) {}

        @Override
        public void recordEvictions(long n) {}

        @Override
        public void recordGetTime(long nanos) {}

        @Override
        public void recordPutTime(long nanos) {}

        @Override
        public void recordRemoveTime(long nanos) {}

        @Override
        public String toString() {
          return "StatisticsRecorder.DISABLED";
        }
      };
}
