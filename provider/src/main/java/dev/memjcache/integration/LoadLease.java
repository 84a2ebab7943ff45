package dev.memjcache.integration;

import dev.memjcache.store.MemcachedStore;
import dev.memjcache.store.StoreFailureException;
import dev.memjcache.store.StoreItem;
import dev.memjcache.support.Counter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in load lease across JVMs (option {@code cache.<name>.loadLeaseMillis}): before a
 * read-through load, or an entry processor on an absent entry, one JVM takes a short-lived lock
 * item with memcached {@code add} (exptime: the lease rounded up to seconds); the other JVMs do not
 * load but poll the entry until it is there, then read it.
 *
 * <ul>
 *   <li>The holder deletes the lease when its work ends (delete-with-CAS, only its own lease).
 *   <li>A holder that dies never deletes it: memcached expires it after the exptime and the next
 *       waiter's {@code add} succeeds, so that waiter loads.
 *   <li>A waiter waits at most the lease time, then does the work itself (as without a lease).
 *   <li>Work slower than the lease lets a waiter take over and load a second time: choose a lease
 *       longer than the slowest load.
 * </ul>
 *
 * <p>The work itself always reads the entry again first, so a caller that finds the entry loaded
 * (or that falls back after the wait) does no duplicate load when the entry is there. Without the
 * option this is {@link #NONE}, which runs the work at once.
 */
public class LoadLease {

  /** The null object: no lease, the work runs at once. */
  public static final LoadLease NONE = new LoadLease(null, 0, new Counter());

  private static final Logger LOG = LoggerFactory.getLogger(LoadLease.class);

  private final MemcachedStore store;
  private final long leaseMillis;
  private final int exptimeSeconds;
  private final long pollMillis;
  private final Counter waits;

  private LoadLease(MemcachedStore store, long leaseMillis, Counter waits) {
    this.store = store;
    this.waits = waits;
    this.leaseMillis = leaseMillis;
    this.exptimeSeconds = (int) Math.max(1, (leaseMillis + 999) / 1000);
    this.pollMillis = Math.max(5, Math.min(50, leaseMillis / 20));
  }

  /**
   * @param store the cache's memcached store
   * @param leaseMillis the lease time, ms; 0 for no lease
   * @param waits counts the calls that found another JVM's lease and waited (once per call)
   * @return a lease, or {@link #NONE} when {@code leaseMillis} is 0
   * @throws IllegalArgumentException when {@code leaseMillis} is negative
   */
  public static LoadLease of(MemcachedStore store, long leaseMillis, Counter waits) {
    if (leaseMillis < 0) {
      throw new IllegalArgumentException("a load lease cannot be negative: " + leaseMillis);
    }
    return leaseMillis == 0 ? NONE : new LoadLease(store, leaseMillis, waits);
  }

  /** Whether a lease is taken at all (false for {@link #NONE}). */
  public boolean isEnabled() {
    return store != null;
  }

  /** The lease time, ms (0 for {@link #NONE}). */
  public long leaseMillis() {
    return leaseMillis;
  }

  /**
   * Runs {@code work} holding the lease item {@code leaseKey}; while another JVM holds it, polls
   * {@code loaded} and runs {@code work} as soon as it answers true, when the lease is freed, or
   * after the lease time at the latest.
   *
   * @param leaseKey the lease item's key (next to the entry's key, see {@code KeyCodec.leaseKey})
   * @param loaded whether the entry is there now (one memcached read)
   * @param work reads the entry again and loads it when still absent
   * @return the work's result
   * @throws StoreFailureException when memcached fails while taking the lease or polling
   * @throws CacheException when interrupted while waiting (the interrupt flag is set again)
   */
  public <R> R guard(String leaseKey, BooleanSupplier loaded, Supplier<R> work) {
    if (store == null) {
      return work.get();
    }
    byte[] token = token();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    boolean waited = false;
    while (true) {
      if (store.add(leaseKey, exptimeSeconds, 0, token)) {
        try {
          return work.get();
        } finally {
          release(leaseKey, token);
        }
      }
      if (loaded.getAsBoolean()) {
        return work.get();
      }
      long leftNanos = deadline - System.nanoTime();
      if (leftNanos <= 0) {
        LOG.debug(
            "load lease {} still held after {} ms; loading without it", leaseKey, leaseMillis);
        return work.get();
      }
      if (!waited) {
        waited = true;
        waits.increment();
      }
      try {
        Thread.sleep(Math.min(pollMillis, TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CacheException(
            "interrupted while waiting for another JVM's load lease " + leaseKey, e);
      }
    }
  }

  /** Deletes the lease if it is still this call's; a failure leaves it to expire. */
  private void release(String leaseKey, byte[] token) {
    try {
      StoreItem lease = store.gets(leaseKey);
      if (lease != null && Arrays.equals(lease.data(), token)) {
        store.delete(leaseKey, lease.cas());
      }
    } catch (StoreFailureException e) {
      LOG.debug("could not release load lease {}; it expires in {} s", leaseKey, exptimeSeconds, e);
    }
  }

  private static byte[] token() {
    UUID id = UUID.randomUUID();
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }
}
