package dev.memjcache;

import dev.memjcache.expiry.ExpiryDecider;
import dev.memjcache.integration.WriterSupport;
import dev.memjcache.management.StatisticsRecorder;
import dev.memjcache.store.MetadumpKeyEnumerator;
import dev.memjcache.store.StoreFailureException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.cache.event.EventType;

/**
 * The multi-entry operations: {@code getAll} as one multi-get per server (then the access expiry's
 * pipelined {@code cas}; read-through: one {@code loadAll}, then pipelined {@code add}s), {@code
 * putAll} as pipelined {@code set}s or, when listeners or the expiry policy need the old entries,
 * pipelined {@code gets} then {@code add}/{@code cas} rounds ({@link PipelinedWrites}), {@code
 * removeAll(keys)} and {@code loadAll} as such rounds too, and the enumeration-based {@code
 * removeAll()} (DESIGN.md "Enumeration").
 *
 * @param <K> key type
 * @param <V> value type
 */
final class BulkOperations<K, V> {

  private final CacheContext<K, V> ctx;
  private final EntryOperations<K, V> single;
  private final MetadumpKeyEnumerator enumerator;
  private final PipelinedWrites<K, V> rounds;

  BulkOperations(
      CacheContext<K, V> ctx, EntryOperations<K, V> single, MetadumpKeyEnumerator enumerator) {
    this.ctx = ctx;
    this.single = single;
    this.enumerator = enumerator;
    this.rounds = new PipelinedWrites<>(ctx);
  }

