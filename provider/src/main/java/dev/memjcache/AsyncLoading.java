package dev.memjcache;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The reads of the asynchronous view that may load: {@code get} (access expiry, EXPIRED cleanup,
 * read-through) and Caffeine's {@code get(key, mappingFunction)}. Without anything to do beyond the
 * read, a get completes where memcached's answer arrived. The {@code CacheLoader} and the mapping
 * function run on the manager's executor, once per key in this JVM at a time (concurrent callers
 * share the stage), and their value is stored with memcached {@code add} (CREATED).
 *
 * <p>With the load lease ({@code cache.<name>.loadLeaseMillis}) a load runs the synchronous path on
 * the executor (taking the lease, polling while another JVM holds it), occupying one of its threads
 * meanwhile: the documented exception to "no thread waits".
 *
 * @param <K> key type
 * @param <V> value type
 */
final class AsyncLoading<K, V> {

  private final CacheContext<K, V> ctx;
  private final AsyncEntryOperations<K, V> ops;

  /** The read-through loads running now, by key. */
  private final ConcurrentMap<K, CompletableFuture<V>> loading = new ConcurrentHashMap<>();

  /** The mapping functions running now, by key. */
  private final ConcurrentMap<K, CompletableFuture<V>> computing = new ConcurrentHashMap<>();

  AsyncLoading(AsyncEntryOperations<K, V> ops) {
    this.ctx = ops.ctx;
    this.ops = ops;
  }

  /** {@link EntryOperations#get}: a hit (with its access expiry), or a miss and read-through. */
  CompletableFuture<V> get(K key) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    AsyncEvents<K, V> events = ops.events();
    CompletableFuture<V> read =
        ops.async
            .read(key, now)
            .thenCompose(
                slot -> {
                  if (slot.isPresent()) {
                    V value = slot.value();
                    CompletableFuture<Void> accessed = ops.accessed(slot, now);
                    if (accessed.isDone() && !accessed.isCompletedExceptionally()) {
                      // no rewrite: the common hit completes without another stage
                      ctx.stats().recordHits(1);
                      ctx.stats().recordGetTime(System.nanoTime() - start);
                      return CompletableFuture.completedFuture(value);
                    }
                    return accessed.thenApply(
                        touched -> {
                          ctx.stats().recordHits(1);
                          ctx.stats().recordGetTime(System.nanoTime() - start);
                          return value;
                        });
                  }
                  ctx.stats().recordMisses(1);
                  return ops.expiredFound(slot, events)
                      .thenCompose(target -> loadAndCreate(target, events))
                      .thenApply(
                          value -> {
                            ctx.stats().recordGetTime(System.nanoTime() - start);
                            return value;
                          });
                });
    return events.delivered(read);
  }

  /**
   * {@link EntryOperations#loadAndCreate}: read-through on a miss, once per key in this JVM; the
   * call that loads reads the entry again, runs the loader on the executor and creates the entry.
   */
  private CompletableFuture<V> loadAndCreate(Slot<K, V> slot, AsyncEvents<K, V> events) {
    if (!ctx.loader.readThrough().isPresent()) {
      return CompletableFuture.completedFuture(null);
    }
    K key = slot.key;
    if (ctx.lease.isEnabled()) {
      return ops.synchronousOnExecutor(() -> ops.single.loadAndCreate(slot));
    }
    return once(loading, key, () -> readOrLoad(key, events));
  }

  /** Inside the single flight: the entry when another caller stored it meanwhile, else a load. */
  private CompletableFuture<V> readOrLoad(K key, AsyncEvents<K, V> events) {
    long now = System.currentTimeMillis();
    return ops.async
        .read(key, now)
        .thenCompose(
            slot -> {
              if (slot.isPresent()) {
                return CompletableFuture.completedFuture(slot.value());
              }
              return ops.userCode(events, () -> ctx.loader.readThrough().load(key))
                  .thenCompose(
                      loaded -> {
                        if (loaded == null) {
                          return CompletableFuture.completedFuture(null);
                        }
                        // a concurrent writer's value wins over the loaded one: nothing to retry
                        return ops.expiredFound(slot, events)
                            .thenCompose(target -> ops.create(target, loaded, now, events))
                            .thenApply(outcome -> loaded);
                      });
            });
  }

  /**
   * Caffeine-style get: the value, or on a miss {@code mappingFunction}'s, computed once per key in
   * this JVM and stored like {@code putIfAbsent}.
   */
  CompletableFuture<V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction) {
    return get(key)
        .thenCompose(
            found ->
                found != null
                    ? CompletableFuture.completedFuture(found)
                    : once(computing, key, () -> compute(key, mappingFunction)));
  }

  /** The mapping function on the executor, then {@code putIfAbsent} of a non-null value. */
  private CompletableFuture<V> compute(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction) {
    if (ctx.lease.isEnabled()) {
      return ops.synchronousOnExecutor(() -> computeLeased(key, mappingFunction));
    }
    return ops.onExecutor(() -> mappingFunction.apply(key))
        .thenCompose(AsyncLoading::stageOf)
        .thenCompose(
            value ->
                value == null
                    ? CompletableFuture.<V>completedFuture(null)
                    : ops.putIfAbsent(key, value).thenApply(created -> value));
  }

  /**
   * With the load lease, on an executor thread: one JVM of the cluster takes the lease item ({@code
   * add}) and runs the mapping function, waiting for its stage there; the others poll for the entry
   * (docs/semantics.md, "Single-flight loading").
   */
  private V computeLeased(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction) {
    Slot<K, V> first = ctx.entries.read(key, System.currentTimeMillis());
    if (first.isPresent()) {
      return first.value();
    }
    return ctx.lease.guard(
        ctx.entries.leaseKey(first),
        () -> ops.single.containsKey(key),
        () -> {
          Slot<K, V> again = ctx.entries.read(key, System.currentTimeMillis());
          if (again.isPresent()) {
            return again.value();
          }
          V value = stageOf(mappingFunction.apply(key)).join();
          if (value != null) {
            ops.single.putIfAbsent(key, value);
          }
          return value;
        });
  }

  @SuppressWarnings("unchecked")
  private static <V> CompletableFuture<V> stageOf(CompletionStage<? extends V> stage) {
    return (CompletableFuture<V>)
        Objects.requireNonNull(stage, "mappingFunction returned null instead of a stage")
            .toCompletableFuture();
  }

  /**
   * Runs {@code work} unless a call for {@code key} runs already in {@code running}; concurrent
   * callers share its stage, and the key is free again when it completes.
   */
  private static <K, V> CompletableFuture<V> once(
      ConcurrentMap<K, CompletableFuture<V>> running, K key, Supplier<CompletableFuture<V>> work) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> other = running.putIfAbsent(key, mine);
    if (other != null) {
      return other;
    }
    CompletableFuture<V> started;
    try {
      started = work.get();
    } catch (RuntimeException | Error e) {
      started = CompletableFuture.failedFuture(e);
    }
    started.whenComplete(release(running, key, mine));
    return mine;
  }

  private static <K, V> BiConsumer<V, Throwable> release(
      ConcurrentMap<K, CompletableFuture<V>> running, K key, CompletableFuture<V> mine) {
    return (value, failure) -> {
      running.remove(key, mine);
      if (failure != null) {
        mine.completeExceptionally(AsyncLoop.unwrap(failure));
      } else {
        mine.complete(value);
      }
    };
  }
}
