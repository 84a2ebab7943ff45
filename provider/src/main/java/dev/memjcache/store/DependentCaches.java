package dev.memjcache.store;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The caches of one CacheManager whose entries are only valid as long as other caches' writes
 * arrive: Hibernate's query-results regions, whose results Hibernate checks against the
 * update-timestamps region and treats a missing timestamp as "table unchanged" (docs/hibernate.md,
 * "Outages"). A write dropped in any cache of the manager ({@link GenerationTracker#markDirty})
 * marks every dependent cache dirty on every server, so each dependent cache's generations advance
 * before this JVM reads it again: on the live servers at once (on the node-health probe thread, so
 * other JVMs see it within their generation refresh), on a hung or down server when it answers
 * again.
 *
 * <p>A manager without dependent caches pays one counter increment per dropped write and nothing
 * per successful operation. Thread-safe.
 */
public final class DependentCaches {

  private final CopyOnWriteArrayList<GenerationTracker> dependents = new CopyOnWriteArrayList<>();
  private final AtomicLong droppedWrites = new AtomicLong();

  /**
   * Registers the cache of {@code tracker} as dependent; registering it again has no effect.
   *
   * @param tracker the dependent cache's generations
   * @return true when this manager had dropped a write before the cache was registered: the cache
   *     is then marked dirty on every server, and a value just read from it must not be trusted
   */
  public boolean register(GenerationTracker tracker) {
    if (!dependents.addIfAbsent(tracker)) {
      return false;
    }
    if (droppedWrites.get() == 0) {
      return false;
    }
    tracker.markEveryServerDirty();
    return true;
  }

  /**
   * Whether any cache of the manager was registered: the manager holds Hibernate's query results (a
   * cache of it stored or read one).
   */
  public boolean hasDependents() {
    return !dependents.isEmpty();
  }

  /** Called for every dropped write of the manager: marks the dependent caches dirty everywhere. */
  void writeDropped() {
    droppedWrites.incrementAndGet();
    for (GenerationTracker dependent : dependents) {
      dependent.markEveryServerDirty();
    }
  }
}
