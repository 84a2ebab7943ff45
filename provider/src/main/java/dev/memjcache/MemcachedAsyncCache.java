package dev.memjcache;

import dev.memjcache.store.AsyncCommands;
import dev.memjcache.store.StoreFailureException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;

/**
 * The {@link AsyncCache} of one {@link MemcachedCache} ({@code cache.unwrap(AsyncCache.class)}).
 *
 * <p>Two kinds of steps, and no rule of its own: every decision (expiry, events, statistics,
 * write-through, read-through, allowlist, failure mode, node health, dirty marking) is made by the
 * same collaborators the synchronous cache uses.
 *
 * <ul>
 *   <li>Without user code and without a second memcached command, {@code get}, {@code containsKey}
 *       and the blind {@code put} are sent with spymemcached's asynchronous commands ({@link
 *       AsyncCommands}) and completed from its listener threads: no thread waits.
 *   <li>Everything else (a read-through load, a writer, an entry processor, a listener that needs
 *       the old value, a compare-and-set loop) runs the synchronous method on the cache manager's
 *       executor, so user code always runs there, with exactly the synchronous semantics. Those
 *       steps occupy an executor thread while memcached answers; {@code maxAsyncOperations} bounds
 *       how many.
 * </ul>
 *
 * @param <K> key type
 * @param <V> value type
 */
final class MemcachedAsyncCache<K, V> implements AsyncCache<K, V> {

  private final MemcachedCache<K, V> cache;
  private final CacheContext<K, V> ctx;
  private final EntryOperations<K, V> single;
  private final AsyncEntries<K, V> async;
  private final Executor executor;
  private final AsyncLimit limit;

  /** The mapping functions running now, by key: single flight of {@link #get(Object, Function)}. */
  private final ConcurrentMap<K, CompletableFuture<V>> computing = new ConcurrentHashMap<>();

  MemcachedAsyncCache(
      MemcachedCache<K, V> cache,
      CacheContext<K, V> ctx,
      EntryOperations<K, V> single,
      Executor executor,
      AsyncLimit limit) {
    this.cache = cache;
    this.ctx = ctx;
    this.single = single;
    this.async =
        new AsyncEntries<>(ctx.entries, new AsyncCommands(ctx.entries.store()), executor, false);
    this.executor = executor;
    this.limit = limit;
  }

  @Override
  public Cache<K, V> synchronous() {
    return cache;
  }

  @Override
  public CompletionStage<V> get(K key) {
    return admit(
        () -> {
          requireKey(key);
          return read(key);
        });
  }

