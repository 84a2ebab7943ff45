package dev.memjcache;

import dev.memjcache.config.MemJCacheSettings;
import java.util.concurrent.Semaphore;
import javax.cache.CacheException;

/**
 * Backpressure of one cache manager's {@link AsyncCache} views: at most {@code maxAsyncOperations}
 * operations in flight. A call beyond the limit is refused at once (never a wait: a caller that
 * issues from spymemcached's completion threads must not block them); it sends nothing.
 */
final class AsyncLimit {

  private final int max;
  private final Semaphore permits;

  /**
   * @param max the option {@code maxAsyncOperations}, positive
   */
  AsyncLimit(int max) {
    this.max = max;
    this.permits = new Semaphore(max);
  }

  /**
   * Takes one permit.
   *
   * @throws CacheException when {@code maxAsyncOperations} operations are in flight already
   */
  void acquire() {
    if (!permits.tryAcquire()) {
      throw new CacheException(
          "too many asynchronous cache operations in flight: "
              + MemJCacheSettings.MAX_ASYNC_OPERATIONS
              + "="
              + max
              + " are pending; wait for some stages to complete before issuing more, or raise"
              + " the option");
    }
  }

  /** Returns the permit of an operation that completed. */
  void release() {
    permits.release();
  }

  /** How many operations are in flight now. */
  int inFlight() {
    return max - permits.availablePermits();
  }
}
