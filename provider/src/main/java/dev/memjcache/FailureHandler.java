package dev.memjcache;

import dev.memjcache.config.FailureMode;
import dev.memjcache.store.ItemTooLargeException;
import dev.memjcache.store.StoreFailureException;
import dev.memjcache.support.Counter;
import dev.memjcache.support.RateLimitedLog;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides what a memcached failure does to a cache call (DESIGN.md, "Failures").
 * With {@code failureMode=fail} the {@link StoreFailureException} (a {@code CacheException} naming
 * the command, key, server and cause) reaches the caller. With {@code failureMode=degrade} reads
 * become misses and writes are dropped: the call returns its fallback, the failure is counted and
 * logged at a bounded rate. A value too large for memcached is the caller's error and always fails.
 */
final class FailureHandler {

  private static final RateLimitedLog LOG =
      new RateLimitedLog(LoggerFactory.getLogger(FailureHandler.class), 10_000);

  /** The cache calls that only read: degraded into misses; every other call is a dropped write. */
  private static final Set<String> READS =
      Set.of("get", "getAll", "containsKey", "iterator", "loadAll");

  private final FailureMode mode;
  private final Counter degradedReads;
  private final Counter droppedWrites;

  /**
   * @param mode the {@code failureMode} option
   * @param degradedReads counts the reads answered as misses
   * @param droppedWrites counts the writes dropped
   */
  FailureHandler(FailureMode mode, Counter degradedReads, Counter droppedWrites) {
    this.mode = mode;
    this.degradedReads = degradedReads;
    this.droppedWrites = droppedWrites;
  }

  /**
   * Either rethrows {@code failure} or returns {@code fallback}, as the failure mode says.
   *
   * @param operation the Cache method, for the log
   */
  <R> R handle(String operation, StoreFailureException failure, R fallback) {
    if (mode == FailureMode.FAIL || failure instanceof ItemTooLargeException) {
      throw failure;
    }
    (READS.contains(operation) ? degradedReads : droppedWrites).increment();
    LOG.warn(
        "memcached unavailable; {} degraded (failureMode=degrade): {}",
        operation,
        failure.getMessage());
    return fallback;
  }

  /**
   * A bulk call (getAll, putAll, removeAll, iteration) that some servers could not serve: with
   * {@code failureMode=fail} {@code failure} is thrown; with {@code degrade} it is counted and
   * logged, and the call goes on with what the live servers hold.
   *
   * @param failure the first failure, or null when there was none (then nothing happens)
   */
  void partial(String operation, StoreFailureException failure) {
    if (failure != null) {
      handle(operation, failure, null);
    }
  }

  /** Returns how many calls were degraded so far (reads and writes). */
  long degradedCount() {
    return degradedReads.count() + droppedWrites.count();
  }
}