  Map<K, V> getAll(Set<? extends K> keys) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    BulkEntries.ReadAll<K, V> read = ctx.entries.bulk().readAll(keys, now);
    // fail mode throws here; degrade goes on with the entries of the servers that answered
    ctx.failures.partial("getAll", read.failure());
    List<Slot<K, V>> slots = read.slots();
    Map<K, V> result = new HashMap<>((int) (keys.size() / 0.75f) + 1);
    List<K> missing = new ArrayList<>();
    Failures touchFailures = new Failures();
    List<EntryWrite<K, V>> touches = new ArrayList<>();
    List<CompletableFuture<Boolean>> touched = new ArrayList<>();
    for (Slot<K, V> slot : slots) {
      if (slot.isPresent()) {
        result.put(slot.key, slot.value());
        // the access expiry's cas writes, all sent before any answer is awaited
        EntryWrite<K, V> touch = EntryWrite.access(ctx.expiry, slot, now);
        if (!touch.isNone()) {
          try {
            touched.add(touch.send(ctx.pipelined));
            touches.add(touch);
          } catch (RuntimeException e) {
            touchFailures.failed(slot.key, e);
          }
        }
      } else {
        if (slot.isExpired()) {
          // multi-get returns no CAS unique: re-read so the cleanup cannot hit a newer value
          single.expiredFound(ctx.entries.read(slot.key, now));
        }
        missing.add(slot.key);
      }
    }
    for (int i = 0; i < touched.size(); i++) {
      try {
        touched.get(i).join(); // false: another writer changed the entry since, it stays so
      } catch (RuntimeException e) {
        touchFailures.failed(touches.get(i).slot.key, PipelinedWrites.cause(e));
      }
    }
    touchFailures.throwIfAny("getAll");
    ctx.stats().recordHits(result.size());
    ctx.stats().recordMisses(missing.size());
    if (!missing.isEmpty() && ctx.loader.readThrough().isPresent()) {
      // concurrent loads of the same keys in this JVM run loadAll once per key
      result.putAll(ctx.loader.readThrough().onceAll(missing, this::loadAndAdd));
    }
    ctx.stats().recordGetTime(System.nanoTime() - start);
    return result;
  }

  /**
   * Read-through of getAll's missing keys: one {@code loadAll}, then an {@code add} of each value,
   * all sent before any answer is awaited; CREATED for those stored (an entry another writer
   * created meanwhile wins). A failed {@code add} goes to the failure mode once every answer is in.
   */
  private Map<K, V> loadAndAdd(Set<K> keys) {
    Map<K, V> loaded = ctx.loader.readThrough().loadAll(keys);
    long now = System.currentTimeMillis();
    long expiresAt = ctx.expiry.onCreation(now);
    if (ExpiryDecider.isExpired(expiresAt, now)) {
      return loaded;
    }
    Failures failures = new Failures();
    List<K> sentKeys = new ArrayList<>(loaded.size());
    List<CompletableFuture<Boolean>> adds = new ArrayList<>(loaded.size());
    for (Map.Entry<K, V> e : loaded.entrySet()) {
      try {
        adds.add(ctx.pipelined.add(e.getKey(), e.getValue(), expiresAt, now));
        sentKeys.add(e.getKey());
      } catch (RuntimeException refused) {
        failures.failed(e.getKey(), refused);
      }
    }
    for (int i = 0; i < adds.size(); i++) {
      K key = sentKeys.get(i);
      try {
        if (adds.get(i).join()) {
          ctx.events.publishCreated(key, loaded.get(key));
        }
      } catch (RuntimeException e) {
        failures.failed(key, PipelinedWrites.cause(e));
      }
    }
    failures.throwIfAny("getAll");
    return loaded;
  }

  void putAll(Map<? extends K, ? extends V> map) {
    long start = System.nanoTime();
    WriterSupport.BatchResult<K> written = ctx.writeAllThrough(map);
    Map<? extends K, ? extends V> toStore = map;
    if (!written.isAll()) {
      Map<K, V> done = new LinkedHashMap<>();
      for (K key : written.done()) {
        done.put(key, map.get(key));
      }
      toStore = done;
    }
    int stored = store(toStore, true);
    if (stored > 0) {
      ctx.stats().recordPuts(stored);
      ctx.stats().recordPutTime(System.nanoTime() - start);
    }
    written.throwIfFailed();
  }

  /**
   * {@code Cache.loadAll} (JSR-107 9.1): loads the keys (only the absent ones unless {@code
   * replaceExisting}, found with one multi-get per server) through the configured loader and stores
   * them without write-through. Keys of a server that fails are not loaded (fail mode: the failure
   * is thrown).
   */
  void loadAll(Set<? extends K> keys, boolean replaceExisting) {
    Set<K> wanted = new LinkedHashSet<>();
    if (replaceExisting) {
      wanted.addAll(keys);
    } else {
      BulkEntries.ReadAll<K, V> read = ctx.entries.bulk().readAll(keys, System.currentTimeMillis());
      ctx.failures.partial("loadAll", read.failure());
      for (Slot<K, V> slot : read.slots()) {
        if (!slot.isPresent()) {
          wanted.add(slot.key);
        }
      }
    }
    ctx.stats().recordPuts(store(ctx.loader.loadAll(wanted), replaceExisting));
  }

  /**
   * Stores entries without write-through (loads and putAll after its writer).
   *
   * @param replaceExisting false to create missing entries only ({@code loadAll} without
   *     replacement)
   * @return how many entries were stored
   */
  int store(Map<? extends K, ? extends V> entries, boolean replaceExisting) {
    long now = System.currentTimeMillis();
    if (replaceExisting && ctx.isBlindPutAllowed()) {
      long expiresAt = ctx.expiry.onCreation(now);
      if (ExpiryDecider.isExpired(expiresAt, now)) {
        entries.keySet().forEach(ctx.entries::deleteBlind);
        return 0;
      }
      StoreFailureException failure = ctx.entries.bulk().putAll(entries, expiresAt, now);
      ctx.failures.partial("putAll", failure);
      return failure == null ? entries.size() : 0;
    }
    Stored step = new Stored(entries, replaceExisting);
    rounds.run(entries.keySet(), now, step);
    step.throwIfAny("putAll");
    return step.stored;
  }

  void removeAll(Set<? extends K> keys) {
    long start = System.nanoTime();
    WriterSupport.BatchResult<K> deleted = ctx.writer.deleteAll(keys);
    long now = System.currentTimeMillis();
    List<K> live = new ArrayList<>(keys.size());
    for (K key : keys) {
      if (deleted.isDone(key)) {
        live.add(key);
      }
    }
    Removed step = new Removed();
    rounds.run(live, now, step);
    step.throwIfAny("removeAll");
    if (step.removed > 0) {
      ctx.stats().recordRemovals(step.removed);
      ctx.stats().recordRemoveTime(System.nanoTime() - start);
    }
    deleted.throwIfFailed();
  }

  /**
   * {@code removeAll()}: enumerates the entries of each server's current generation, then removes
   * them as above. When nobody needs the keys or values (no writer, no REMOVED listener, statistics
   * off) the items are deleted by their memcached keys without reading or deserializing anything.
   */
  void removeAll() {
    boolean unobserved =
        ctx.writer.writer() == null
            && !ctx.events.hasListenerFor(EventType.REMOVED)
            && ctx.stats() == StatisticsRecorder.DISABLED;
    if (unobserved && (ctx.entries.keyIndex().isActive() || !enumerator.isAvailable())) {
      // nothing to tell anyone about each entry: a new generation removes them all, as clear()
      // (behind a proxy one generation item, cheaper than reading the key index)
      clear();
      return;
    }
    List<String> itemKeys =
        ctx.entries.enumerate(enumerator, failure -> ctx.failures.partial("removeAll", failure));
    if (unobserved) {
      ctx.failures.partial("removeAll", ctx.entries.deleteItems(itemKeys));
      return;
    }
    Set<K> keys = new LinkedHashSet<>();
    long now = System.currentTimeMillis();
    for (int from = 0; from < itemKeys.size(); from += EntryIterator.PAGE) {
      List<String> page =
          itemKeys.subList(from, Math.min(itemKeys.size(), from + EntryIterator.PAGE));
      for (Slot<K, V> slot :
          ctx.entries.readItems(page, now, failure -> ctx.failures.partial("removeAll", failure))) {
        keys.add(slot.key);
      }
    }
    removeAll(keys);
  }

  /** {@code clear()}: a new generation on every reachable server; no writer, no events. */
  void clear() {
    ctx.entries.advanceGeneration();
  }

  /**
   * The failures of a bulk call's keys: the first memcached failure goes to the failure mode, any
   * other exception (a refused class) is thrown, once every key was handled.
   */
  private class Failures {
    private StoreFailureException store;
    private RuntimeException other;

    public void failed(K key, RuntimeException failure) {
      if (failure instanceof StoreFailureException f) {
        store = store == null ? f : store;
      } else {
        other = other == null ? failure : other;
      }
    }

    void throwIfAny(String operation) {
      if (other != null) {
        throw other;
      }
      ctx.failures.partial(operation, store);
    }
  }

  /** {@code putAll} / {@code loadAll}: each entry created, or (replacing) updated; CAS loops. */
  private final class Stored extends Failures implements PipelinedWrites.Step<K, V> {
    private final Map<? extends K, ? extends V> entries;
    private final boolean replaceExisting;
    int stored;

    Stored(Map<? extends K, ? extends V> entries, boolean replaceExisting) {
      this.entries = entries;
      this.replaceExisting = replaceExisting;
    }

    @Override
    public EntryWrite<K, V> decide(Slot<K, V> slot, long now, int attempt) {
      V value = entries.get(slot.key);
      if (slot.isPresent()) {
        return replaceExisting ? EntryWrite.update(ctx.expiry, slot, value, now) : null;
      }
      EntryWrite<K, V> create = EntryWrite.create(ctx.expiry, slot, value, now);
      return create.isNone() ? null : create;
    }

    @Override
    public boolean answered(EntryWrite<K, V> write, boolean done) {
      if (!done) {
        return false;
      }
      write.publish(ctx.events);
      stored++;
      return true;
    }
  }

  /** {@code removeAll(keys)}: each live entry deleted with CAS, unusable items deleted. */
  private final class Removed extends Failures implements PipelinedWrites.Step<K, V> {
    int removed;

    @Override
    public EntryWrite<K, V> decide(Slot<K, V> slot, long now, int attempt) {
      if (slot.isPresent()) {
        return EntryWrite.remove(slot);
      }
      EntryWrite<K, V> discard = EntryWrite.discard(slot);
      return discard.isNone() ? null : discard;
    }

    @Override
    public boolean answered(EntryWrite<K, V> write, boolean deleted) {
      if (write.command != EntryWrite.Command.REMOVE) {
        return true; // an unusable item: deleted or gone, nothing to publish
      }
      if (!deleted) {
        return false;
      }
      write.publish(ctx.events);
      removed++;
      return true;
    }
  }
}
