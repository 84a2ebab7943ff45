package dev.memjcache.management;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The statistics of one cache in this JVM: a {@link StatisticsRecorder} the cache writes to and the
 * {@link CacheStatisticsMXBean} view JMX clients read (JSR-107 section 12.4).
 *
 * <p>Counters are {@link LongAdder}s, so recording from many threads does not contend. Reads sum
 * the adders without a lock: a value read while other threads record is a recent total, not a
 * snapshot consistent with the other attributes. Likewise {@link #clear()} racing with recording
 * may keep some of the concurrent increments.
 *
 * <p>Derived attributes:
 *
 * <ul>
 *   <li>{@link #getCacheGets()} is hits + misses;
 *   <li>the hit and miss percentages are {@code 100 * hits / gets} and {@code 100 * misses / gets},
 *       in the range 0..100, and 0 when there were no gets;
 *   <li>the average times are in <b>microseconds</b>: total recorded nanoseconds / matching count /
 *       1000 (gets for get time, puts for put time, removals for remove time), and 0 when that
 *       count is 0.
 * </ul>
 */
public final class CacheStatistics implements StatisticsRecorder, CacheStatisticsMXBean {

  private static final double NANOS_PER_MICRO = 1_000.0;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();

  /** Creates statistics with every counter at zero. */
  public CacheStatistics() {}

  @Override
  public void recordHits(long n) {
    hits.add(n);
  }

  @Override
  public void recordMisses(long n) {
    misses.add(n);
  }

  @Override
  public void recordPuts(long n) {
    puts.add(n);
  }

  @Override
  public void recordRemovals(long n) {
    removals.add(n);
  }

  @Override
  public void recordEvictions(long n) {
    evictions.add(n);
  }

  @Override
  public void recordGetTime(long nanos) {
    getNanos.add(nanos);
  }

  @Override
  public void recordPutTime(long nanos) {
    putNanos.add(nanos);
  }

  @Override
  public void recordRemoveTime(long nanos) {
    removeNanos.add(nanos);
  }

  /** Resets every counter and accumulated time to zero (JSR-107 12.4 {@code clear}). */
  @Override
  public void clear() {
    hits.reset();
    misses.reset();
    puts.reset();
    removals.reset();
    evictions.reset();
    getNanos.reset();
    putNanos.reset();
    removeNanos.reset();
  }

  /** Returns the number of entries found by reads since creation or the last {@link #clear()}. */
  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  /** Returns {@code 100 * hits / gets} (0..100), or 0 when there were no gets. */
  @Override
  public float getCacheHitPercentage() {
    return percentage(getCacheHits(), getCacheGets());
  }

  /** Returns the number of entries not found by reads since creation or the last clear. */
  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  /** Returns {@code 100 * misses / gets} (0..100), or 0 when there were no gets. */
  @Override
  public float getCacheMissPercentage() {
    return percentage(getCacheMisses(), getCacheGets());
  }

  /** Returns hits + misses: every entry a read asked for (JSR-107 12.4 {@code CacheGets}). */
  @Override
  public long getCacheGets() {
    return getCacheHits() + getCacheMisses();
  }

  /** Returns the number of entries stored, updates included. */
  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  /** Returns the number of entries removed by the application (not evictions or expiries). */
  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  /** Returns the number of evictions this JVM observed. */
  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  /** Returns total get time / {@link #getCacheGets()} in microseconds, or 0 when no gets. */
  @Override
  public float getAverageGetTime() {
    return averageMicros(getNanos.sum(), getCacheGets());
  }

  /** Returns total put time / {@link #getCachePuts()} in microseconds, or 0 when no puts. */
  @Override
  public float getAveragePutTime() {
    return averageMicros(putNanos.sum(), getCachePuts());
  }

  /** Returns total remove time / {@link #getCacheRemovals()} in microseconds, or 0 when none. */
  @Override
  public float getAverageRemoveTime() {
    return averageMicros(removeNanos.sum(), getCacheRemovals());
  }

  private static float percentage(long part, long total) {
    return total <= 0 ? 0f : (float) (part * 100.0 / total);
  }

  private static float averageMicros(long totalNanos, long count) {
    return count <= 0 ? 0f : (float) (totalNanos / (double) count / NANOS_PER_MICRO);
  }

  @Override
  public String toString() {
    return "CacheStatistics[hits="
        + getCacheHits()
        + ", misses="
        + getCacheMisses()
        + ", puts="
        + getCachePuts()
        + ", removals="
        + getCacheRemovals()
        + ", evictions="
        + getCacheEvictions()
        + "]";
  }
}
