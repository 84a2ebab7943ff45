package dev.memjcache;

import dev.memjcache.EntryOperations.Creation;
import dev.memjcache.event.EntryEventSink;
import dev.memjcache.expiry.ExpiryDecider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The single-entry operations of the asynchronous view as chains of stages: the same steps, in the
 * same order, with the same expiry, events, statistics and write-through as {@link
 * EntryOperations}, whose decisions they share: each write is an {@link EntryWrite} (command,
 * expiry, event), sent with {@link EntryWrite#send}, plus {@link EntryOperations#createsWithAdd}
 * and the statistics. Memcached commands are {@link AsyncEntries}' (completed by spymemcached, no
 * waiting thread); compare-and-set loops are {@link AsyncLoop}s. User code runs on the manager's
 * executor, and only when there is some: the {@code CacheWriter} when one is configured, listeners
 * when one is registered for the event ({@link AsyncEvents}). Every other step runs where the
 * memcached answer arrived.
 *
 * <p>Memcached failures fail the stages with {@link dev.memjcache.store.StoreFailureException}; the
 * facade hands them to the failure mode.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class AsyncEntryOperations<K, V> {

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  final CacheContext<K, V> ctx;
  final EntryOperations<K, V> single;
  final AsyncEntries<K, V> async;
  final Executor executor;
  private final AsyncEvents<K, V> noEvents;

  AsyncEntryOperations(
      CacheContext<K, V> ctx,
      EntryOperations<K, V> single,
      AsyncEntries<K, V> async,
      Executor executor) {
    this.ctx = ctx;
    this.single = single;
    this.async = async;
    this.executor = new UserCodeExecutor(executor);
    this.noEvents = AsyncEvents.none(ctx.events);
  }

  /** A new event batch for one operation; a shared empty one while no listener is registered. */
  AsyncEvents<K, V> events() {
    return AsyncEvents.of(ctx.events, executor, noEvents);
  }

  /** User code on the manager's executor. */
  <R> CompletableFuture<R> onExecutor(Supplier<R> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }

  /**
   * User code of an operation on the manager's executor, after the events the operation made so far
   * ({@link AsyncEvents#publishNow}).
   */
  <R> CompletableFuture<R> userCode(AsyncEvents<K, V> events, Supplier<R> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          events.publishNow();
          return work.get();
        },
        executor);
  }

  /**
   * A synchronous method on the executor (the documented fallbacks: the load lease): its events are
   * awaited there, on the thread that published them, or discarded when it fails.
   */
  <R> CompletableFuture<R> synchronousOnExecutor(Supplier<R> call) {
    return onExecutor(
        () -> {
          R result;
          try {
            result = call.get();
          } catch (RuntimeException | Error e) {
            ctx.events.discardSynchronous();
            throw e;
          }
          ctx.events.awaitSynchronous();
          return result;
        });
  }

  /** {@link CacheContext#writeThrough}: on the executor when a writer is configured. */
  CompletableFuture<Void> writeThrough(K key, V value, AsyncEvents<K, V> events) {
    if (ctx.writer.writer() == null) {
      return DONE;
    }
    return userCode(
        events,
        () -> {
          ctx.writeThrough(key, value);
          return null;
        });
  }

  /** {@code CacheWriter.delete}: on the executor when a writer is configured. */
  private CompletableFuture<Void> writerDelete(K key, AsyncEvents<K, V> events) {
    if (ctx.writer.writer() == null) {
      return DONE;
    }
    return userCode(
        events,
        () -> {
          ctx.writer.delete(key);
          return null;
        });
  }

  /** {@link EntryOperations#containsKey}: no event, no statistics, no load. */
  CompletableFuture<Boolean> containsKey(K key) {
    return async.read(key, System.currentTimeMillis()).thenApply(Slot::isPresent);
  }

  /** {@link EntryOperations#put}: the blind {@code set} without waiting, or the general path. */
  CompletableFuture<Void> put(K key, V value) {
    CompletableFuture<Void> blind = single.putWithoutWaiting(async, key, value);
    if (blind != null) {
      return blind;
    }
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    AsyncEvents<K, V> events = events();
    CompletableFuture<Boolean> stored =
        writeThrough(key, value, events)
            .thenCompose(
                written -> {
                  if (ctx.isBlindPutAllowed()) {
                    long expiresAt = ctx.expiry.onCreation(now);
                    if (ExpiryDecider.isExpired(expiresAt, now)) {
                      return async.deleteBlind(key).thenApply(deleted -> false);
                    }
                    return async.put(key, value, expiresAt, now).thenApply(done -> true);
                  }
                  return upsert(key, value, now, null, events).thenApply(slot -> slot != null);
                });
    return events.delivered(
        stored.thenApply(
            done -> {
              if (done) {
                single.recordPut(start);
              }
              return null;
            }));
  }

  /** {@link EntryOperations#getAndPut}. */
  CompletableFuture<V> getAndPut(K key, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    AsyncEvents<K, V> events = events();
    return events.delivered(
        writeThrough(key, value, events)
            .thenCompose(written -> upsert(key, value, now, null, events))
            .thenApply(
                replaced -> {
                  V old = replaced != null && replaced.isPresent() ? replaced.value() : null;
                  single.recordGet(old, start);
                  if (replaced != null) {
                    single.recordPut(start);
                  }
                  return old;
                }));
  }

  /** {@link EntryOperations#putIfAbsent}: {@code add} first when nothing else must run before. */
  CompletableFuture<Boolean> putIfAbsent(K key, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    AsyncEvents<K, V> events = events();
    CompletableFuture<Boolean> created;
    long expiresAt = single.createsWithAdd() ? ctx.expiry.onCreation(now) : 0;
    if (single.createsWithAdd() && !ExpiryDecider.isExpired(expiresAt, now)) {
      created =
          async
              .add(key, value, expiresAt, now)
              .thenCompose(
                  added -> {
                    if (added) {
                      events.publishCreated(key, value);
                      return CompletableFuture.completedFuture(true);
                    }
                    return createIfAbsent(key, value, now, true, events);
                  });
    } else {
      created = createIfAbsent(key, value, now, true, events);
    }
    return events.delivered(
        created.thenApply(
            done -> {
              single.recordPutIfAbsent(done, start);
              return done;
            }));
  }

  /** {@link EntryOperations#remove(Object)}: writer first, then the delete-with-CAS loop. */
  CompletableFuture<Boolean> remove(K key) {
    return removing(
        key,
        (removed, start) -> {
          if (removed == null) {
            return false;
          }
          single.recordRemoval(start);
          return true;
        });
  }

  /** {@link EntryOperations#getAndRemove}. */
  CompletableFuture<V> getAndRemove(K key) {
    return removing(
        key,
        (removed, start) -> {
          V old = removed == null ? null : removed.value();
          single.recordGet(old, start);
          if (old != null) {
            single.recordRemoval(start);
          }
          return old;
        });
  }

  /** What a removal answers and records, given the removed slot (or null) and its start time. */
  private interface Removal<K, V, R> {
    R of(Slot<K, V> removed, long start);
  }

  /** The writer's delete, then the delete-with-CAS loop; {@code outcome} makes the result. */
  private <R> CompletableFuture<R> removing(K key, Removal<K, V, R> outcome) {
    long start = System.nanoTime();
    AsyncEvents<K, V> events = events();
    return events.delivered(
        writerDelete(key, events)
            .thenCompose(deleted -> removeLive(key, System.currentTimeMillis(), null, events))
            .thenApply(removed -> outcome.of(removed, start)));
  }

  /**
   * {@link EntryOperations#replace(Object, Object)}: a miss when there is no live entry, else
   * write-through once and the {@code cas} loop.
   */
  CompletableFuture<Boolean> replace(K key, V value) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    AsyncEvents<K, V> events = events();
    boolean[] written = {false};
    CompletableFuture<Slot<K, V>> replaced =
        AsyncLoop.cas(
            key,
            attempt ->
                async
                    .read(key, now)
                    .thenCompose(
                        slot -> {
                          if (!slot.isPresent()) {
                            return expiredFound(slot, events)
                                .thenApply(
                                    target -> {
                                      ctx.stats().recordMisses(1);
                                      return (Object) null;
                                    });
                          }
                          if (attempt == 0) {
                            ctx.stats().recordHits(1);
                          }
                          CompletableFuture<Void> writer =
                              written[0] ? DONE : writeThrough(key, value, events);
                          written[0] = true;
                          return writer
                              .thenCompose(w -> update(slot, value, now, events))
                              .thenApply(stored -> stored ? slot : AsyncLoop.RETRY);
                        }));
    return events.delivered(
        replaced.thenApply(
            slot -> {
              if (slot == null) {
                return false;
              }
              single.recordPut(start);
              return true;
            }));
  }

  /**
   * {@link EntryOperations#upsert}: stores {@code value} whether or not the entry exists.
   *
   * @param preRead a read made earlier (putAll's pipelined reads), or null
   * @return a stage of the slot that was replaced, or null when nothing was stored
   */
  CompletableFuture<Slot<K, V>> upsert(
      K key, V value, long now, Slot<K, V> preRead, AsyncEvents<K, V> events) {
    return AsyncLoop.cas(
        key,
        attempt ->
            read(key, now, attempt == 0 ? preRead : null)
                .thenCompose(
                    slot -> {
                      if (slot.isPresent()) {
                        return update(slot, value, now, events)
                            .thenApply(stored -> stored ? slot : AsyncLoop.RETRY);
                      }
                      return expiredFound(slot, events)
                          .thenCompose(target -> create(target, value, now, events))
                          .thenApply(
                              outcome ->
                                  switch (outcome) {
                                    case STORED -> slot;
                                    case EXPIRES_AT_ONCE -> null;
                                    case CONFLICT -> AsyncLoop.RETRY;
                                  });
                    }));
  }

  /**
   * {@link EntryOperations#createIfAbsent}: creates the entry unless a live one exists; with {@code
   * writeThrough}, the writer runs once before the first write.
   */
  CompletableFuture<Boolean> createIfAbsent(
      K key, V value, long now, boolean writeThrough, AsyncEvents<K, V> events) {
    boolean[] written = {!writeThrough};
    return AsyncLoop.cas(
        key,
        attempt ->
            async
                .read(key, now)
                .thenCompose(
                    slot -> {
                      if (slot.isPresent()) {
                        return CompletableFuture.completedFuture(false);
                      }
                      return expiredFound(slot, events)
                          .thenCompose(
                              target -> {
                                CompletableFuture<Void> writer =
                                    written[0] ? DONE : writeThrough(key, value, events);
                                written[0] = true;
                                return writer.thenCompose(w -> create(target, value, now, events));
                              })
                          .thenApply(
                              outcome ->
                                  outcome == Creation.CONFLICT
                                      ? AsyncLoop.RETRY
                                      : outcome == Creation.STORED);
                    }));
  }

  /**
   * {@link EntryOperations#removeLive}: deletes the live entry (delete-with-CAS loop), REMOVED; an
   * unusable item is deleted without event.
   *
   * @return a stage of the removed slot, or null when there was no live entry
   */
  CompletableFuture<Slot<K, V>> removeLive(
      K key, long now, Slot<K, V> preRead, AsyncEvents<K, V> events) {
    return AsyncLoop.cas(
        key,
        attempt ->
            read(key, now, attempt == 0 ? preRead : null)
                .thenCompose(
                    slot -> {
                      if (!slot.isPresent()) {
                        return expiredFound(slot, events)
                            .thenCompose(target -> EntryWrite.discard(target).send(async))
                            .thenApply(done -> (Object) null);
                      }
                      return applied(EntryWrite.remove(slot), events)
                          .thenApply(deleted -> deleted ? slot : AsyncLoop.RETRY);
                    }));
  }

  /** {@code preRead} when given, else a {@code gets} of the key. */
  private CompletableFuture<Slot<K, V>> read(K key, long now, Slot<K, V> preRead) {
    return preRead != null ? CompletableFuture.completedFuture(preRead) : async.read(key, now);
  }

  /** {@link EntryOperations#create}: the creation expiry, {@code add} (or {@code cas}), CREATED. */
  CompletableFuture<Creation> create(
      Slot<K, V> target, V value, long now, AsyncEvents<K, V> events) {
    EntryWrite<K, V> write = EntryWrite.create(ctx.expiry, target, value, now);
    if (write.isNone()) {
      return CompletableFuture.completedFuture(Creation.EXPIRES_AT_ONCE);
    }
    return applied(write, events).thenApply(stored -> stored ? Creation.STORED : Creation.CONFLICT);
  }

  /** {@link EntryOperations#update}: the update expiry, {@code cas}, UPDATED. */
  CompletableFuture<Boolean> update(Slot<K, V> slot, V value, long now, AsyncEvents<K, V> events) {
    return applied(EntryWrite.update(ctx.expiry, slot, value, now), events);
  }

  /** {@link EntryOperations#accessed}: a {@code cas} rewrite when the access expiry asks. */
  CompletableFuture<Void> accessed(Slot<K, V> slot, long now) {
    EntryWrite<K, V> touch = EntryWrite.access(ctx.expiry, slot, now);
    return touch.isNone() ? DONE : touch.send(async).thenApply(touched -> null);
  }

  /**
   * {@link EntryOperations#expiredFound}: deletes an expired item (delete-with-CAS) and, when this
   * call deleted it, EXPIRED.
   *
   * @return a stage of the slot to create the entry in
   */
  CompletableFuture<Slot<K, V>> expiredFound(Slot<K, V> slot, AsyncEvents<K, V> events) {
    EntryWrite<K, V> cleanup = EntryWrite.expired(slot);
    if (cleanup == null) {
      return CompletableFuture.completedFuture(slot);
    }
    return applied(cleanup, events).thenApply(cleanup::afterExpiry);
  }

  /** Sends {@code write} and, when memcached stored it, publishes its event to {@code events}. */
  CompletableFuture<Boolean> applied(EntryWrite<K, V> write, EntryEventSink<K, V> events) {
    return write
        .send(async)
        .thenApply(
            stored -> {
              if (stored) {
                write.publish(events);
              }
              return stored;
            });
  }
}
