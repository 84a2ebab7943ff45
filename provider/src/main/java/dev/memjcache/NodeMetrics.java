package dev.memjcache;

import javax.management.ConstructorParameters;

/**
 * The node metrics of one {@link MemcachedCacheManager} (docs/production.md "How to see it"): a
 * snapshot of counters kept in the provider since the manager opened, summed over its servers and
 * its caches (caches closed since count too). Counts are monotonic except the two gauges, {@link
 * #getServersMarkedDown()} and {@link #getAsyncOperationsInFlight()}. Built from memory by {@link
 * MemcachedCacheManager#nodeMetrics()}, without any network call. Immutable.
 */
public final class NodeMetrics {

  private final int servers;
  private final int serversMarkedDown;
  private final long markedDownCount;
  private final long timeouts;
  private final long failures;
  private final long degradedReads;
  private final long droppedWrites;
  private final long refusedClasses;
  private final long singleFlightWaits;
  private final long loadLeaseWaits;
  private final int asyncOperationsInFlight;

  /**
   * @param servers memcached servers of the manager
   * @param serversMarkedDown servers marked down now (gauge)
   * @param markedDownCount times a server was marked down
   * @param timeouts commands that timed out, over all servers
   * @param failures commands that failed without an answer otherwise, over all servers
   * @param degradedReads reads answered as misses because memcached failed ({@code
   *     failureMode=degrade})
   * @param droppedWrites writes dropped because memcached failed ({@code failureMode=degrade})
   * @param refusedClasses reads of items naming a class the allowlist refuses ({@code
   *     allowPackages})
   * @param singleFlightWaits calls that waited for another thread's load or entry processor on the
   *     same key in this JVM
   * @param loadLeaseWaits calls that waited for another JVM's load lease ({@code
   *     cache.<name>.loadLeaseMillis})
   * @param asyncOperationsInFlight asynchronous operations in flight now (gauge; bounded by {@code
   *     maxAsyncOperations})
   */
  @ConstructorParameters({
    "servers",
    "serversMarkedDown",
    "markedDownCount",
    "timeouts",
    "failures",
    "degradedReads",
    "droppedWrites",
    "refusedClasses",
    "singleFlightWaits",
    "loadLeaseWaits",
    "asyncOperationsInFlight"
  })
  public NodeMetrics(
      int servers,
      int serversMarkedDown,
      long markedDownCount,
      long timeouts,
      long failures,
      long degradedReads,
      long droppedWrites,
      long refusedClasses,
      long singleFlightWaits,
      long loadLeaseWaits,
      int asyncOperationsInFlight) {
    this.servers = servers;
    this.serversMarkedDown = serversMarkedDown;
    this.markedDownCount = markedDownCount;
    this.timeouts = timeouts;
    this.failures = failures;
    this.degradedReads = degradedReads;
    this.droppedWrites = droppedWrites;
    this.refusedClasses = refusedClasses;
    this.singleFlightWaits = singleFlightWaits;
    this.loadLeaseWaits = loadLeaseWaits;
    this.asyncOperationsInFlight = asyncOperationsInFlight;
  }

  /** Returns how many memcached servers the manager has (its {@code servers} option). */
  public int getServers() {
    return servers;
  }

  /** Returns how many servers are marked down now (a gauge). */
  public int getServersMarkedDown() {
    return serversMarkedDown;
  }

  /**
   * Returns how many times a server was marked down (after {@code serverFailureLimit} failures).
   */
  public long getMarkedDownCount() {
    return markedDownCount;
  }

  /** Returns how many commands timed out (after {@code operationTimeoutMillis}), all servers. */
  public long getTimeouts() {
    return timeouts;
  }

  /**
   * Returns how many commands failed without an answer other than by a timeout (connection lost or
   * absent, cancelled, I/O error), all servers.
   */
  public long getFailures() {
    return failures;
  }

  /**
   * Returns how many reads ({@code get}, {@code getAll}, {@code containsKey}, iteration, the reads
   * of {@code loadAll}) memcached could not serve and that {@code failureMode=degrade} answered as
   * misses; 0 with {@code failureMode=fail}.
   */
  public long getDegradedReads() {
    return degradedReads;
  }

  /**
   * Returns how many writes (every other cache call: {@code put}, {@code remove}, {@code replace},
   * {@code invoke}, {@code clear}, ...) memcached could not take and that {@code
   * failureMode=degrade} dropped; 0 with {@code failureMode=fail}.
   */
  public long getDroppedWrites() {
    return droppedWrites;
  }

  /**
   * Returns how many reads found an item naming a class that {@code allowPackages} does not allow
   * (each read as a miss; see {@link MemcachedCache#refusedClassCount()}).
   */
  public long getRefusedClasses() {
    return refusedClasses;
  }

  /**
   * Returns how many calls waited for another thread's read-through load or entry processor on the
   * same key of the same cache (the single flight within one JVM).
   */
  public long getSingleFlightWaits() {
    return singleFlightWaits;
  }

  /**
   * Returns how many calls found another JVM's load lease and waited for its load ({@code
   * cache.<name>.loadLeaseMillis}), once per call however long it polled.
   */
  public long getLoadLeaseWaits() {
    return loadLeaseWaits;
  }

  /** Returns how many asynchronous cache operations are in flight now (a gauge). */
  public int getAsyncOperationsInFlight() {
    return asyncOperationsInFlight;
  }

  @Override
  public String toString() {
    return "NodeMetrics[servers="
        + servers
        + ", serversMarkedDown="
        + serversMarkedDown
        + ", markedDownCount="
        + markedDownCount
        + ", timeouts="
        + timeouts
        + ", failures="
        + failures
        + ", degradedReads="
        + degradedReads
        + ", droppedWrites="
        + droppedWrites
        + ", refusedClasses="
        + refusedClasses
        + ", singleFlightWaits="
        + singleFlightWaits
        + ", loadLeaseWaits="
        + loadLeaseWaits
        + ", asyncOperationsInFlight="
        + asyncOperationsInFlight
        + "]";
  }
}
