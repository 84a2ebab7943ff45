package dev.memjcache.store;

import java.util.concurrent.TimeUnit;

/**
 * The cache's current generation, the number inside every entry's memcached key (DESIGN.md,
 * "clear()"). {@code clear()} increments the generation item, which makes every older entry
 * unreachable at once without {@code flush_all}; the old items age out.
 *
 * <p>The generation item {@code <prefix>:<cache>:gen} is a memcached counter. Reading it is an
 * {@code incr} by 0 whose initial value is the wall clock in epoch milliseconds: a counter lost to
 * eviction is re-created above every generation handed out before (clears add 1 each, far fewer than
 * the milliseconds that pass), so a cleared generation never comes back.
 *
 * <p>Each JVM caches the value and re-reads it when it is older than the refresh interval, so a
 * {@code clear()} in another JVM is seen within that interval; this JVM's own {@code clear()} is
 * seen at once. Thread-safe; the hot path is two volatile reads.
 */
public final class GenerationTracker {

  private final MemcachedStore store;
  private final String generationKey;
  private final long refreshNanos;
  private volatile Snapshot snapshot;

  private record Snapshot(long generation, long readAtNanos) {
  }

  /**
   * @param store the memcached adapter
   * @param generationKey the generation item's key
   * @param refreshMillis how long a read value is trusted, in milliseconds (0: re-read on every
   *     operation)
   */
  public GenerationTracker(MemcachedStore store, String generationKey, long refreshMillis) {
    this.store = store;
    this.generationKey = generationKey;
    this.refreshNanos = TimeUnit.MILLISECONDS.toNanos(refreshMillis);
  }

  /**
   * Returns the current generation, reading the generation item when the cached value is stale.
   *
   * @throws StoreFailureException when memcached cannot be read
   */
  public long current() {
    Snapshot s = snapshot;
    long now = System.nanoTime();
    if (s != null && now - s.readAtNanos < refreshNanos) {
      return s.generation;
    }
    long generation = store.incr(generationKey, 0, System.currentTimeMillis());
    snapshot = new Snapshot(generation, now);
    return generation;
  }

  /**
   * Moves to a new generation ({@code incr} by 1), so every entry of the older ones is gone for
   * every JVM (after their refresh interval).
   *
   * @return the new generation
   * @throws StoreFailureException when memcached cannot be written
   */
  public long advance() {
    long generation = store.incr(generationKey, 1, System.currentTimeMillis());
    snapshot = new Snapshot(generation, System.nanoTime());
    return generation;
  }
}
