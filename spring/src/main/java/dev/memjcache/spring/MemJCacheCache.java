package dev.memjcache.spring;

import dev.memjcache.AsyncCache;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessorException;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import org.springframework.lang.Nullable;

/**
 * Spring's {@link org.springframework.cache.Cache} over a MemJCache {@link Cache} and its {@link
 * AsyncCache} view: what Spring's {@code JCacheCache} does, plus the non-blocking {@link
 * #retrieve(Object)} and {@link #retrieve(Object, Supplier)} (Spring Framework 6.1) that
 * {@code @Cacheable} methods returning {@code CompletableFuture} or a Reactor {@code Mono}/{@code
 * Flux} need.
 *
 * <p><b>Null values</b> (as Spring's {@link AbstractValueAdaptingCache}): with {@code
 * allowNullValues} a null value is stored as Spring's {@link NullValue} (trusted by MemJCache's
 * deserialization allowlist by name) and read back as null; without it a null value is refused on
 * {@link #put} and not stored by the loading methods.
 *
 * <p><b>Threads.</b> {@code retrieve} never blocks the caller: it returns a future at once, and the
 * future completes on {@code executor} (or on the caller when memcached answered before the future
 * was built), never on spymemcached's I/O thread, because Spring continues the {@code @Cacheable}
 * method (on a miss: the method body) on the completing thread. {@link #get(Object, Callable)},
 * {@link #put}, {@link #evict} and {@link #clear} are synchronous, one memcached round trip (as the
 * JCache methods they call; Spring's {@code put} after a reactive method's value is therefore one
 * blocking round trip, as in Spring Data Redis's {@code RedisCache}).
 *
 * <p><b>Single flight.</b> {@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) runs
 * the loader inside {@link Cache#invoke}, and {@link #retrieve(Object, Supplier)} ({@code sync =
 * true} on a reactive method) inside {@link AsyncCache#get(Object, Function)}: both run the loader
 * once per key per JVM for concurrent callers, and once per cluster with the cache's {@code
 * loadLeaseMillis} option.
 *
 * <p><b>Failures.</b> The synchronous methods throw what the JCache methods throw ({@link
 * javax.cache.CacheException} under {@code failureMode=fail}); the futures complete exceptionally
 * with it, within {@code operationTimeoutMillis}. Under {@code failureMode=degrade} reads are
 * misses and writes are dropped. Spring's {@code CacheErrorHandler} sees both.
 */
public class MemJCacheCache extends AbstractValueAdaptingCache {

  private final Cache<Object, Object> cache;
  private final AsyncCache<Object, Object> async;
  private final Executor executor;

  /**
   * Wraps a MemJCache cache.
   *
   * @param cache a cache of MemJCache's provider ({@code
   *     dev.memjcache.spi.MemcachedCachingProvider})
   * @param allowNullValues whether null values are stored (as {@link NullValue})
   * @param executor where {@code retrieve}'s futures complete when memcached answers later; not
   *     null (Spring continues the caller's method there)
   * @throws IllegalArgumentException when {@code cache} does not unwrap to {@link AsyncCache}, i.e.
   *     is not a MemJCache cache
   * @throws NullPointerException for a null cache or executor
   */
  @SuppressWarnings("unchecked")
  public MemJCacheCache(Cache<Object, Object> cache, boolean allowNullValues, Executor executor) {
    super(allowNullValues);
    this.cache = Objects.requireNonNull(cache, "cache");
    this.executor = Objects.requireNonNull(executor, "executor");
    try {
      this.async = cache.unwrap(AsyncCache.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cache '"
              + cache.getName()
              + "' is not a MemJCache cache ("
              + cache.getClass().getName()
              + "); use Spring's JCacheCache for other JCache providers",
          e);
    }
  }

  /** The JCache cache's name. */
  @Override
  public String getName() {
    return cache.getName();
  }

  /** The underlying {@link Cache}; its {@link AsyncCache} is {@code unwrap(AsyncCache.class)}. */
  @Override
  public Cache<Object, Object> getNativeCache() {
    return cache;
  }

  /**
   * {@link Cache#get}: one memcached {@code get}; the stored value ({@link NullValue} included).
   */
  @Override
  @Nullable
  protected Object lookup(Object key) {
    return cache.get(key);
  }

