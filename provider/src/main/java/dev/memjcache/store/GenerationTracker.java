package dev.memjcache.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache's generations, one per memcached server (docs/storage-format.md). An entry {@code
 * <prefix>:<cache>:<generation>:<part>} lives on the server its key hashes to without the
 * generation ({@link EntryKeyHash}) and carries that server's generation, so a server's loss, hang
 * or arrival touches only its own entries.
 *
 * <p>Per server, two items hold ASCII decimal numbers (flags 0, no exptime), sent to that server
 * directly: the generation {@code <prefix>:<cache>:gen} and the clear marker {@code
 * <prefix>:<cache>:clear}, the generation the newest {@code clear()} that reached the server moved
 * the cache to. The rules:
 *
 * <ul>
 *   <li><b>clear()</b> reads the reachable servers' generations and picks {@code G = max(now ms +
 *       1, highest generation + 1, newest marker + 1)}; it raises every reachable server's
 *       generation and marker to {@code G} (CAS loops, never lowering them). A server marked down
 *       is skipped and logged.
 *   <li>A server whose generation is below the newest marker this JVM knows (its own clears and the
 *       markers read from every server) missed a clear: it is raised to the marker before use, so
 *       entries cleared while it was unreachable never come back.
 *   <li>A missing generation (new server, restarted server, evicted item) or one that is not a
 *       number (a stray write) is created as {@code max(now ms, newest marker)}: above every
 *       generation handed out before, given clocks in step. A corrupt item is logged once, when it
 *       is repaired.
 *   <li>A write to a server that failed or was dropped (its server down, timed out) marks the
 *       server <em>dirty</em> for this cache: before this JVM uses that server's generation again,
 *       and as soon as the server answers again, the generation is incremented, so the entry the
 *       write should have replaced or removed is not readable afterwards. The write is also
 *       reported to the manager's {@link DependentCaches}, which marks caches whose entries depend
 *       on other caches' writes (Hibernate's query results) dirty on every server.
 *   <li>When the node list changes ({@code configEndpoint}), a server that joined, or that regains
 *       keys it held under an earlier ring, is <em>moved on</em> ({@link Membership}): the
 *       generation is incremented there before this JVM uses it, so the copies it kept from an
 *       earlier membership are not readable; the other servers keep their generations and entries.
 *   <li>A generation never goes back in a JVM: one read below the one this JVM used on that server
 *       (the item was lost and re-created by a JVM with a slower clock, or a proxy routed it to
 *       another backend and back) is raised above it first.
 * </ul>
 *
 * <p>Behind a proxy ({@code proxy=true}) the "server" is the proxy endpoint: each cache has one
 * generation item, routed by the proxy to one of its backends like any key, and its clear marker is
 * written under {@value #PROXY_CLEAR_MARKERS} keys ({@code <prefix>:<cache>:clear} and {@code
 * <prefix>:<cache>:clear:1} to {@code :7}), which the proxy spreads over its backends; the newest
 * of them counts. A backend the proxy ejected can come back with the generation item and a marker
 * from before a {@code clear()} made while it was out: a JVM that never used the newer generation
 * still finds the clear in a copy on another backend and raises the old generation to it.
 *
 * <p>Each JVM caches a server's generation for the refresh interval, re-reading it (and the
 * server's marker) after that, after the server came back from being marked down, or when it is
 * below the newest marker. Thread-safe; the hot path is a few volatile reads.
 */
