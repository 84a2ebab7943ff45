package dev.memjcache;

import dev.memjcache.support.Counter;

/**
 * The node metrics counted in the provider, off the hot path: a manager's totals, and for each
 * cache its own counters that also count into the manager's ({@link #forCache()}), so {@link
 * NodeMetrics} keeps the counts of caches closed since.
 */
final class NodeCounters {

  /** Reads answered as misses under {@code failureMode=degrade} ({@link FailureHandler}). */
  final Counter degradedReads;

  /** Writes dropped under {@code failureMode=degrade} ({@link FailureHandler}). */
  final Counter droppedWrites;

  /** Reads of items naming a refused class ({@link ClassRefusals}). */
  final Counter refusedClasses;

  /** Waits for another thread's load or entry processor on the same key (SingleFlight). */
  final Counter singleFlightWaits;

  /** Waits for another JVM's load lease (LoadLease). */
  final Counter loadLeaseWaits;

  /** A manager's totals. */
  NodeCounters() {
    this(new Counter(), new Counter(), new Counter(), new Counter(), new Counter());
  }

  private NodeCounters(
      Counter degradedReads,
      Counter droppedWrites,
      Counter refusedClasses,
      Counter singleFlightWaits,
      Counter loadLeaseWaits) {
    this.degradedReads = degradedReads;
    this.droppedWrites = droppedWrites;
    this.refusedClasses = refusedClasses;
    this.singleFlightWaits = singleFlightWaits;
    this.loadLeaseWaits = loadLeaseWaits;
  }

  /** Returns one cache's counters, counting into these too. */
  NodeCounters forCache() {
    return new NodeCounters(
        degradedReads.child(),
        droppedWrites.child(),
        refusedClasses.child(),
        singleFlightWaits.child(),
        loadLeaseWaits.child());
  }
}
