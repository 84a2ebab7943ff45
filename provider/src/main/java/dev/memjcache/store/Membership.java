package dev.memjcache.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.MemcachedNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of the client as the node list changes ({@link ClusterDiscovery}), and which of them
 * must start a new generation of every cache because of a change (docs/storage-format.md, "A node
 * list that changes").
 *
 * <p>With Ketama only the keys of the servers that changed move: a server that joins takes a share
 * of every server's keys, a server that leaves hands its keys to its ring neighbours. Two moves can
 * make a server serve an entry older than the newest one:
 *
 * <ul>
 *   <li>a server that joins may hold items of an earlier membership (it was in the list before, or
 *       its memcached was used by another client): every joining server is <em>moved on</em>;
 *   <li>a key that leaves a server (a server joined) and comes back later (that server left again)
 *       finds the copy it left behind, older than the writes made elsewhere meanwhile: a server
 *       that gains keys it owned under an earlier ring since its generation last moved is moved on.
 * </ul>
 *
 * <p>A server moved on has its {@link #moves} count advanced: each cache's {@link
 * GenerationTracker} then increments the cache's generation there before it uses the server again,
 * so the entries that server held become misses, and the entries of every other server stay. The
 * history is this JVM's own, from its start: a server's generation is shared, so one JVM that saw
 * the earlier ring protects the others. Thread-safe: changes arrive on spymemcached's I/O thread.
 */
final class Membership {

  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  /** Rings kept per server before it is moved on anyway (each ring is 160 points per server). */
  private static final int MAX_HISTORY = 64;

  private volatile List<MemcachedNode> nodes;
  private final Map<MemcachedNode, AtomicLong> moves = new ConcurrentHashMap<>();

  /** Per server, the rings it was in since its generation last moved on (I/O thread only). */
  private final Map<MemcachedNode, List<KetamaRing>> history = new ConcurrentHashMap<>();

  private final NodeHealth health;

  Membership(List<MemcachedNode> nodes, KetamaRing ring, NodeHealth health) {
    this.nodes = List.copyOf(nodes);
    this.health = health;
    for (MemcachedNode node : nodes) {
      List<KetamaRing> rings = new ArrayList<>();
      if (ring != null) {
        rings.add(ring);
      }
      history.put(node, rings);
    }
  }

  /** The servers of the current node list, in the locator's order. */
  List<MemcachedNode> nodes() {
    return nodes;
  }

  /**
   * How many times {@code node} was moved on since this JVM started: a generation read at an older
   * count must be incremented before use.
   */
  long moves(MemcachedNode node) {
    AtomicLong count = moves.get(node);
    return count == null ? 0 : count.get();
  }

  /** {@link MemoizingLocator.LayoutListener}: records the new list before its ring routes. */
  void changed(KetamaRing before, KetamaRing after, List<MemcachedNode> next) {
    List<MemcachedNode> previous = nodes;
    List<MemcachedNode> movedOn = new ArrayList<>();
    for (MemcachedNode node : next) {
      if (!previous.contains(node)) {
        movedOn.add(node); // joined: whatever it holds is from an earlier membership
      }
    }
    if (before == null || after == null) {
      // no continuum to compare: every server may gain keys it held before
      for (MemcachedNode node : next) {
        if (!movedOn.contains(node)) {
          movedOn.add(node);
        }
      }
    } else {
      for (MemcachedNode node : regainers(before, after, next)) {
        if (!movedOn.contains(node)) {
          movedOn.add(node);
        }
      }
    }
    health.track(next);
    for (MemcachedNode node : next) {
      List<KetamaRing> rings = history.computeIfAbsent(node, n -> new ArrayList<>());
      if (movedOn.contains(node) || rings.size() >= MAX_HISTORY) {
        moves.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
        if (!movedOn.contains(node)) {
          movedOn.add(node);
        }
        rings.clear();
      }
      if (after != null) {
        rings.add(after);
      }
    }
    history.keySet().retainAll(next);
    nodes = List.copyOf(next);
    List<String> left = new ArrayList<>();
    for (MemcachedNode node : previous) {
      if (!next.contains(node)) {
        left.add(NodeHealth.name(node));
      }
    }
    List<String> names = new ArrayList<>();
    for (MemcachedNode node : movedOn) {
      names.add(NodeHealth.name(node));
    }
    LOG.info(
        "memcached node list changed: {} servers, left {}; every cache starts a new generation on"
            + " {} (joined, or regaining keys it held before)",
        next.size(),
        left,
        names);
  }

  /**
   * The servers of {@code after} that gain, from {@code before}, a hash they owned under a ring of
   * their history. Every ring maps the hashes between two consecutive points of all the rings
   * involved to one server, so one hash per such interval (its top point, and 0 for the interval
   * that wraps around) decides it.
   */
  private List<MemcachedNode> regainers(
      KetamaRing before, KetamaRing after, List<MemcachedNode> next) {
    TreeSet<Long> probes = new TreeSet<>();
    probes.add(0L);
    addPoints(probes, before);
    addPoints(probes, after);
    for (MemcachedNode node : next) {
      for (KetamaRing ring : history.getOrDefault(node, List.of())) {
        addPoints(probes, ring);
      }
    }
    List<MemcachedNode> found = new ArrayList<>();
    for (long hash : probes) {
      MemcachedNode owner = after.nodeFor(hash);
      if (owner == before.nodeFor(hash) || found.contains(owner)) {
        continue;
      }
      for (KetamaRing ring : history.getOrDefault(owner, List.of())) {
        if (ring != before && ring.nodeFor(hash) == owner) {
          found.add(owner);
          break;
        }
      }
    }
    return found;
  }

  private static void addPoints(TreeSet<Long> probes, KetamaRing ring) {
    for (long point : ring.points()) {
      probes.add(point);
    }
  }
}