public final class GenerationTracker {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationTracker.class);
  private static final int MAX_ATTEMPTS = 16;

  /** How many copies of the clear marker a cache has behind a proxy (one when reached directly). */
  public static final int PROXY_CLEAR_MARKERS = 8;

  private final MemcachedStore store;
  private final NodeHealth health;
  private final String generationKey;
  private final DependentCaches dependents;
  private final List<String> clearKeys;
  private final long refreshNanos;
  private final Map<MemcachedNode, Holder> holders = new ConcurrentHashMap<>(); // by identity
  private final AtomicLong newestClear = new AtomicLong();
  private final AtomicBoolean listening = new AtomicBoolean();
  private final AtomicBoolean repairQueued = new AtomicBoolean();

  private record Snapshot(long generation, long readAtNanos, int epoch) {}

  private static final class Holder {
    volatile Snapshot snapshot;

    /** Dropped writes so far; the server is dirty while this is ahead of {@link #cleaned}. */
    final AtomicLong dirtyMarks = new AtomicLong();

    final AtomicLong cleaned = new AtomicLong();

    /** The server's {@link Membership#moves} count this cache's generation was last moved on at. */
    final AtomicLong movedOn = new AtomicLong();

    boolean isDirty(long moves) {
      return dirtyMarks.get() != cleaned.get() || moves != movedOn.get();
    }
  }

  /**
   * @param store the memcached adapter
   * @param generationKey the generation item's key, {@code <prefix>:<cache>:gen}
   * @param refreshMillis how long a read generation is trusted, in milliseconds (0: re-read on
   *     every operation)
   * @param dependents the manager's dependent caches, told about every dropped write
   */
  public GenerationTracker(
      MemcachedStore store, String generationKey, long refreshMillis, DependentCaches dependents) {
    this(store, generationKey, refreshMillis, dependents, 1);
  }

  /**
   * @param clearMarkers how many copies of the clear marker to keep: 1 for servers reached
   *     directly, {@link #PROXY_CLEAR_MARKERS} behind a proxy (see the class javadoc)
   * @see #GenerationTracker(MemcachedStore, String, long, DependentCaches)
   */
  public GenerationTracker(
      MemcachedStore store,
      String generationKey,
      long refreshMillis,
      DependentCaches dependents,
      int clearMarkers) {
    this.store = store;
    this.dependents = dependents;
    this.health = store.health();
    this.generationKey = generationKey;
    String clearKey = generationKey.substring(0, generationKey.length() - "gen".length()) + "clear";
    List<String> keys = new ArrayList<>();
    keys.add(clearKey);
    for (int copy = 1; copy < clearMarkers; copy++) {
      keys.add(clearKey + ":" + copy);
    }
    this.clearKeys = List.copyOf(keys);
    this.refreshNanos = TimeUnit.MILLISECONDS.toNanos(refreshMillis);
    for (MemcachedNode node : store.nodes()) {
      holders.put(node, new Holder());
    }
  }

  /** The server's holder; a server that joined the node list gets one at first use. */
  private Holder holder(MemcachedNode node) {
    Holder holder = holders.get(node);
    return holder != null ? holder : holders.computeIfAbsent(node, n -> new Holder());
  }

  /**
   * Returns the cache's generation on {@code node}, reading (and if needed creating, repairing,
   * raising or incrementing) the server's items when the cached value cannot be trusted.
   *
   * @throws StoreFailureException when the server cannot be read ({@link NodeDownException} at once
   *     when it is marked down)
   */
  public long generation(MemcachedNode node) {
    long known = knownGeneration(node);
    return known >= 0 ? known : refresh(node, holder(node));
  }

  /**
   * Returns the cache's generation on {@code node} when it is known and fresh, without any
   * memcached command; -1 when {@link #generation} would have to read the server first (the
   * asynchronous view then does that on an executor thread, not on the caller's).
   */
  public long knownGeneration(MemcachedNode node) {
    Holder holder = holder(node);
    Snapshot s = holder.snapshot;
    if (s != null
        && System.nanoTime() - s.readAtNanos < refreshNanos
        && !holder.isDirty(store.moves(node))
        && s.epoch == health.epoch(node)
        && s.generation >= newestClear.get()) {
      return s.generation;
    }
    return -1;
  }

  /**
   * Records that a write to {@code node} failed or was dropped: the server's generation is
   * incremented before this JVM reads the cache there again.
   */
  public void markDirty(MemcachedNode node) {
    holder(node).dirtyMarks.incrementAndGet();
    listenForServersComingBack();
    dependents.writeDropped();
  }

  /**
   * Marks every server dirty for this cache (a dependent cache after a write dropped anywhere in
   * its manager): each server's generation is incremented before this JVM reads the cache there
   * again.
   */
  void markEveryServerDirty() {
    for (MemcachedNode node : store.nodes()) {
      holder(node); // a server that joined since is marked too
    }
    for (Holder holder : holders.values()) {
      holder.dirtyMarks.incrementAndGet();
    }
    listenForServersComingBack();
    // advance the live servers without waiting for a read here, so other JVMs see it within
    // their refresh interval; one queued repair covers any number of marks before it runs
    if (repairQueued.compareAndSet(false, true)) {
      health.runSoon(
          () -> {
            repairQueued.set(false);
            repairLiveServers();
          });
    }
  }

  private void listenForServersComingBack() {
    if (listening.compareAndSet(false, true)) {
      health.onUp(this::repairDirtyServers);
    }
  }

  /**
   * {@code clear()}: moves every reachable server to a new generation above all earlier ones and
   * records the clear there (see the class javadoc).
   *
   * @return the servers the clear did not reach (marked down or failing), empty when it reached all
   * @throws StoreFailureException when it reached no server at all
   */
  public List<MemcachedNode> clear() {
    long highest = -1;
    List<MemcachedNode> reached = new ArrayList<>();
    List<MemcachedNode> missed = new ArrayList<>();
    StoreFailureException failure = null;
    for (MemcachedNode node : store.nodes()) {
      try {
        highest = Math.max(highest, numberOf(store.gets(node, generationKey)));
        reached.add(node);
      } catch (StoreFailureException e) {
        missed.add(node);
        failure = failure == null ? e : failure;
      }
    }
    if (reached.isEmpty()) {
      throw failure;
    }
    long target =
        Math.max(System.currentTimeMillis() + 1, Math.max(highest + 1, newestClear.get() + 1));
    newestClear.accumulateAndGet(target, Math::max);
    for (MemcachedNode node : reached) {
      try {
        long generation = raise(node, generationKey, target);
        raiseMarkers(node, target);
        holder(node).snapshot = new Snapshot(generation, System.nanoTime(), health.epoch(node));
      } catch (StoreFailureException e) {
        missed.add(node);
      }
    }
    for (MemcachedNode node : missed) {
      LOG.warn(
          "clear() of {} did not reach memcached server {}; its entries stay unreachable:"
              + " its generation is raised to {} before it is used again",
          generationKey,
          NodeHealth.name(node),
          target);
    }
    return missed;
  }

  /**
   * When {@code up} serves again: advances the generation on every server still dirty for this
   * cache that answers (not only {@code up}), so other JVMs see the advanced generations within
   * their refresh interval even when this JVM does not read the cache.
   */
  private void repairDirtyServers(MemcachedNode up) {
    if (holders.containsKey(up)) {
      repairLiveServers();
    }
  }

  private void repairLiveServers() {
    for (MemcachedNode node : store.nodes()) {
      if (health.isUp(node)) {
        repairIfDirty(node);
      }
    }
  }

  private void repairIfDirty(MemcachedNode node) {
    Holder holder = holders.get(node);
    if (holder != null && holder.isDirty(store.moves(node))) {
      try {
        refresh(node, holder);
      } catch (StoreFailureException e) {
        LOG.debug(
            "generation of {} on {} not yet advanced: {}",
            generationKey,
            NodeHealth.name(node),
            e.getMessage());
      }
    }
  }

  private long refresh(MemcachedNode node, Holder holder) {
    int epoch = health.epoch(node);
    // Until the increment below is stored, the server stays dirty: every concurrent reader
    // refreshes too (and finds the incremented generation) instead of using the old one.
    long marks = holder.dirtyMarks.get();
    long moves = store.moves(node);
    boolean dirty = marks != holder.cleaned.get() || moves != holder.movedOn.get();
    long markerValue = newestClearMarker(node);
    if (markerValue > newestClear.get()) {
      newestClear.accumulateAndGet(markerValue, Math::max);
    }
    long generation = current(node, holder);
    Snapshot seen = holder.snapshot;
    if (seen != null && generation < seen.generation()) {
      // the item went back: lost and re-created low by a JVM with a slow clock, or (behind a
      // proxy) routed to another backend and back; entries of the lower one may be older than
      // this JVM's writes, entries of the one it used newer than another JVM's: both are left
      generation = raise(node, generationKey, seen.generation() + 1);
      LOG.info(
          "generation of {} on memcached server {} went back below {}: raised to {}",
          generationKey,
          NodeHealth.name(node),
          seen.generation(),
          generation);
    }
    long floor = newestClear.get();
    if (generation < floor) {
      generation = raise(node, generationKey, floor);
      raiseMarkers(node, floor);
      LOG.info(
          "memcached server {} missed a clear() of {}: generation raised to {}",
          NodeHealth.name(node),
          generationKey,
          generation);
    }
    if (dirty) {
      generation = raise(node, generationKey, generation + 1);
    }
    holder.snapshot = new Snapshot(generation, System.nanoTime(), epoch);
    if (dirty) {
      holder.cleaned.accumulateAndGet(marks, Math::max);
      holder.movedOn.accumulateAndGet(moves, Math::max);
    }
    return generation;
  }

  /** Reads the generation on {@code node}, creating or repairing it as the class javadoc says. */
  private long current(MemcachedNode node, Holder holder) {
    // A lost or corrupt counter is re-created above what this JVM last used there too: the wall
    // clock alone may not have moved since (several commands fit in one millisecond).
    Snapshot seen = holder.snapshot;
    long floor = Math.max(newestClear.get(), seen == null ? 0 : seen.generation() + 1);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      StoreItem item = store.gets(node, generationKey);
      long fresh = Math.max(System.currentTimeMillis(), floor);
      if (item == null) {
        if (store.add(node, generationKey, ascii(fresh))) {
          return fresh;
        }
        continue;
      }
      long value = numberOf(item);
      if (value >= 0) {
        return value;
      }
      if (store.cas(node, generationKey, item.cas(), ascii(fresh)) == CasOutcome.STORED) {
        LOG.warn(
            "generation item {} on memcached server {} held {} bytes that are not a number"
                + " (flags {}); repaired: new generation {}, above every earlier one",
            generationKey,
            NodeHealth.name(node),
            item.data().length,
            item.flags(),
            fresh);
        return fresh;
      }
    }
    throw new StoreFailureException(
        "generation item "
            + generationKey
            + " on memcached server "
            + NodeHealth.name(node)
            + " kept changing during "
            + MAX_ATTEMPTS
            + " attempts",
        null);
  }

  private void raiseMarkers(MemcachedNode node, long target) {
    for (String clearKey : clearKeys) {
      raise(node, clearKey, target);
    }
  }

  /**
   * The highest of the clear marker's copies on {@code node}, or -1 without one: one {@code gets}
   * when reached directly, one multi-get of every copy behind a proxy.
   *
   * @throws StoreFailureException when the read failed
   */
  private long newestClearMarker(MemcachedNode node) {
    if (clearKeys.size() == 1) {
      return numberOf(store.gets(node, clearKeys.get(0)));
    }
    BulkCommands.BulkRead read =
        store.bulk().getBulk(clearKeys, Collections.nCopies(clearKeys.size(), node));
    if (read.failure() != null) {
      throw read.failure();
    }
    long newest = -1;
    for (CachedData item : read.items().values()) {
      newest = Math.max(newest, numberOf(item.getData()));
    }
    return newest;
  }

  /** Raises the number in {@code key} on {@code node} to at least {@code target}; returns it. */
  private long raise(MemcachedNode node, String key, long target) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      StoreItem item = store.gets(node, key);
      if (item == null) {
        if (store.add(node, key, ascii(target))) {
          return target;
        }
        continue;
      }
      long value = numberOf(item);
      if (value >= target) {
        return value;
      }
      if (store.cas(node, key, item.cas(), ascii(target)) == CasOutcome.STORED) {
        return target;
      }
    }
    throw new StoreFailureException(
        "item "
            + key
            + " on memcached server "
            + NodeHealth.name(node)
            + " kept changing during "
            + MAX_ATTEMPTS
            + " attempts",
        null);
  }

  private static byte[] ascii(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  /** The item's decimal number; -1 when there is no item or it holds anything else. */
  private static long numberOf(StoreItem item) {
    return item == null ? -1 : numberOf(item.data());
  }

  private static long numberOf(byte[] data) {
    if (data.length == 0 || data.length > 19) {
      return -1;
    }
    long value = 0;
    for (byte b : data) {
      if (b < '0' || b > '9') {
        return -1;
      }
      value = value * 10 + (b - '0');
    }
    return value;
  }
}
