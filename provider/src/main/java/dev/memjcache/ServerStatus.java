package dev.memjcache;

import java.util.Objects;
import javax.management.ConstructorParameters;

/**
 * One memcached server of a {@link MemcachedCacheManager} as MemJCache's node health sees it
 * (docs/production.md "How to see it"): its state, its last failure and its counters since the
 * manager opened. An immutable snapshot, built from memory by {@link
 * MemcachedCacheManager#servers()} without any network call; a JMX open type (its getters map to
 * {@code CompositeData} in {@link dev.memjcache.management.MemcachedCacheManagerMXBean}).
 */
public final class ServerStatus {

  /** What node health says of a server now. */
  public enum State {
    /** Connected and not marked down: its keys are served. */
    SERVING,
    /**
     * Marked down after {@code serverFailureLimit} consecutive timeouts or connection failures:
     * commands for its keys fail at once until a probe (a binary {@code noop}) answers, at the
     * earliest {@code serverRetryMillis} after it was marked down.
     */
    MARKED_DOWN,
    /**
     * Not marked down but without a connection: spymemcached is connecting or reconnecting to it
     * (within {@code reconnectDelaySeconds}); commands for its keys fail at once meanwhile.
     */
    CONNECTING
  }

  private final String address;
  private final State state;
  private final String lastFailure;
  private final long markedDownSinceMillis;
  private final long timeouts;
  private final long failures;
  private final long markedDownCount;

  /**
   * @param address the server as {@code host:port}
   * @param state its state now
   * @param lastFailure the last timeout or connection failure counted against it, as text (the
   *     command and the cause, never a key's value or a password); empty when none
   * @param markedDownSinceMillis when it was marked down, epoch milliseconds; 0 unless {@code
   *     state} is {@link State#MARKED_DOWN}
   * @param timeouts commands to it that timed out (after {@code operationTimeoutMillis})
   * @param failures commands to it that failed without an answer otherwise (connection lost or
   *     absent, command cancelled, I/O error)
   * @param markedDownCount how many times it was marked down
   * @throws NullPointerException when {@code address}, {@code state} or {@code lastFailure} is null
   */
  @ConstructorParameters({
    "address",
    "state",
    "lastFailure",
    "markedDownSinceMillis",
    "timeouts",
    "failures",
    "markedDownCount"
  })
  public ServerStatus(
      String address,
      State state,
      String lastFailure,
      long markedDownSinceMillis,
      long timeouts,
      long failures,
      long markedDownCount) {
    this.address = Objects.requireNonNull(address, "address");
    this.state = Objects.requireNonNull(state, "state");
    this.lastFailure = Objects.requireNonNull(lastFailure, "lastFailure");
    this.markedDownSinceMillis = markedDownSinceMillis;
    this.timeouts = timeouts;
    this.failures = failures;
    this.markedDownCount = markedDownCount;
  }

  /** Returns the server as {@code host:port}, as the manager's {@code servers} option names it. */
  public String getAddress() {
    return address;
  }

  /** Returns its state when the snapshot was taken. */
  public State getState() {
    return state;
  }

  /**
   * Returns the last timeout or connection failure counted against the server, for example {@code
   * "gets timed out after 1000 ms"}; empty when there was none. Kept after the server comes back.
   */
  public String getLastFailure() {
    return lastFailure;
  }

  /**
   * Returns when the server was marked down, in epoch milliseconds ({@link
   * System#currentTimeMillis()}); 0 unless it is {@link State#MARKED_DOWN}.
   */
  public long getMarkedDownSinceMillis() {
    return markedDownSinceMillis;
  }

  /** Returns how many commands to the server timed out since the manager opened. */
  public long getTimeouts() {
    return timeouts;
  }

  /**
   * Returns how many commands to the server failed without an answer, other than timeouts, since
   * the manager opened: connection lost or absent, command cancelled, I/O error.
   */
  public long getFailures() {
    return failures;
  }

  /** Returns how many times the server was marked down since the manager opened. */
  public long getMarkedDownCount() {
    return markedDownCount;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerStatus s
        && address.equals(s.address)
        && state == s.state
        && lastFailure.equals(s.lastFailure)
        && markedDownSinceMillis == s.markedDownSinceMillis
        && timeouts == s.timeouts
        && failures == s.failures
        && markedDownCount == s.markedDownCount;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        address, state, lastFailure, markedDownSinceMillis, timeouts, failures, markedDownCount);
  }

  /** For example {@code 127.0.0.1:11211 MARKED_DOWN (gets timed out after 1000 ms)}. */
  @Override
  public String toString() {
    return address + " " + state + (lastFailure.isEmpty() ? "" : " (" + lastFailure + ")");
  }
}
