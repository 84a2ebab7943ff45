package dev.memjcache.support;

import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonic event count (a {@link LongAdder}) that also counts into its parent: a cache's counter
 * counts into its manager's, so the manager's totals keep the counts of caches closed since. Cheap
 * under contention; meant for events off the hot path (failures, waits, refusals).
 */
public final class Counter {

  private final LongAdder count = new LongAdder();
  private final Counter parent;

  /** A counter without a parent (a manager's total). */
  public Counter() {
    this(null);
  }

  private Counter(Counter parent) {
    this.parent = parent;
  }

  /** Returns a new counter whose increments also count here. */
  public Counter child() {
    return new Counter(this);
  }

  /** Counts one event here and in the parents. */
  public void increment() {
    count.increment();
    if (parent != null) {
      parent.increment();
    }
  }

  /** Returns the events counted so far. */
  public long count() {
    return count.sum();
  }
}
