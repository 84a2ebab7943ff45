package dev.memjcache;

import dev.memjcache.expiry.ExpiryDecider;
import dev.memjcache.integration.LoaderSupport;
import dev.memjcache.integration.WriterSupport;
import dev.memjcache.store.StoreFailureException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code getAll} and {@code putAll} of the asynchronous view, with the semantics of {@link
 * BulkOperations}: every memcached command of a call is sent before any answer is awaited (one
 * pipelined round trip per server), and user code runs once per call on the manager's executor:
 * {@code loadAll} for the misses of a read-through {@code getAll}, {@code writeAll} before a
 * write-through {@code putAll}. A server that fails is handled by the failure mode as in the
 * synchronous bulk calls ({@link FailureHandler#partial}).
 *
 * @param <K> key type
 * @param <V> value type
 */
final class AsyncBulk<K, V> {

  private final CacheContext<K, V> ctx;
  private final AsyncEntryOperations<K, V> ops;

  AsyncBulk(AsyncEntryOperations<K, V> ops) {
    this.ctx = ops.ctx;
    this.ops = ops;
  }

  /**
   * {@link BulkOperations#getAll}: pipelined {@code gets} of every key (their CAS uniques serve the
   * access-expiry rewrites and expired cleanups without a second read), then one {@code loadAll} of
   * the misses and a pipelined {@code add} of what it loaded.
   */
  CompletableFuture<Map<K, V>> getAll(Set<? extends K> keys) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    AsyncEvents<K, V> events = ops.events();
    List<CompletableFuture<Slot<K, V>>> reads = new ArrayList<>(keys.size());
    AtomicReference<StoreFailureException> failure = new AtomicReference<>();
    for (K key : keys) {
      reads.add(ops.async.read(key, now).exceptionally(e -> failed(failure, e)));
    }
    CompletableFuture<Map<K, V>> all =
        allOf(reads)
            .thenCompose(
                ignored -> {
                  // fail mode fails here; degrade goes on with the servers that answered
                  ctx.failures.partial("getAll", failure.get());
                  Map<K, V> result = new HashMap<>((int) (keys.size() / 0.75f) + 1);
                  List<K> missing = new ArrayList<>();
                  List<CompletableFuture<?>> steps = new ArrayList<>();
                  for (CompletableFuture<Slot<K, V>> read : reads) {
                    Slot<K, V> slot = read.join();
                    if (slot == null) {
                      continue;
                    }
                    if (slot.isPresent()) {
                      result.put(slot.key, slot.value());
                      steps.add(ops.accessed(slot, now));
                    } else {
                      steps.add(ops.expiredFound(slot, events));
                      missing.add(slot.key);
                    }
                  }
                  ctx.stats().recordHits(result.size());
                  ctx.stats().recordMisses(missing.size());
                  CompletableFuture<Void> cleaned = allOf(steps);
                  if (missing.isEmpty() || !ctx.loader.readThrough().isPresent()) {
                    return cleaned.thenApply(done -> result);
                  }
                  return cleaned
                      .thenCompose(done -> loadAndAdd(missing, events))
                      .thenApply(
                          loaded -> {
                            result.putAll(loaded);
                            return result;
                          });
                })
            .thenApply(
                result -> {
                  ctx.stats().recordGetTime(System.nanoTime() - start);
                  return result;
                });
    return events.delivered(all);
  }

  /**
   * Read-through of getAll's misses: one {@code loadAll} on the executor (concurrent loads of the
   * same keys in this JVM share it, {@link LoaderSupport#onceAll}), then a pipelined {@code add} of
   * each loaded value with the creation expiry, CREATED for each that was added.
   */
  private CompletableFuture<Map<K, V>> loadAndAdd(List<K> missing, AsyncEvents<K, V> events) {
    LoaderSupport<K, V> loader = ctx.loader.readThrough();
    return ops.userCode(events, () -> loader.onceAll(missing, loader::loadAll))
        .thenCompose(
            loaded -> {
              long now = System.currentTimeMillis();
              long expiresAt = ctx.expiry.onCreation(now);
              if (ExpiryDecider.isExpired(expiresAt, now)) {
                return CompletableFuture.completedFuture(loaded);
              }
              List<CompletableFuture<?>> adds = new ArrayList<>(loaded.size());
              loaded.forEach(
                  (key, value) ->
                      adds.add(
                          ops.async
                              .add(key, value, expiresAt, now)
                              .thenAccept(
                                  added -> {
                                    if (added) {
                                      events.publishCreated(key, value);
                                    }
                                  })));
              return allOf(adds).thenApply(done -> loaded);
            });
  }

  /**
   * {@link BulkOperations#putAll}: one {@code writeAll} on the executor (when a writer is
   * configured), then the entries it wrote: pipelined blind {@code set}s when no listener or expiry
   * needs to know what existed, else pipelined reads and one add/cas loop per entry, in order.
   */
  CompletableFuture<Void> putAll(Map<? extends K, ? extends V> map) {
    long start = System.nanoTime();
    AsyncEvents<K, V> events = ops.events();
    CompletableFuture<WriterSupport.BatchResult<K>> written =
        ctx.writer.writer() == null
            ? CompletableFuture.completedFuture(ctx.writeAllThrough(map))
            : ops.onExecutor(() -> ctx.writeAllThrough(map));
    CompletableFuture<Void> done =
        written.thenCompose(
            batch -> {
              Map<? extends K, ? extends V> toStore = map;
              if (!batch.isAll()) {
                Map<K, V> applied = new LinkedHashMap<>();
                for (K key : batch.done()) {
                  applied.put(key, map.get(key));
                }
                toStore = applied;
              }
              return store(toStore, events)
                  .thenApply(
                      stored -> {
                        if (stored > 0) {
                          ctx.stats().recordPuts(stored);
                          ctx.stats().recordPutTime(System.nanoTime() - start);
                        }
                        batch.throwIfFailed();
                        return null;
                      });
            });
    return events.delivered(done);
  }

  /** {@link BulkOperations#store} with {@code replaceExisting}: how many entries were stored. */
  private CompletableFuture<Integer> store(
      Map<? extends K, ? extends V> entries, AsyncEvents<K, V> events) {
    long now = System.currentTimeMillis();
    AtomicReference<StoreFailureException> failure = new AtomicReference<>();
    if (ctx.isBlindPutAllowed()) {
      long expiresAt = ctx.expiry.onCreation(now);
      if (ExpiryDecider.isExpired(expiresAt, now)) {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        entries.keySet().forEach(key -> deletes.add(ops.async.deleteBlind(key)));
        return allOf(deletes).thenApply(done -> 0);
      }
      List<CompletableFuture<?>> sets = new ArrayList<>(entries.size());
      entries.forEach(
          (key, value) ->
              sets.add(
                  ops.async
                      .put(key, value, expiresAt, now)
                      .exceptionally(e -> failed(failure, e))));
      return allOf(sets)
          .thenApply(
              done -> {
                ctx.failures.partial("putAll", failure.get());
                return failure.get() == null ? entries.size() : 0;
              });
    }
    // all gets are sent before any answer is awaited; the add/cas loops follow key by key
    Map<K, CompletableFuture<Slot<K, V>>> reads = new LinkedHashMap<>();
    entries.keySet().forEach(key -> reads.put(key, ops.async.read(key, now)));
    AtomicInteger stored = new AtomicInteger();
    return AsyncLoop.inOrder(
            new ArrayList<>(entries.entrySet()),
            e ->
                reads
                    .get(e.getKey())
                    .handle((slot, readFailure) -> readFailure == null ? slot : null)
                    .thenCompose(
                        preRead -> ops.upsert(e.getKey(), e.getValue(), now, preRead, events))
                    .handle(
                        (slot, upsertFailure) -> {
                          if (upsertFailure != null) {
                            failed(failure, upsertFailure);
                          } else if (slot != null) {
                            stored.incrementAndGet();
                          }
                          return null;
                        }))
        .thenApply(
            done -> {
              ctx.failures.partial("putAll", failure.get());
              return stored.get();
            });
  }

  /**
   * Keeps the first memcached failure of a pipelined command and answers null (the key is left out,
   * the failure mode decides at the end); any other failure (a refused class) fails the call.
   */
  private static <T> T failed(AtomicReference<StoreFailureException> first, Throwable e) {
    Throwable cause = AsyncLoop.unwrap(e);
    if (cause instanceof StoreFailureException failure) {
      first.compareAndSet(null, failure);
      return null;
    }
    throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
  }

  private static CompletableFuture<Void> allOf(List<? extends CompletableFuture<?>> stages) {
    return CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new));
  }
}
