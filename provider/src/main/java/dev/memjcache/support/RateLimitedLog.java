package dev.memjcache.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval and counts the ones it suppressed, so that a failing
 * server or a flood of foreign items cannot flood the log. Thread-safe.
 */
public final class RateLimitedLog {

  private final Logger logger;
  private final long intervalNanos;
  private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  /**
   * @param logger where warnings go
   * @param intervalMillis the least time between two warnings, in milliseconds
   */
  public RateLimitedLog(Logger logger, long intervalMillis) {
    this.logger = logger;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
  }

  /**
   * Logs {@code message} (SLF4J format) at WARN unless another warning was logged within the
   * interval; then only counts it.
   */
  public void warn(String message, Object... args) {
    long now = System.nanoTime();
    long next = nextNanos.get();
    if ((next == Long.MIN_VALUE || now - next >= 0)
        && nextNanos.compareAndSet(next, now + intervalNanos)) {
      long skipped = suppressed.getAndSet(0);
      if (skipped > 0) {
        logger.warn("({} similar warnings suppressed)", skipped);
      }
      logger.warn(message, args);
    } else {
      suppressed.incrementAndGet();
    }
  }
}
