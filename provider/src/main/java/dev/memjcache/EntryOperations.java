package dev.memjcache;

import dev.memjcache.expiry.ExpiryDecider;
import dev.memjcache.integration.LoaderSupport;
import dev.memjcache.store.StoreFailureException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import javax.cache.CacheException;

/**
 * The single-entry operations of {@code javax.cache.Cache} on memcached (JSR-107 chapter 4 and
 * DESIGN.md "Operations"). Conditional and get-and-* operations are {@code gets} + {@code cas} (or
 * delete-with-CAS) loops, so they are atomic across JVMs; {@code putIfAbsent} is {@code add}; a put
 * is a blind {@code set} when nothing needs to know whether the entry existed.
 *
 * <p>Each operation publishes its events to the dispatcher and records statistics; the facade
 * awaits synchronous listeners after the operation returns.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class EntryOperations<K, V> {

  /** CAS conflicts one call tolerates before it gives up. */
  static final int MAX_CAS_ATTEMPTS = 10_000;

  private final CacheContext<K, V> ctx;
  private final Entries<K, V> entries;
  private final ExpiryDecider expiry;

  EntryOperations(CacheContext<K, V> ctx) {
    this.ctx = ctx;
    this.entries = ctx.entries;
    this.expiry = ctx.expiry;
  }

  V get(K key) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    Slot<K, V> slot = entries.read(key, now);
    V value;
    if (slot.isPresent()) {
      value = slot.value();
      accessed(slot, now);
      ctx.stats().recordHits(1);
      ctx.timestampMisses.found(value);
    } else {
      ctx.stats().recordMisses(1);
      Slot<K, V> target = expiredFound(slot);
      value = loadAndCreate(target);
      if (value == null) {
        value = answerMiss(target, now);
      }
    }
    ctx.stats().recordGetTime(System.nanoTime() - start);
    return value;
  }

  /**
   * The value a miss answers besides null ({@link TimestampMisses}), created in {@code target} so
   * that other JVMs find it: a concurrent writer's value wins the {@code add}, and a failed write
   * leaves the answer to this read (their own misses answer theirs).
   */
  @SuppressWarnings("unchecked")
  private V answerMiss(Slot<K, V> target, long now) {
    V answer = (V) ctx.timestampMisses.answer(target.key, now);
    if (answer != null) {
      try {
        create(target, answer, now);
      } catch (StoreFailureException e) {
        // the answer already protects this read; nothing else was lost
      }
    }
    return answer;
  }

  /**
   * The blind put of {@link #put} without waiting, when it needs no user code and no old value: no
   * writer, {@link CacheContext#isBlindPutAllowed}, a creation expiry in the future.
   *
   * @return the pending {@code set}, or null when the put must take the general path
   */
  CompletableFuture<Void> putWithoutWaiting(AsyncEntries<K, V> async, K key, V value) {
    if (ctx.writer.writer() != null || !ctx.isBlindPutAllowed()) {
      return null;
    }
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    long expiresAt = expiry.onCreation(now);
    if (ExpiryDecider.isExpired(expiresAt, now)) {
      return null;
    }
    return async.put(key, value, expiresAt, now).thenRun(() -> recordPut(start));
  }

  boolean containsKey(K key) {
    return entries.read(key, System.currentTimeMillis()).isPresent();
  }

  void put(K key, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    ctx.writeThrough(key, value);
    boolean stored;
    if (ctx.isBlindPutAllowed()) {
      long expiresAt = expiry.onCreation(now);
      stored = !ExpiryDecider.isExpired(expiresAt, now);
      if (stored) {
        entries.put(key, value, expiresAt, now);
      } else {
        entries.deleteBlind(key);
      }
    } else {
      stored = upsert(key, value, now) != null;
    }
    if (stored) {
      ctx.stats().recordPuts(1);
      ctx.stats().recordPutTime(System.nanoTime() - start);
    }
  }

  V getAndPut(K key, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    ctx.writeThrough(key, value);
    Slot<K, V> replaced = upsert(key, value, now);
    V old = replaced != null && replaced.isPresent() ? replaced.value() : null;
    recordGet(old, start);
    if (replaced != null) {
      ctx.stats().recordPuts(1);
      ctx.stats().recordPutTime(System.nanoTime() - start);
    }
    return old;
  }

  boolean putIfAbsent(K key, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    boolean created;
    if (createsWithAdd()) {
      long expiresAt = expiry.onCreation(now);
      if (!ExpiryDecider.isExpired(expiresAt, now) && entries.add(key, value, expiresAt, now)) {
        ctx.events.publishCreated(key, value);
        created = true;
      } else {
        created = createIfAbsent(key, value, now, true);
      }
    } else {
      created = createIfAbsent(key, value, now, true);
    }
    recordPutIfAbsent(created, start);
    return created;
  }

  /**
   * Whether putIfAbsent may try a plain {@code add} first: no writer has to run before it, and the
   * creation expiry does not depend on what the key held.
   */
  boolean createsWithAdd() {
    return ctx.writer.writer() == null && expiry.isExistenceIndependent();
  }

  /** The statistics of a putIfAbsent: a miss and a put when it created the entry, else a hit. */
  void recordPutIfAbsent(boolean created, long start) {
    if (created) {
      ctx.stats().recordMisses(1);
      recordPut(start);
    } else {
      ctx.stats().recordHits(1);
    }
  }

  boolean remove(K key) {
    long start = System.nanoTime();
    ctx.writer.delete(key);
    if (removeLive(key, System.currentTimeMillis()) == null) {
      return false;
    }
    recordRemoval(start);
    return true;
  }

  boolean remove(K key, V expected) {
    long start = System.nanoTime();
    if (!ifValueEquals(
        key,
        expected,
        () -> ctx.writer.delete(key),
        slot -> {
          if (!entries.delete(slot)) {
            return false;
          }
          ctx.events.publishRemoved(key, slot.value());
          return true;
        })) {
      return false;
    }
    recordRemoval(start);
    return true;
  }

  V getAndRemove(K key) {
    long start = System.nanoTime();
    ctx.writer.delete(key);
    Slot<K, V> removed = removeLive(key, System.currentTimeMillis());
    V old = removed == null ? null : removed.value();
    recordGet(old, start);
    if (old != null) {
      recordRemoval(start);
    }
    return old;
  }

  boolean replace(K key, V expected, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    if (!ifValueEquals(
        key, expected, () -> ctx.writeThrough(key, value), slot -> update(slot, value, now))) {
      return false;
    }
    recordPut(start);
    return true;
  }

  /**
   * Deletes the live entry (delete-with-CAS loop) and publishes REMOVED; no writer. An item that
   * reads as a miss because it is not a usable entry (foreign bytes, a refused class) is deleted
   * too, without an event: a remove must be able to get rid of what a read cannot use.
   *
   * @return the slot that was removed, or null when there was no live entry
   */
  Slot<K, V> removeLive(K key, long now) {
    return removeLive(key, now, null);
  }

  /**
   * {@link #removeLive(Object, long)} starting from {@code preRead}, a read made earlier
   * (removeAll's pipelined reads), or null; a stale one only costs a CAS conflict and a fresh read.
   */
  Slot<K, V> removeLive(K key, long now, Slot<K, V> preRead) {
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = attempt == 0 && preRead != null ? preRead : entries.read(key, now);
      if (!slot.isPresent()) {
        EntryWrite.discard(expiredFound(slot)).sendNow(entries);
        return null;
      }
      if (EntryWrite.remove(slot).applyNow(entries, ctx.events)) {
        return slot;
      }
      conflict(attempt, key);
    }
  }

  /** {@link #applyIfLive} when the live value equals {@code expected}. */
  private boolean ifValueEquals(
      K key, V expected, Runnable writeThrough, Predicate<Slot<K, V>> action) {
    return applyIfLive(key, expected::equals, writeThrough, action) != null;
  }

  /**
   * The compare-and-act loop of {@code remove(k, v)}, {@code replace} and {@code getAndReplace}: a
   * miss when there is no live entry, an access when the value fails {@code condition}, else
   * write-through once and {@code action} (a CAS write that answers false on conflict) until it
   * succeeds.
   *
   * @return the slot the action was applied to, or null when it was not applied
   */
  private Slot<K, V> applyIfLive(
      K key, Predicate<V> condition, Runnable writeThrough, Predicate<Slot<K, V>> action) {
    long now = System.currentTimeMillis();
    boolean written = false;
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (!slot.isPresent()) {
        expiredFound(slot);
        ctx.stats().recordMisses(1);
        return null;
      }
      if (attempt == 0) {
        ctx.stats().recordHits(1);
      }
      if (!condition.test(slot.value())) {
        accessed(slot, now);
        return null;
      }
      if (!written) {
        writeThrough.run();
        written = true;
      }
      if (action.test(slot)) {
        return slot;
      }
      conflict(attempt, key);
    }
  }

  boolean replace(K key, V value) {
    return replaced(key, value) != null;
  }

  V getAndReplace(K key, V value) {
    long start = System.nanoTime();
    V old = replaced(key, value);
    ctx.stats().recordGetTime(System.nanoTime() - start);
    return old;
  }

  /** Replaces a live entry; returns its old value, or null when there was none. */
  private V replaced(K key, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    Slot<K, V> slot =
        applyIfLive(
            key, any -> true, () -> ctx.writeThrough(key, value), live -> update(live, value, now));
    if (slot == null) {
      return null;
    }
    recordPut(start);
    return slot.value();
  }

  /**
   * Stores {@code value} whether or not the entry exists ({@code add}/{@code cas} loop), with the
   * creation or update expiry and the CREATED/UPDATED (and EXPIRED) events that fit.
   *
   * @return the slot that was replaced, or null when nothing was stored (zero creation expiry)
   */
  Slot<K, V> upsert(K key, V value, long now) {
    return upsert(key, value, now, null);
  }

  /**
   * {@link #upsert(Object, Object, long)} starting from {@code preRead}, a read made earlier
   * (putAll's pipelined reads), or null; a stale one only costs a CAS conflict and a fresh read.
   */
  Slot<K, V> upsert(K key, V value, long now, Slot<K, V> preRead) {
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = attempt == 0 && preRead != null ? preRead : entries.read(key, now);
      if (slot.isPresent()) {
        if (update(slot, value, now)) {
          return slot;
        }
      } else {
        Creation outcome = create(expiredFound(slot), value, now);
        if (outcome != Creation.CONFLICT) {
          return outcome == Creation.STORED ? slot : null;
        }
      }
      conflict(attempt, key);
    }
  }

  /**
   * Creates the entry unless a live one exists; with {@code writeThrough}, calls the writer once
   * before the first write (loads are not written through).
   *
   * @return whether this call created it
   */
  boolean createIfAbsent(K key, V value, long now, boolean writeThrough) {
    boolean written = !writeThrough;
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (slot.isPresent()) {
        return false;
      }
      Slot<K, V> target = expiredFound(slot);
      if (!written) {
        ctx.writeThrough(key, value);
        written = true;
      }
      Creation outcome = create(target, value, now);
      if (outcome != Creation.CONFLICT) {
        return outcome == Creation.STORED;
      }
      conflict(attempt, key);
    }
  }

  /** What one attempt to create an entry did. */
  enum Creation {
    /** Stored, CREATED published. */
    STORED,
    /** Not stored: the creation expiry is zero (JSR-107: such an entry is never added). */
    EXPIRES_AT_ONCE,
    /** Someone else wrote the item first: read again. */
    CONFLICT
  }

  /**
   * One creation attempt in the slot a read found empty: the creation expiry, then {@code add} (or
   * {@code cas} over an expired or foreign item), then CREATED.
   */
  Creation create(Slot<K, V> target, V value, long now) {
    EntryWrite<K, V> write = EntryWrite.create(expiry, target, value, now);
    if (write.isNone()) {
      return Creation.EXPIRES_AT_ONCE;
    }
    return write.applyNow(entries, ctx.events) ? Creation.STORED : Creation.CONFLICT;
  }

  /** CAS-updates a live entry with the update expiry and publishes UPDATED. */
  boolean update(Slot<K, V> slot, V value, long now) {
    return EntryWrite.update(expiry, slot, value, now).applyNow(entries, ctx.events);
  }

  /** Applies the access expiry to an entry just read (a CAS rewrite when the policy asks). */
  void accessed(Slot<K, V> slot, long now) {
    EntryWrite.access(expiry, slot, now).sendNow(entries);
  }

  /**
   * An expired entry found by this JVM: deletes its item (delete-with-CAS, so a concurrent write
   * survives) and, when this JVM did delete it, publishes EXPIRED once.
   *
   * @return the slot to create the entry in: without item when it was deleted
   */
  Slot<K, V> expiredFound(Slot<K, V> slot) {
    EntryWrite<K, V> cleanup = EntryWrite.expired(slot);
    return cleanup == null ? slot : cleanup.afterExpiry(cleanup.applyNow(entries, ctx.events));
  }

  /**
   * Read-through on a miss: once per key in this JVM (single flight) and, with the load lease, once
   * across JVMs; the one that loads stores with the creation expiry and publishes CREATED.
   */
  V loadAndCreate(Slot<K, V> slot) {
    LoaderSupport<K, V> loader = ctx.loader.readThrough();
    if (!loader.isPresent()) {
      return null;
    }
    K key = slot.key;
    return loader.once(
        key,
        () ->
            ctx.lease.guard(entries.leaseKey(slot), () -> containsKey(key), () -> readOrLoad(key)));
  }

  /** Inside the single flight: the entry when another caller loaded it meanwhile, else a load. */
  private V readOrLoad(K key) {
    long now = System.currentTimeMillis();
    Slot<K, V> slot = entries.read(key, now);
    if (slot.isPresent()) {
      return slot.value();
    }
    V loaded = ctx.loader.readThrough().load(key);
    if (loaded == null) {
      return null;
    }
    // a concurrent writer's value wins over the loaded one (CONFLICT): nothing to retry
    create(expiredFound(slot), loaded, now);
    return loaded;
  }

  void recordGet(V value, long start) {
    if (value == null) {
      ctx.stats().recordMisses(1);
    } else {
      ctx.stats().recordHits(1);
    }
    ctx.stats().recordGetTime(System.nanoTime() - start);
  }

  void recordPut(long start) {
    ctx.stats().recordPuts(1);
    ctx.stats().recordPutTime(System.nanoTime() - start);
  }

  void recordRemoval(long start) {
    ctx.stats().recordRemovals(1);
    ctx.stats().recordRemoveTime(System.nanoTime() - start);
  }

  static void conflict(int attempt, Object key) {
    if (attempt >= MAX_CAS_ATTEMPTS) {
      throw new CacheException(
          "gave up after "
              + attempt
              + " CAS conflicts on key "
              + key
              + ": the entry changes faster than this call can apply its update");
    }
    if (attempt > 8) {
      Thread.onSpinWait();
    }
  }
}
