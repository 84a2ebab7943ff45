package dev.memjcache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;

/**
 * The asynchronous view of a MemJCache cache, reached with {@code cache.unwrap(AsyncCache.class)};
 * named after Caffeine's {@code AsyncCache} and Redisson's {@code CacheAsync}. Each method keeps
 * the semantics of the synchronous {@link Cache} method of the same name (JSR-107 chapter 4):
 * expiry policy, entry listeners (chapter 8), statistics (chapter 12), read-through and
 * write-through (chapter 9), the deserialization allowlist, the manager's {@code failureMode} and
 * node health.
 *
 * <p><b>Threads.</b> No method blocks the calling thread, and no thread waits for memcached: each
 * method is a chain of stages, every memcached command sent with spymemcached's asynchronous
 * commands and the next step run when its answer arrives, on spymemcached's "Memcached IO" thread
 * that read it. Only cheap steps run there: decoding, expiry decisions, statistics, the next
 * command of a compare-and-set loop (loops are iterative, bounded like the synchronous ones). User
 * code runs on the cache manager's executor (daemon threads named {@code memjcache-<URI>-<n>}), and
 * only when there is some: the {@code CacheWriter} when configured, the entry processor, the {@code
 * CacheLoader} on a read-through miss, the {@code mappingFunction}, and entry listeners registered
 * for the event (published there; synchronous ones complete before the stage does). Documented
 * exceptions that hold an executor thread while memcached answers: the read of a server's
 * generation when it is not known (at most one per server at a time, once per {@code
 * generationRefreshMillis}), and, with the load lease option, a load or an {@code invoke} on an
 * absent entry (taking the lease may wait for another JVM). By default (option {@code
 * asyncCompletion=thread}) the stage a method returns is never completed on the I/O thread: when
 * its last step ran there, it is completed on the manager's completion thread ({@code
 * memjcache-completions}), else where that step ran (the executor, or the calling thread when it
 * completed at once). Dependent stages a caller attaches without an executor run there: do not
 * block in them, or attach them with an {@code *Async} method and an executor of your own. With
 * {@code asyncCompletion=inline} the stage completes on the I/O thread itself, one thread hand-off
 * less per call, for applications whose dependent stages never block ({@link
 * dev.memjcache.config.AsyncCompletion}).
 *
 * <p><b>Backpressure.</b> A cache manager allows at most {@code maxAsyncOperations} (option,
 * default 4096) operations of its async views in flight at once; a call beyond that returns a stage
 * already completed exceptionally with a {@link javax.cache.CacheException} that names the limit,
 * and sends nothing.
 *
 * <p><b>Failures.</b> Stages complete exceptionally with the exceptions the synchronous method
 * throws: {@link NullPointerException} for a null key or value, {@link IllegalStateException} for a
 * closed cache, {@link javax.cache.CacheException} for memcached failures ({@code
 * failureMode=fail}; with {@code degrade} reads complete as misses and writes are dropped), {@link
 * javax.cache.integration.CacheLoaderException}, {@link
 * javax.cache.integration.CacheWriterException} and {@link
 * javax.cache.processor.EntryProcessorException} as in JSR-107. A key on a server marked down fails
 * (or misses) at once; a silent server fails within {@code operationTimeoutMillis}.
 *
 * <p>Instances are thread-safe and belong to one cache; they stop working when it is closed.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface AsyncCache<K, V> {

  /**
   * Returns the synchronous cache this view belongs to.
   *
   * @return the {@link Cache}; never null
   */
  Cache<K, V> synchronous();

  /**
   * {@link Cache#get}: memcached {@code get}; on a miss with read-through, the {@code CacheLoader}
   * (on the manager's executor, single flight per key).
   *
   * @param key the key, not null
   * @return a stage with the value, or null when absent (or degraded)
   */
  CompletionStage<V> get(K key);

  /**
   * Caffeine-style: the value, or on a miss {@code mappingFunction}'s value, computed once per key
   * per JVM (single flight; with the load lease option also once per cluster) and stored (memcached
   * add). A null result stores nothing and completes with null.
   *
   * <p>The function runs on the manager's executor; the value it yields is stored with memcached
   * {@code add} (expiry policy's {@code getExpiryForCreation}, a CREATED event, write-through when
   * configured, like {@link Cache#putIfAbsent}); when another writer stored a value first, the
   * stage completes with the computed value and the stored one stays. A failed function stage fails
   * the returned stage with its exception and stores nothing.
   *
   * @param key the key, not null
   * @param mappingFunction called with the key on a miss; not null, must not return null (it may
   *     return a stage completing with null)
   * @return a stage with the cached or computed value
   */
  CompletionStage<V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction);

  /**
   * {@link Cache#getAll}: pipelined {@code gets} of every key (sent before any answer is awaited,
   * one round trip per server); with read-through, one {@code loadAll} for the misses (on the
   * manager's executor), then pipelined {@code add}s of the loaded values.
   *
   * @param keys the keys, none null
   * @return a stage with the entries found (or loaded); absent keys are left out
   */
  CompletionStage<Map<K, V>> getAll(Set<? extends K> keys);

  /**
   * {@link Cache#containsKey}: memcached {@code get}; never loads, raises no event, no statistics.
   *
   * @param key the key, not null
   * @return a stage with true when an unexpired entry exists
   */
  CompletionStage<Boolean> containsKey(K key);

  /**
   * {@link Cache#put}: memcached {@code set} (or {@code gets} + {@code cas} when the old value is
   * needed for an UPDATED event with old value); write-through before memcached is changed.
   *
   * @param key the key, not null
   * @param value the value, not null
   * @return a stage completing when memcached has stored the item
   */
  CompletionStage<Void> put(K key, V value);

  /**
   * {@link Cache#putAll}: one {@code writeAll} (write-through, on the manager's executor), then
   * pipelined memcached {@code set}s (or, when listeners or the expiry policy need to know what
   * existed, pipelined {@code gets} and one {@code add}/{@code cas} loop per entry).
   *
   * @param entries the entries, no null key or value
   * @return a stage completing when every item is stored
   */
  CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries);

  /**
   * {@link Cache#putIfAbsent}: memcached {@code add} (or {@code gets} and {@code add}/{@code cas}
   * when a writer runs first or the expiry depends on what exists).
   *
   * @param key the key, not null
   * @param value the value, not null
   * @return a stage with true when the entry was absent and is now stored
   */
  CompletionStage<Boolean> putIfAbsent(K key, V value);

  /**
   * {@link Cache#remove(Object)}: memcached {@code gets} + delete-with-CAS; write-through {@code
   * delete} first.
   *
   * @param key the key, not null
   * @return a stage with true when an entry was removed
   */
  CompletionStage<Boolean> remove(K key);

  /**
   * {@link Cache#replace(Object, Object)}: memcached {@code gets} + {@code cas}, retried on
   * conflict.
   *
   * @param key the key, not null
   * @param value the value, not null
   * @return a stage with true when an entry existed and was replaced
   */
  CompletionStage<Boolean> replace(K key, V value);

  /**
   * {@link Cache#getAndPut}: memcached {@code gets} + {@code cas} (or {@code add} when absent),
   * retried on conflict.
   *
   * @param key the key, not null
   * @param value the value, not null
   * @return a stage with the previous value, or null
   */
  CompletionStage<V> getAndPut(K key, V value);

  /**
   * {@link Cache#getAndRemove}: memcached {@code gets} + delete-with-CAS, retried on conflict.
   *
   * @param key the key, not null
   * @return a stage with the removed value, or null
   */
  CompletionStage<V> getAndRemove(K key);

  /**
   * {@link Cache#invoke}: memcached {@code gets}, the entry processor (on the manager's executor),
   * then {@code add}, {@code cas} or delete-with-CAS, retried (the processor runs again) when
   * another writer changed the entry; invocations on one key within this JVM run one at a time.
   *
   * @param key the key, not null
   * @param processor the entry processor, not null
   * @param arguments passed to the processor
   * @param <T> the processor's result type
   * @return a stage with the processor's result; exceptionally {@link
   *     javax.cache.processor.EntryProcessorException} wrapping what the processor threw
   */
  <T> CompletionStage<T> invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments);
}