  /**
   * {@code @Cacheable(sync = true)}: the cached value, or {@code valueLoader}'s, computed once per
   * key per JVM for concurrent callers ({@link Cache#invoke}, memcached {@code gets} then {@code
   * add}) and stored; a null result is stored as {@link NullValue} when null values are allowed,
   * else returned and not stored.
   *
   * @throws org.springframework.cache.Cache.ValueRetrievalException wrapping what the loader threw
   */
  @Override
  @Nullable
  @SuppressWarnings("unchecked")
  public <T> T get(Object key, Callable<T> valueLoader) {
    try {
      return (T)
          fromStoreValue(
              cache.invoke(
                  key,
                  (entry, arguments) -> {
                    if (entry.exists()) {
                      return entry.getValue();
                    }
                    Object stored = loadStoreValue(key, valueLoader);
                    if (stored != null) {
                      entry.setValue(stored);
                    }
                    return stored;
                  }));
    } catch (EntryProcessorException e) {
      if (e.getCause() instanceof ValueRetrievalException loaderFailure) {
        throw loaderFailure;
      }
      throw e;
    }
  }

  private Object loadStoreValue(Object key, Callable<?> valueLoader) {
    Object value;
    try {
      value = valueLoader.call();
    } catch (Exception e) {
      throw new ValueRetrievalException(key, valueLoader, e);
    }
    return value == null && !isAllowNullValues() ? null : toStoreValue(value);
  }

  /**
   * Reactive lookup (Spring Framework 6.1): memcached {@code get} through {@link AsyncCache#get},
   * without blocking the caller.
   *
   * @return a future completing with null on a miss, else with a {@link ValueWrapper} (null values
   *     allowed: it may hold null) or the plain value (not allowed); exceptionally with {@link
   *     javax.cache.CacheException} when memcached fails under {@code failureMode=fail}
   */
  @Override
  public CompletableFuture<?> retrieve(Object key) {
    Function<Object, Object> adapt =
        isAllowNullValues() ? this::toValueWrapper : this::fromStoreValue;
    return onExecutor(async.get(key), adapt);
  }

  /**
   * Reactive {@code sync = true} (Spring Framework 6.1): the cached value, or on a miss the value
   * of {@code valueLoader}'s future, loaded once per key per JVM ({@link AsyncCache#get(Object,
   * Function)}, single flight) and stored with memcached {@code add}; nothing blocks. A null result
   * is stored as {@link NullValue} when null values are allowed, else not stored.
   *
   * @return a future with the value; exceptionally with what the loader's future failed with, or
   *     {@link javax.cache.CacheException} when memcached fails under {@code failureMode=fail}
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    CompletionStage<Object> loaded =
        async.get(
            key,
            k ->
                valueLoader
                    .get()
                    .thenApply(
                        value ->
                            value == null && !isAllowNullValues() ? null : toStoreValue(value)));
    return (CompletableFuture<T>) onExecutor(loaded, this::fromStoreValue);
  }

  /**
   * Adapts a provider stage to a fresh future that completes on the caller (already answered) or on
   * {@link #executor}, never on the thread that completed the provider's stage.
   */
  private CompletableFuture<Object> onExecutor(
      CompletionStage<Object> stage, Function<Object, Object> adapt) {
    CompletableFuture<Object> future = stage.toCompletableFuture();
    return future.isDone() ? future.thenApply(adapt) : future.thenApplyAsync(adapt, executor);
  }

  /** {@link Cache#put}: memcached {@code set}; a null value is stored as {@link NullValue}. */
  @Override
  public void put(Object key, @Nullable Object value) {
    cache.put(key, toStoreValue(value));
  }

  /**
   * Atomic put-if-absent through {@link Cache#invoke} (memcached {@code gets}, then {@code add}).
   *
   * @return null when {@code value} was stored, else a wrapper of the value already cached
   */
  @Override
  @Nullable
  public ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    Object store = toStoreValue(value);
    Object existing =
        cache.invoke(
            key,
            (entry, arguments) -> {
              if (entry.exists()) {
                return entry.getValue();
              }
              entry.setValue(store);
              return null;
            });
    return toValueWrapper(existing);
  }

  /** {@link Cache#remove(Object)}: memcached {@code delete}. */
  @Override
  public void evict(Object key) {
    cache.remove(key);
  }

  /** {@link Cache#remove(Object)}; true when an entry was removed. */
  @Override
  public boolean evictIfPresent(Object key) {
    return cache.remove(key);
  }

  /**
   * {@link Cache#removeAll()}, as Spring's {@code JCacheCache}: removes entry by entry (listeners
   * and the writer see each removal); it enumerates the servers' keys, so it costs as much as the
   * items on the servers.
   */
  @Override
  public void clear() {
    cache.removeAll();
  }

  /**
   * {@link Cache#clear()}: one generation increment, after which no lookup sees an entry written
   * before; no listener, no writer.
   *
   * @return false: whether entries existed is not known without enumerating the servers
   */
  @Override
  public boolean invalidate() {
    cache.clear();
    return false;
  }
}