  @Override
  public CompletionStage<V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction) {
    return admit(
        () -> {
          requireKey(key);
          Objects.requireNonNull(mappingFunction, "mappingFunction");
          return read(key)
              .thenCompose(
                  found ->
                      found != null
                          ? CompletableFuture.completedFuture(found)
                          : computeOnce(key, mappingFunction));
        });
  }

  @Override
  public CompletionStage<Map<K, V>> getAll(Set<? extends K> keys) {
    return admit(() -> onExecutor(() -> cache.getAll(keys)));
  }

  @Override
  public CompletionStage<Boolean> containsKey(K key) {
    return admit(
        () -> {
          requireKey(key);
          return degrade(
              "containsKey",
              async.read(key, System.currentTimeMillis()).thenApply(Slot::isPresent),
              false);
        });
  }

  @Override
  public CompletionStage<Void> put(K key, V value) {
    return admit(
        () -> {
          requireKey(key);
          Objects.requireNonNull(value, "a JCache value cannot be null");
          CompletableFuture<Void> blind = single.putWithoutWaiting(async, key, value);
          if (blind == null) {
            return onExecutor(
                () -> {
                  cache.put(key, value);
                  return null;
                });
          }
          return degrade("put", blind, null);
        });
  }

  @Override
  public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
    return admit(
        () ->
            onExecutor(
                () -> {
                  cache.putAll(entries);
                  return null;
                }));
  }

  @Override
  public CompletionStage<Boolean> putIfAbsent(K key, V value) {
    return admit(() -> onExecutor(() -> cache.putIfAbsent(key, value)));
  }

  @Override
  public CompletionStage<Boolean> remove(K key) {
    return admit(() -> onExecutor(() -> cache.remove(key)));
  }

  @Override
  public CompletionStage<Boolean> replace(K key, V value) {
    return admit(() -> onExecutor(() -> cache.replace(key, value)));
  }

  @Override
  public CompletionStage<V> getAndPut(K key, V value) {
    return admit(() -> onExecutor(() -> cache.getAndPut(key, value)));
  }

  @Override
  public CompletionStage<V> getAndRemove(K key) {
    return admit(() -> onExecutor(() -> cache.getAndRemove(key)));
  }

  @Override
  public <T> CompletionStage<T> invoke(
      K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    return admit(() -> onExecutor(() -> cache.invoke(key, processor, arguments)));
  }

  /**
   * {@code get}: one asynchronous {@code gets}; a hit whose access expiry changes nothing, or a
   * plain miss without read-through, completes at once; anything else (access rewrite, expired
   * item, read-through) runs the synchronous get on the executor.
   */
  private CompletableFuture<V> read(K key) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    return degrade(
        "get",
        async
            .read(key, now)
            .thenCompose(
                slot ->
                    single.getEndsAt(slot, now)
                        ? CompletableFuture.completedFuture(single.endGet(slot, start))
                        : onExecutor(() -> cache.get(key))),
        null);
  }

  /**
   * Runs {@code mappingFunction} once per key in this JVM (concurrent callers share its stage) on
   * the executor, then stores a non-null value with {@code putIfAbsent} (add, CREATED,
   * write-through as configured).
   */
  @SuppressWarnings("unchecked")
  private CompletableFuture<V> computeOnce(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = computing.putIfAbsent(key, mine);
    if (running != null) {
      return running;
    }
    CompletableFuture<V> computed =
        ctx.lease.isEnabled()
            ? degrade("get", onExecutor(() -> computeLeased(key, mappingFunction)), null)
            : CompletableFuture.supplyAsync(() -> mappingFunction.apply(key), executor)
                .thenCompose(MemcachedAsyncCache::stageOf)
                .thenCompose(
                    value ->
                        value == null
                            ? CompletableFuture.<V>completedFuture(null)
                            : onExecutor(
                                () -> {
                                  cache.putIfAbsent(key, (V) value);
                                  return (V) value;
                                }));
    computed.whenComplete(
        (value, failure) -> {
          computing.remove(key, mine);
          if (failure != null) {
            mine.completeExceptionally(unwrap(failure));
          } else {
            mine.complete(value);
          }
        });
    return mine;
  }

  private static <T> CompletableFuture<T> stageOf(CompletionStage<T> stage) {
    return Objects.requireNonNull(stage, "mappingFunction returned null instead of a stage")
        .toCompletableFuture();
  }

  /**
   * With the load lease ({@code cache.<name>.loadLeaseMillis}), on an executor thread: one JVM of
   * the cluster takes the lease item ({@code add}) and runs the mapping function, waiting for its
   * stage there; the others poll for the entry (README "Single-flight loading").
   */
  private V computeLeased(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction) {
    Slot<K, V> first = ctx.entries.read(key, System.currentTimeMillis());
    if (first.isPresent()) {
      return first.value();
    }
    return ctx.lease.guard(
        ctx.entries.leaseKey(first),
        () -> single.containsKey(key),
        () -> {
          Slot<K, V> again = ctx.entries.read(key, System.currentTimeMillis());
          if (again.isPresent()) {
            return again.value();
          }
          V value = stageOf(mappingFunction.apply(key)).join();
          if (value != null) {
            cache.putIfAbsent(key, value);
          }
          return value;
        });
  }

  /** The synchronous method on the manager's executor: user code and CAS loops run there. */
  private <R> CompletableFuture<R> onExecutor(Supplier<R> synchronousCall) {
    return CompletableFuture.supplyAsync(synchronousCall, executor);
  }

  /**
   * A memcached failure of a step this class sent itself goes through the cache's failure mode, as
   * the synchronous facade does: thrown in {@code fail}, {@code fallback} in {@code degrade}.
   */
  private <R> CompletableFuture<R> degrade(
      String operation, CompletableFuture<R> stage, R fallback) {
    return stage.exceptionallyCompose(
        e -> {
          Throwable cause = unwrap(e);
          if (cause instanceof StoreFailureException failure) {
            try {
              return CompletableFuture.completedFuture(
                  ctx.failures.handle(operation, failure, fallback));
            } catch (RuntimeException thrown) {
              return CompletableFuture.failedFuture(thrown);
            }
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  /**
   * Checks the cache is open, takes a permit of {@code maxAsyncOperations} and returns the stage
   * {@code body} starts; the permit comes back before the returned stage completes. Anything {@code
   * body} throws (null arguments, a refused class, an item too large) fails the stage.
   */
  private <R> CompletableFuture<R> admit(Supplier<CompletableFuture<R>> body) {
    if (cache.isClosed()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("cache " + cache.getName() + " is closed"));
    }
    try {
      limit.acquire();
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    CompletableFuture<R> stage;
    try {
      stage = body.get();
    } catch (RuntimeException | Error e) {
      limit.release();
      return CompletableFuture.failedFuture(e);
    }
    return stage.whenComplete((result, failure) -> limit.release());
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static void requireKey(Object key) {
    Objects.requireNonNull(key, "a JCache key cannot be null");
  }
}
