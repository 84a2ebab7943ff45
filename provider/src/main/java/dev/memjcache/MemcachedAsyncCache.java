package dev.memjcache;

import dev.memjcache.store.AsyncCommands;
import dev.memjcache.store.MemcachedStore;
import dev.memjcache.store.StageCompletions;
import dev.memjcache.store.StoreFailureException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;

/**
 * The {@link AsyncCache} of one {@link MemcachedCache} ({@code cache.unwrap(AsyncCache.class)}): a
 * thin facade that checks arguments and state, takes a permit of {@code maxAsyncOperations} and
 * hands memcached failures to the cache's failure mode, as the synchronous facade does.
 *
 * <p>The operations are chains of stages with no rule of their own: {@link AsyncEntryOperations}
 * (single-entry reads and writes, compare-and-set loops as {@link AsyncLoop}s), {@link
 * AsyncLoading} (get with access expiry and read-through, the mapping function), {@link
 * AsyncInvoke} (entry processors, one call per key at a time) and {@link AsyncBulk} (getAll,
 * putAll), every decision (expiry, events, statistics, write-through, allowlist, dirty marking)
 * made by the collaborators and methods the synchronous cache uses.
 *
 * <ul>
 *   <li>Memcached commands are spymemcached's asynchronous ones ({@link AsyncCommands}), completed
 *       on its I/O thread; no thread waits for an answer, and steps without user code (decoding,
 *       expiry decisions, the next command of a CAS loop) run there. The stage handed back to the
 *       caller is completed through the manager's {@link StageCompletions} when its last step ran
 *       on the I/O thread: on the completion thread, so no application code runs there, unless the
 *       application asked for {@code asyncCompletion=inline}. {@code invoke} decodes its read on
 *       the executor that runs the processor and, with {@code thread}, also finishes there (its
 *       stage completes on the executor).
 *   <li>User code runs on the cache manager's executor, and only when there is some: the {@code
 *       CacheWriter} (when configured), the entry processor (always), the {@code CacheLoader} (on a
 *       read-through miss), the mapping function, and entry listeners (when one is registered for
 *       the event: published there, synchronous ones awaited there). It is queued through a {@link
 *       UserCodeExecutor}, whose threads take task after task without a wake-up under load.
 *   <li>Exceptions, documented: the read of a server's generation when it is not known (at most
 *       once per {@code generationRefreshMillis} per server) and, with the load lease ({@code
 *       cache.<name>.loadLeaseMillis}), a load or an invoke on an absent entry run the synchronous
 *       code on the executor, occupying one of its threads while memcached answers.
 * </ul>
 *
 * @param <K> key type
 * @param <V> value type
 */
final class MemcachedAsyncCache<K, V> implements AsyncCache<K, V> {

  private final MemcachedCache<K, V> cache;
  private final CacheContext<K, V> ctx;
  private final AsyncEntryOperations<K, V> ops;
  private final AsyncLoading<K, V> loading;
  private final AsyncInvoke<K, V> invoke;
  private final AsyncBulk<K, V> bulk;
  private final AsyncLimit limit;
  private final StageCompletions completions;

  MemcachedAsyncCache(
      MemcachedCache<K, V> cache,
      CacheContext<K, V> ctx,
      EntryOperations<K, V> single,
      InvokeOperations<K, V> synchronousInvoke,
      Executor executor,
      AsyncLimit limit,
      StageCompletions completions) {
    this.cache = cache;
    this.ctx = ctx;
    AsyncEntries<K, V> async =
        new AsyncEntries<>(
            ctx.entries,
            new AsyncCommands(ctx.entries.store(), ctx.entries::markDirty),
            executor,
            false);
    this.ops = new AsyncEntryOperations<>(ctx, single, async, executor);
    this.loading = new AsyncLoading<>(ops);
    this.invoke =
        new AsyncInvoke<>(ops, synchronousInvoke, completions != StageCompletions.Inline.INSTANCE);
    this.bulk = new AsyncBulk<>(ops);
    this.limit = limit;
    this.completions = completions;
  }

  @Override
  public Cache<K, V> synchronous() {
    return cache;
  }

  @Override
  public CompletionStage<V> get(K key) {
    return admit("get", null, () -> loading.get(requireKey(key)));
  }

