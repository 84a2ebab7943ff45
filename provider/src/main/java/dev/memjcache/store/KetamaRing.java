package dev.memjcache.store;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.spy.memcached.HashAlgorithm;
import net.spy.memcached.KetamaNodeKeyFormatter;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.util.DefaultKetamaNodeLocatorConfiguration;
import net.spy.memcached.util.KetamaNodeLocatorConfiguration;

/**
 * The continuum of spymemcached's consistent-hashing locator ({@code KetamaNodeLocator}) as two
 * sorted arrays and a bucket index over them, searched without boxing the hash or building {@code
 * TreeMap} submaps: spymemcached 2.12.3 looks a hash up with {@code tailMap(hash)} and a boxed
 * {@code Long}, about a third of MemJCache's own CPU per key of a bulk call.
 *
 * <p>The points are those {@code KetamaNodeLocator(nodes, hashAlgorithm)} places for a hash
 * algorithm other than {@code KETAMA_HASH}: per server, in the order of {@code nodes}, {@code
 * hashAlgorithm.hash(key)} of its 160 node keys (format {@code SPYMEMCACHED}), a later server
 * taking a point two servers hash to. A hash goes to the first point at or above it, or to the
 * first point when it is above every point. {@link #of} checks the result against the locator
 * itself and gives up (null) on any difference, so a key's server is always the one spymemcached
 * picks. Immutable and thread-safe.
 */
final class KetamaRing {

  /** Keys routed through both the ring and the locator when a ring is built. */
  private static final int PROBES = 1_000;

  /** Buckets of the 32-bit hash space by its top {@value #BUCKET_BITS} bits. */
  private static final int BUCKET_BITS = 10;

  private static final int BUCKET_SHIFT = 32 - BUCKET_BITS;

  private final long[] points;
  private final MemcachedNode[] owners;

  /**
   * Per bucket, the index of its first point at or above the bucket's lowest hash: a lookup starts
   * there and steps over the few points below its hash (160 points per server over 1,024 buckets).
   */
  private final int[] firstPoint;

  /** The one server when there is only one, else null. */
  private final MemcachedNode only;

  private KetamaRing(long[] points, MemcachedNode[] owners) {
    this.points = points;
    this.owners = owners;
    this.firstPoint = new int[1 << BUCKET_BITS];
    int at = 0;
    for (int bucket = 0; bucket < firstPoint.length; bucket++) {
      long low = (long) bucket << BUCKET_SHIFT;
      while (at < points.length && points[at] < low) {
        at++;
      }
      firstPoint[bucket] = at;
    }
    MemcachedNode first = owners[0];
    boolean one = true;
    for (MemcachedNode owner : owners) {
      one &= owner == first;
    }
    this.only = one ? first : null;
  }

  /**
   * Builds the continuum of {@code ketama} and checks it: every node key and {@value #PROBES} other
   * keys must go to the server {@code ketama} picks for them.
   *
   * @param nodes the servers, in the order {@code ketama} was built with
   * @param hashAlgorithm the hash {@code ketama} routes by (never {@code KETAMA_HASH}, whose points
   *     are placed differently: the check then fails)
   * @param ketama the locator to reproduce
   * @return the ring, or null when {@code nodes} is empty or the ring differs from {@code ketama}
   */
  static KetamaRing of(List<MemcachedNode> nodes, HashAlgorithm hashAlgorithm, NodeLocator ketama) {
    if (nodes.isEmpty()) {
      return null;
    }
    KetamaNodeLocatorConfiguration config =
        new DefaultKetamaNodeLocatorConfiguration(
            new KetamaNodeKeyFormatter(KetamaNodeKeyFormatter.Format.SPYMEMCACHED));
    int repetitions = config.getNodeRepetitions();
    TreeMap<Long, MemcachedNode> continuum = new TreeMap<>();
    for (MemcachedNode node : nodes) {
      for (int i = 0; i < repetitions; i++) {
        continuum.put(hashAlgorithm.hash(config.getKeyForNode(node, i)), node);
      }
    }
    long[] points = new long[continuum.size()];
    MemcachedNode[] owners = new MemcachedNode[continuum.size()];
    int n = 0;
    for (Map.Entry<Long, MemcachedNode> point : continuum.entrySet()) {
      points[n] = point.getKey();
      owners[n++] = point.getValue();
    }
    KetamaRing ring = new KetamaRing(points, owners);
    for (MemcachedNode node : nodes) {
      for (int i = 0; i < repetitions; i++) {
        if (!ring.routesLike(config.getKeyForNode(node, i), hashAlgorithm, ketama)) {
          return null;
        }
      }
    }
    for (int i = 0; i < PROBES; i++) {
      if (!ring.routesLike("memjcache:ring-probe:" + i, hashAlgorithm, ketama)) {
        return null;
      }
    }
    return ring;
  }

  private boolean routesLike(String key, HashAlgorithm hashAlgorithm, NodeLocator ketama) {
    return nodeFor(hashAlgorithm.hash(key)) == ketama.getPrimary(key);
  }

  /**
   * Returns the server of {@code hash}: the owner of the first point at or above it, else of the
   * first point.
   *
   * @param hash a Ketama hash (unsigned 32 bits in a long)
   */
  MemcachedNode nodeFor(long hash) {
    if (only != null) {
      return only;
    }
    long[] p = points;
    int at;
    if ((hash >>> 32) == 0) {
      at = firstPoint[(int) (hash >>> BUCKET_SHIFT)];
      while (at < p.length && p[at] < hash) {
        at++;
      }
    } else { // not a 32-bit hash (no spymemcached algorithm makes one): search all points
      at = Arrays.binarySearch(p, hash);
      at = at < 0 ? -at - 1 : at; // the insertion point: the first point above the hash
    }
    return owners[at == p.length ? 0 : at];
  }

  /** The ring's points, ascending (the array itself: callers must not change it). */
  long[] points() {
    return points;
  }

  /** Returns the number of points (160 per server unless two servers hash to one point). */
  int size() {
    return points.length;
  }
}
