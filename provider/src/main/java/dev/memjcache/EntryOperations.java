package dev.memjcache;

import dev.memjcache.expiry.ExpiryDecider;
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
    } else {
      ctx.stats().recordMisses(1);
      value = loadAndCreate(expiredFound(slot), now);
    }
    ctx.stats().recordGetTime(System.nanoTime() - start);
    return value;
  }

  boolean containsKey(K key) {
    return entries.read(key, System.currentTimeMillis()).isPresent();
  }

  void put(K key, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    ctx.writer.write(key, value);
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
    ctx.writer.write(key, value);
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
    if (ctx.writer.writer() == null && expiry.isExistenceIndependent()) {
      long expiresAt = expiry.onCreation(now);
      if (!ExpiryDecider.isExpired(expiresAt, now) && entries.add(key, value, expiresAt, now)) {
        ctx.events.publishCreated(key, value);
        created = true;
      } else {
        created = createIfAbsent(key, value, now);
      }
    } else {
      created = createIfAbsent(key, value, now);
    }
    if (created) {
      ctx.stats().recordMisses(1);
      recordPut(start);
    } else {
      ctx.stats().recordHits(1);
    }
    return created;
  }

  boolean remove(K key) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    ctx.writer.delete(key);
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (!slot.isPresent()) {
        expiredFound(slot);
        return false;
      }
      if (entries.delete(slot)) {
        ctx.events.publishRemoved(key, slot.value());
        recordRemoval(start);
        return true;
      }
      conflict(attempt, key);
    }
  }

  boolean remove(K key, V expected) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    boolean written = false;
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (!slot.isPresent()) {
        expiredFound(slot);
        ctx.stats().recordMisses(1);
        return false;
      }
      if (!slot.value().equals(expected)) {
        accessed(slot, now);
        ctx.stats().recordHits(1);
        return false;
      }
      if (!written) {
        ctx.writer.delete(key);
        written = true;
      }
      if (entries.delete(slot)) {
        ctx.events.publishRemoved(key, slot.value());
        ctx.stats().recordHits(1);
        recordRemoval(start);
        return true;
      }
      conflict(attempt, key);
    }
  }

  V getAndRemove(K key) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    ctx.writer.delete(key);
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (!slot.isPresent()) {
        expiredFound(slot);
        recordGet(null, start);
        return null;
      }
      if (entries.delete(slot)) {
        ctx.events.publishRemoved(key, slot.value());
        recordGet(slot.value(), start);
        recordRemoval(start);
        return slot.value();
      }
      conflict(attempt, key);
    }
  }

  boolean replace(K key, V expected, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    boolean written = false;
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (!slot.isPresent()) {
        expiredFound(slot);
        ctx.stats().recordMisses(1);
        return false;
      }
      if (!slot.value().equals(expected)) {
        accessed(slot, now);
        ctx.stats().recordHits(1);
        return false;
      }
      if (!written) {
        ctx.writer.write(key, value);
        written = true;
      }
      if (update(slot, value, now)) {
        ctx.stats().recordHits(1);
        recordPut(start);
        return true;
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
    boolean written = false;
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (!slot.isPresent()) {
        expiredFound(slot);
        ctx.stats().recordMisses(1);
        return null;
      }
      if (!written) {
        ctx.writer.write(key, value);
        written = true;
      }
      if (update(slot, value, now)) {
        ctx.stats().recordHits(1);
        recordPut(start);
        return slot.value();
      }
      conflict(attempt, key);
    }
  }

  /**
   * Stores {@code value} whether or not the entry exists ({@code add}/{@code cas} loop), with the
   * creation or update expiry and the CREATED/UPDATED (and EXPIRED) events that fit.
   *
   * @return the slot that was replaced, or null when nothing was stored (zero creation expiry)
   */
  Slot<K, V> upsert(K key, V value, long now) {
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (slot.isPresent()) {
        if (update(slot, value, now)) {
          return slot;
        }
      } else {
        Slot<K, V> target = expiredFound(slot);
        long expiresAt = expiry.onCreation(now);
        if (ExpiryDecider.isExpired(expiresAt, now)) {
          return null;
        }
        if (entries.create(target, value, expiresAt, now)) {
          ctx.events.publishCreated(key, value);
          return slot;
        }
      }
      conflict(attempt, key);
    }
  }

  /**
   * Creates the entry unless a live one exists, calling the writer once before the first write.
   *
   * @return whether this call created it
   */
  boolean createIfAbsent(K key, V value, long now) {
    boolean written = false;
    for (int attempt = 0; ; attempt++) {
      Slot<K, V> slot = entries.read(key, now);
      if (slot.isPresent()) {
        return false;
      }
      Slot<K, V> target = expiredFound(slot);
      if (!written) {
        ctx.writer.write(key, value);
        written = true;
      }
      long expiresAt = expiry.onCreation(now);
      if (ExpiryDecider.isExpired(expiresAt, now)) {
        return false;
      }
      if (entries.create(target, value, expiresAt, now)) {
        ctx.events.publishCreated(key, value);
        return true;
      }
      conflict(attempt, key);
    }
  }

  /** CAS-updates a live entry with the update expiry and publishes UPDATED. */
  boolean update(Slot<K, V> slot, V value, long now) {
    long expiresAt = ExpiryDecider.orCurrent(expiry.onUpdate(now), slot.expiresAt());
    if (entries.update(slot, value, expiresAt, now)) {
      ctx.events.publishUpdated(slot.key, slot.value(), value);
      return true;
    }
    return false;
  }

  /** Applies the access expiry to an entry just read (a CAS rewrite when the policy asks). */
  void accessed(Slot<K, V> slot, long now) {
    long expiresAt = expiry.onAccess(now);
    if (expiresAt != ExpiryDecider.UNCHANGED && expiresAt != slot.expiresAt()) {
      entries.touch(slot, expiresAt, now);
    }
  }

  /**
   * An expired entry found by this JVM: deletes its item (delete-with-CAS, so a concurrent write
   * survives) and, when this JVM did delete it, publishes EXPIRED once.
   *
   * @return the slot to create the entry in: without item when it was deleted
   */
  Slot<K, V> expiredFound(Slot<K, V> slot) {
    if (!slot.isExpired() || slot.item.cas() == 0) {
      return slot;
    }
    if (entries.delete(slot)) {
      ctx.events.publishExpired(slot.key, slot.expiredValue());
      return new Slot<>(slot.key, slot.itemKey, slot.encodedKey, null, null, Slot.State.ABSENT,
          null);
    }
    return slot;
  }

  /** Read-through on a miss: loads, stores with the creation expiry, publishes CREATED. */
  V loadAndCreate(Slot<K, V> slot, long now) {
    V loaded = ctx.loader.readThrough().load(slot.key);
    if (loaded == null) {
      return null;
    }
    long expiresAt = expiry.onCreation(now);
    if (ExpiryDecider.isExpired(expiresAt, now)) {
      return loaded;
    }
    if (entries.create(slot, loaded, expiresAt, now)) {
      ctx.events.publishCreated(slot.key, loaded);
    }
    return loaded;
  }

  private void recordGet(V value, long start) {
    if (value == null) {
      ctx.stats().recordMisses(1);
    } else {
      ctx.stats().recordHits(1);
    }
    ctx.stats().recordGetTime(System.nanoTime() - start);
  }

  private void recordPut(long start) {
    ctx.stats().recordPuts(1);
    ctx.stats().recordPutTime(System.nanoTime() - start);
  }

  private void recordRemoval(long start) {
    ctx.stats().recordRemovals(1);
    ctx.stats().recordRemoveTime(System.nanoTime() - start);
  }

  static void conflict(int attempt, Object key) {
    if (attempt >= MAX_CAS_ATTEMPTS) {
      throw new CacheException("gave up after " + attempt + " CAS conflicts on key " + key
          + ": the entry changes faster than this call can apply its update");
    }
    if (attempt > 8) {
      Thread.onSpinWait();
    }
  }
}