  @Override
  public CompletionStage<V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction) {
    return admit(
        "get",
        null,
        () -> {
          requireKey(key);
          Objects.requireNonNull(mappingFunction, "mappingFunction");
          return loading.get(key, mappingFunction);
        });
  }

  @Override
  public CompletionStage<Map<K, V>> getAll(Set<? extends K> keys) {
    return admit("getAll", Map.of(), () -> bulk.getAll(requireKeys(keys)));
  }

  @Override
  public CompletionStage<Boolean> containsKey(K key) {
    return admit("containsKey", false, () -> ops.containsKey(requireKey(key)));
  }

  @Override
  public CompletionStage<Void> put(K key, V value) {
    return admit("put", null, () -> ops.put(requireKey(key), requireValue(value)));
  }

  @Override
  public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
    return admit(
        "putAll",
        null,
        () -> {
          Objects.requireNonNull(entries, "map");
          entries.forEach(
              (key, value) -> {
                requireKey(key);
                requireValue(value);
              });
          return bulk.putAll(entries);
        });
  }

  @Override
  public CompletionStage<Boolean> putIfAbsent(K key, V value) {
    return admit("putIfAbsent", false, () -> ops.putIfAbsent(requireKey(key), requireValue(value)));
  }

  @Override
  public CompletionStage<Boolean> remove(K key) {
    return admit("remove", false, () -> ops.remove(requireKey(key)));
  }

  @Override
  public CompletionStage<Boolean> replace(K key, V value) {
    return admit("replace", false, () -> ops.replace(requireKey(key), requireValue(value)));
  }

  @Override
  public CompletionStage<V> getAndPut(K key, V value) {
    return admit("getAndPut", null, () -> ops.getAndPut(requireKey(key), requireValue(value)));
  }

  @Override
  public CompletionStage<V> getAndRemove(K key) {
    return admit("getAndRemove", null, () -> ops.getAndRemove(requireKey(key)));
  }

  @Override
  public <T> CompletionStage<T> invoke(
      K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    return admit(
        "invoke",
        null,
        () -> {
          requireKey(key);
          Objects.requireNonNull(processor, "entryProcessor");
          return invoke.invoke(key, processor, arguments);
        });
  }

  /**
   * Checks the cache is open, takes a permit of {@code maxAsyncOperations} and returns the stage
   * {@code body} starts, through the failure mode ({@link #settle}); the permit comes back before
   * the returned stage completes. Anything {@code body} throws (null arguments, a refused class, an
   * item too large) fails the stage.
   */
  private <R> CompletableFuture<R> admit(
      String operation, R fallback, Supplier<CompletableFuture<R>> body) {
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
      stage = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<R> handed = new CompletableFuture<>();
    stage.whenComplete(
        (result, failure) -> {
          limit.release();
          if (MemcachedStore.onInternalThread()) {
            // the application's stages run off spymemcached's I/O thread unless asked (inline)
            completions.execute(() -> settle(handed, operation, fallback, result, failure));
          } else {
            settle(handed, operation, fallback, result, failure);
          }
        });
    return handed;
  }

  /**
   * Completes the stage handed to the caller with the operation's outcome. A memcached failure goes
   * through the cache's failure mode, as the synchronous facade does: thrown in {@code fail},
   * {@code fallback} in {@code degrade}.
   */
  private <R> void settle(
      CompletableFuture<R> stage, String operation, R fallback, R result, Throwable failure) {
    if (failure == null) {
      stage.complete(result);
      return;
    }
    Throwable cause = AsyncLoop.unwrap(failure);
    if (cause instanceof StoreFailureException storeFailure) {
      try {
        stage.complete(ctx.failures.handle(operation, storeFailure, fallback));
      } catch (RuntimeException thrown) {
        stage.completeExceptionally(thrown);
      }
    } else {
      stage.completeExceptionally(cause);
    }
  }

  private static <T> T requireKey(T key) {
    return Objects.requireNonNull(key, "a JCache key cannot be null");
  }

  private static <T> T requireValue(T value) {
    return Objects.requireNonNull(value, "a JCache value cannot be null");
  }

  private static <S extends Set<?>> S requireKeys(S keys) {
    Objects.requireNonNull(keys, "keys");
    keys.forEach(MemcachedAsyncCache::requireKey);
    return keys;
  }
}
