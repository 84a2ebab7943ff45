package dev.memjcache.store;

import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import net.spy.memcached.HashAlgorithm;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;

/**
 * spymemcached's consistent-hashing locator, answered from a {@link KetamaRing} (the same continuum
 * as sorted arrays with a bucket index) instead of spymemcached's {@code TreeMap} search. Every
 * MemJCache command is routed twice on the calling thread: by MemJCache, to take the server's
 * generation and ask node health, and then by spymemcached when it queues the operation, with the
 * same key or one that hashes alike ({@link EntryKeyHash}, which memoizes the hash); a bulk call
 * routes each of its keys twice the same way, so the lookup by hash must be cheap. Installed
 * through {@link RoutingConnectionFactory}, so spymemcached's own lookups go through it too. When
 * the ring cannot be reproduced ({@link KetamaRing#of} returns null), lookups go to spymemcached's
 * locator through a per-thread memo of recent lookups by hash.
 *
 * <p>A key's server depends on its hash only, and {@link #updateLocator} (spymemcached's I/O thread
 * calls it when {@link ClusterDiscovery} hands the connection a new node list) rebuilds the ring,
 * tells the {@linkplain #onLayoutChange layout listener} before the new ring routes, and empties
 * every memo.
 */
final class MemoizingLocator implements NodeLocator {

  /**
   * Slots of a thread's memo: a power of two, ten times a bulk batch of 100, so few keys of a batch
   * evict each other.
   */
  private static final int SLOTS = 1024;

  private final NodeLocator ketama;
  private final HashAlgorithm hashAlgorithm;

  /** Bumped by {@link #updateLocator}: a memo of an older layout is emptied before use. */
  private volatile int layout;

  /** {@link #ketama}'s continuum, or null when it could not be reproduced (then ketama routes). */
  private volatile KetamaRing ring;

  private final ThreadLocal<Memo> memos = ThreadLocal.withInitial(Memo::new);

  /** Told of every new node list before it routes; set once the store exists. */
  private volatile LayoutListener layoutListener = (before, after, nodes) -> {};

  /**
   * What {@link #updateLocator} tells before the new ring routes (on spymemcached's I/O thread).
   */
  @FunctionalInterface
  interface LayoutListener {
    /**
     * @param before the ring that routed until now (null when it could not be reproduced)
     * @param after the ring that routes next (null when it could not be reproduced)
     * @param nodes the new node list, in the locator's order
     */
    void changed(KetamaRing before, KetamaRing after, List<MemcachedNode> nodes);
  }

  private static final class Memo {
    final long[] hashes = new long[SLOTS];
    final MemcachedNode[] nodes = new MemcachedNode[SLOTS];
    int layout;

    Memo() {
      Arrays.fill(hashes, -1); // Ketama hashes are unsigned 32-bit: -1 never matches
    }
  }

  /**
   * @param nodes the servers {@code ketama} was built with, in its order
   * @param ketama the locator spymemcached built (consistent hashing with {@code hashAlgorithm})
   * @param hashAlgorithm the hash {@code ketama} routes by
   */
  MemoizingLocator(List<MemcachedNode> nodes, NodeLocator ketama, HashAlgorithm hashAlgorithm) {
    this.ketama = ketama;
    this.hashAlgorithm = hashAlgorithm;
    this.ring = KetamaRing.of(nodes, hashAlgorithm, ketama);
  }

  @Override
  public MemcachedNode getPrimary(String key) {
    long hash = hashAlgorithm.hash(key);
    KetamaRing current = ring;
    if (current != null) {
      return current.nodeFor(hash);
    }
    Memo memo = memo();
    int slot = slot(hash);
    if (memo.hashes[slot] != hash) {
      memo.nodes[slot] = ketama.getPrimary(key);
      memo.hashes[slot] = hash;
    }
    return memo.nodes[slot];
  }

  /**
   * The server of a key whose hash ({@code hashAlgorithm.hash(key)}) is {@code hash}, found without
   * the key: what {@link #getPrimary} returns for it.
   *
   * @param hash the key's hash (unsigned 32 bits in a long)
   * @return the server, or null when the continuum could not be reproduced (the caller then routes
   *     the key with {@link #getPrimary})
   */
  MemcachedNode nodeForHash(long hash) {
    KetamaRing current = ring;
    return current != null ? current.nodeFor(hash) : null;
  }

  /** The ring that routes now; null when it could not be reproduced. */
  KetamaRing ring() {
    return ring;
  }

  /** Sets the listener told of every new node list (must not block: it runs on the I/O thread). */
  void onLayoutChange(LayoutListener listener) {
    this.layoutListener = listener;
  }

  /** Whether lookups go through a {@link KetamaRing} (else through spymemcached's locator). */
  boolean hasRing() {
    return ring != null;
  }

  /** This thread's memo, emptied first when the layout changed since its last use. */
  private Memo memo() {
    Memo memo = memos.get();
    int current = layout;
    if (memo.layout != current) {
      Arrays.fill(memo.hashes, -1);
      memo.layout = current;
    }
    return memo;
  }

  private static int slot(long hash) {
    return (int) (hash ^ (hash >>> 8)) & (SLOTS - 1);
  }

  @Override
  public Iterator<MemcachedNode> getSequence(String key) {
    return ketama.getSequence(key);
  }

  @Override
  public Collection<MemcachedNode> getAll() {
    return ketama.getAll();
  }

  /**
   * A copy of the layout that routes now. Taken under the lock of {@link #updateLocator}, so it
   * never shows spymemcached's new layout while MemJCache still routes by the old ring: {@code
   * MemcachedClient.getNodeLocator()} tells a caller where its keys go.
   */
  @Override
  public synchronized NodeLocator getReadonlyCopy() {
    return ketama.getReadonlyCopy();
  }

  @Override
  public synchronized void updateLocator(List<MemcachedNode> nodes) {
    KetamaRing before = ring;
    ketama.updateLocator(nodes);
    KetamaRing after = KetamaRing.of(nodes, hashAlgorithm, ketama);
    layoutListener.changed(before, after, List.copyOf(nodes));
    ring = after;
    layout++;
  }
}
