package dev.memjcache;

import static dev.memjcache.CacheCalls.requireEntries;
import static dev.memjcache.CacheCalls.requireKey;
import static dev.memjcache.CacheCalls.requireKeys;
import static dev.memjcache.CacheCalls.requireValue;

import dev.memjcache.event.EventDispatcher;
import dev.memjcache.expiry.ExpiryDecider;
import dev.memjcache.integration.LoadLease;
import dev.memjcache.integration.LoaderSupport;
import dev.memjcache.integration.WriterSupport;
import dev.memjcache.management.CacheConfigurationMXBean;
import dev.memjcache.management.MBeanRegistrar;
import dev.memjcache.management.MBeanType;
import dev.memjcache.store.MetadumpKeyEnumerator;
import dev.memjcache.support.Resources;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import net.spy.memcached.MemcachedClient;

/**
 * A {@link Cache} whose entries live in memcached: a thin facade that checks arguments and state,
 * delegates to the single-entry, bulk and invoke operations, awaits synchronous listeners, and
 * hands memcached failures to the cache's failure policy.
 *
 * <p>Entries are shared by every JVM whose CacheManager points at the same servers with the same
 * key prefix and cache name. Listeners, statistics and the cache's configuration are local to this
 * JVM: a mutation made in another JVM raises no event here (JSR-107 allows listeners to be local).
 * Values are always stored by value (serialized with Kryo into a memcached item).
 *
 * <p>Obtain instances from {@link MemcachedCacheManager#createCache}; thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class MemcachedCache<K, V> implements Cache<K, V> {

  private final String name;
  private final MemcachedCacheManager manager;
  private final MutableConfiguration<K, V> configuration;
  private final CacheContext<K, V> ctx;
  private final EntryOperations<K, V> single;
  private final BulkOperations<K, V> bulk;
  private final InvokeOperations<K, V> invoke;
  private final FailureHandler failures;
  private final CacheCalls calls;
  private final NodeCounters counters;
  private final MetadumpKeyEnumerator enumerator;
  private final Executor executor;
  private final Closeable onClose;
  private final AsyncCache<K, V> async;
  private volatile boolean closed;

  MemcachedCache(
      String name,
      MemcachedCacheManager manager,
      MutableConfiguration<K, V> configuration,
      Entries<K, V> entries,
      ExpiryDecider expiry,
      LoaderSupport<K, V> loader,
      WriterSupport<K, V> writer,
      LoadLease lease,
      FailureHandler failures,
      TimestampMisses timestampMisses,
      NodeCounters counters,
      MetadumpKeyEnumerator enumerator,
      Executor executor,
      List<Closeable> resources) {
    this.name = name;
    this.manager = manager;
    this.configuration = configuration;
    EventDispatcher<K, V> events = new EventDispatcher<>(this, executor);
    this.ctx =
        new CacheContext<>(
            entries, expiry, events, loader, writer, lease, failures, timestampMisses);
    this.failures = failures;
    this.calls = new CacheCalls(events, failures);
    this.counters = counters;
    this.enumerator = enumerator;
    this.executor = executor;
    List<Closeable> all = new ArrayList<>(resources);
    all.add(events::close);
    this.onClose = Resources.closingAll(all);
    this.single = new EntryOperations<>(ctx);
    this.bulk = new BulkOperations<>(ctx, single, enumerator);
    this.invoke = new InvokeOperations<>(ctx, single, counters.singleFlightWaits);
    this.async =
        new MemcachedAsyncCache<>(
            this, ctx, single, invoke, executor, manager.asyncLimit(), manager.completions());
    for (CacheEntryListenerConfiguration<K, V> listener :
        configuration.getCacheEntryListenerConfigurations()) {
      events.register(listener);
    }
  }

  /** Applies the configuration's statistics and management flags (after registration). */
  void start() {
    if (configuration.isStatisticsEnabled()) {
      setStatisticsEnabled(true);
    }
    if (configuration.isManagementEnabled()) {
      setManagementEnabled(true);
    }
  }

  /** Releases local resources of a cache that was never started. */
  void closeQuietly() {
    closed = true;
    try {
      onClose.close();
    } catch (IOException | RuntimeException ignored) {
      // the cache was never handed out; nothing to report
    }
  }

  /**
   * JSR-107 {@link Cache#get}: memcached {@code gets}; read-through on a miss. In Hibernate's
   * update-timestamps region a miss (and, with {@code failureMode=degrade}, a failed read) answers
   * the current time instead of null ({@link #timestampMissCount}).
   */
  @Override
  public V get(K key) {
    ensureOpen();
    requireKey(key);
    // degraded, a read of Hibernate's timestamps that failed is answered as a missing one
    return runDegrading("get", () -> single.get(key), () -> timestampAnswer(key));
  }

  /** {@link Cache#getAll}: one multi-get per server; read-through with {@code loadAll}. */
  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    ensureOpen();
    requireKeys(keys);
    return run("getAll", () -> bulk.getAll(keys), Map.of());
  }

  /** {@link Cache#containsKey}: memcached {@code get}; no events, statistics or loading. */
  @Override
  public boolean containsKey(K key) {
    ensureOpen();
    requireKey(key);
    return run("containsKey", () -> single.containsKey(key), false);
  }

  /**
   * {@link Cache#loadAll}: runs asynchronously on the manager's executor, reporting to the
   * listener. Without a configured loader it completes at once.
   */
  @Override
  public void loadAll(
      Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    ensureOpen();
    requireKeys(keys);
    CompletionListener listener =
        completionListener == null ? NoCompletion.INSTANCE : completionListener;
    if (!ctx.loader.isPresent()) {
      listener.onCompletion();
      return;
    }
    executor.execute(
        () -> {
          try {
            run("loadAll", () -> bulk.loadAll(keys, replaceExistingValues));
            listener.onCompletion();
          } catch (Exception e) {
            listener.onException(e);
          }
        });
  }

  /** {@link Cache#put}: write-through first, then a blind {@code set} or an add/cas loop. */
  @Override
  public void put(K key, V value) {
    ensureOpen();
    requireKey(key);
    requireValue(value);
    run("put", () -> single.put(key, value));
  }

  /** {@link Cache#getAndPut}: {@code gets} + {@code cas} (or {@code add}) loop. */
  @Override
  public V getAndPut(K key, V value) {
    ensureOpen();
    requireKey(key);
    requireValue(value);
    return run("getAndPut", () -> single.getAndPut(key, value), null);
  }

  /**
   * {@link Cache#putAll}: {@code writeAll}, then pipelined {@code set}s (or, when the old entries
   * matter, pipelined {@code gets} and {@code add}/{@code cas}).
   */
  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    ensureOpen();
    requireEntries(map);
    run("putAll", () -> bulk.putAll(map));
  }

  /** {@link Cache#putIfAbsent}: memcached {@code add}. */
  @Override
  public boolean putIfAbsent(K key, V value) {
    ensureOpen();
    requireKey(key);
    requireValue(value);
    return run("putIfAbsent", () -> single.putIfAbsent(key, value), false);
  }

  /** {@link Cache#remove(Object)}: {@code gets} + delete-with-CAS. */
  @Override
  public boolean remove(K key) {
    ensureOpen();
    requireKey(key);
    return run("remove", () -> single.remove(key), false);
  }

  /** {@link Cache#remove(Object, Object)}: {@code gets}, compare with equals, delete-with-CAS. */
  @Override
  public boolean remove(K key, V oldValue) {
    ensureOpen();
    requireKey(key);
    requireValue(oldValue);
    return run("remove", () -> single.remove(key, oldValue), false);
  }

  /** {@link Cache#getAndRemove}: {@code gets} + delete-with-CAS. */
  @Override
  public V getAndRemove(K key) {
    ensureOpen();
    requireKey(key);
    return run("getAndRemove", () -> single.getAndRemove(key), null);
  }

  /** {@link Cache#replace(Object, Object, Object)}: {@code gets}, compare, {@code cas}. */
  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    ensureOpen();
    requireKey(key);
    requireValue(oldValue);
    requireValue(newValue);
    return run("replace", () -> single.replace(key, oldValue, newValue), false);
  }

  /** {@link Cache#replace(Object, Object)}: {@code gets} + {@code cas}. */
  @Override
  public boolean replace(K key, V value) {
    ensureOpen();
    requireKey(key);
    requireValue(value);
    return run("replace", () -> single.replace(key, value), false);
  }

  /** {@link Cache#getAndReplace}: {@code gets} + {@code cas}. */
  @Override
  public V getAndReplace(K key, V value) {
    ensureOpen();
    requireKey(key);
    requireValue(value);
    return run("getAndReplace", () -> single.getAndReplace(key, value), null);
  }

  /**
   * {@link Cache#removeAll(Set)}: {@code deleteAll} on the writer, then pipelined {@code gets} and
   * deletes-with-CAS.
   */
  @Override
  public void removeAll(Set<? extends K> keys) {
    ensureOpen();
    requireKeys(keys);
    run("removeAll", () -> bulk.removeAll(keys));
  }

  /**
   * {@link Cache#removeAll()}: enumerates the cache's entries with {@code lru_crawler metadump}
   * (its cost grows with every item on the servers, not just this cache's), or behind a proxy
   * ({@code proxy=true}) with the cache's key index, then removes them with writer and REMOVED
   * events. Behind a proxy, and where keys cannot be listed (SASL), with no writer, no REMOVED
   * listener and no statistics to honour it has the effect of {@link #clear()}: a new generation.
   *
   * @throws UnsupportedOperationException when a server refuses metadump (started with {@code -X}),
   *     or keys cannot be listed (SASL, {@code keyIndex=false}) and a writer, REMOVED listener or
   *     statistics need every entry
   * @throws javax.cache.CacheException when the key index is full (its bound was reached; until
   *     {@code clear()})
   */
  @Override
  public void removeAll() {
    ensureOpen();
    run("removeAll", () -> bulk.removeAll());
  }

  /**
   * {@link Cache#clear()}: moves every reachable server to a new generation of this cache and
   * records the clear there, so every entry becomes unreachable at once, in every JVM within its
   * generation refresh interval; a server that is down is raised to the new generation before it is
   * used again (docs/storage-format.md). Never {@code flush_all}; no writer, no events. Fails (or
   * degrades) only when no server at all could be reached.
   */
  @Override
  public void clear() {
    ensureOpen();
    run("clear", () -> bulk.clear());
  }

  /** {@link Cache#invoke}: a CAS loop around the processor (it may run more than once). */
  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    ensureOpen();
    requireKey(key);
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    return run("invoke", () -> invoke.invoke(key, entryProcessor, arguments), null);
  }

  /**
   * {@link Cache#invokeAll}: the semantics of {@link #invoke} per key, in pipelined rounds
   * (docs/semantics.md); failures reported per key.
   */
  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(
      Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    ensureOpen(); // before the null checks: a closed cache answers IllegalStateException (JSR-107)
    requireKeys(keys);
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    return run("invokeAll", () -> invoke.invokeAll(keys, entryProcessor, arguments), Map.of());
  }

  /** Returns the cache name given to {@code createCache}. */
  @Override
  public String getName() {
    return name;
  }

  /** Returns the {@link MemcachedCacheManager} that created this cache. */
  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  /**
   * {@link Cache#getConfiguration}: the cache's configuration (a {@link MutableConfiguration},
   * hence also a {@link CompleteConfiguration}).
   *
   * @throws IllegalArgumentException when it is not a {@code clazz}
   */
  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    if (clazz.isInstance(configuration)) {
      return clazz.cast(configuration);
    }
    throw new IllegalArgumentException(
        "the configuration of cache " + name + " is not a " + clazz.getName());
  }

  /**
   * Closes the cache in this JVM: listeners, loader, writer and expiry policy that are {@link
   * Closeable} are closed, its MBeans unregistered; entries stay in memcached.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    manager.release(this);
    try {
      onClose.close();
    } catch (IOException e) {
      throw new CacheException("closing cache " + name + " failed: " + e, e);
    }
  }

  /** Whether {@link #close()} (or the manager's close or destroyCache) has closed this cache. */
  @Override
  public boolean isClosed() {
    return closed;
  }

  /**
   * {@link Cache#unwrap}: this cache, its {@link AsyncCache} view, or the spymemcached {@link
   * MemcachedClient} it uses.
   *
   * @throws IllegalArgumentException for any other class
   */
  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz == AsyncCache.class) {
      return clazz.cast(async);
    }
    return ctx.entries.store().unwrap(this, clazz);
  }

  /** {@link Cache#registerCacheEntryListener}: JVM-local listener. */
  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
    ensureOpen();
    Objects.requireNonNull(listener, "listener configuration");
    ctx.events.register(listener);
    configuration.addCacheEntryListenerConfiguration(listener);
  }

  /** {@link Cache#deregisterCacheEntryListener}: closes the listener when it is Closeable. */
  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listener) {
    ensureOpen();
    Objects.requireNonNull(listener, "listener configuration");
    ctx.events.deregister(listener);
    configuration.removeCacheEntryListenerConfiguration(listener);
  }

  /**
   * {@link Cache#iterator()}: entries listed by {@code lru_crawler metadump} (cost grows with all
   * items on the servers), or behind a proxy by the cache's key index (docs/tls-and-proxies.md,
   * "Enumeration behind a proxy"), values fetched by multi-get a page at a time.
   *
   * @throws UnsupportedOperationException when a server refuses metadump (started with {@code -X}),
   *     or keys cannot be listed (SASL; {@code keyIndex=false} behind a proxy)
   * @throws javax.cache.CacheException when the key index is full (its bound was reached; until
   *     {@code clear()})
   */
  @Override
  public Iterator<Entry<K, V>> iterator() {
    ensureOpen();
    return run(
        "iterator",
        () -> {
          List<String> itemKeys =
              ctx.entries.enumerate(enumerator, failure -> failures.partial("iterator", failure));
          return new EntryIterator<>(ctx, single, this::remove, itemKeys);
        },
        Collections.emptyIterator());
  }

  void setStatisticsEnabled(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    ctx.enableStatistics(enabled);
    if (enabled) {
      MBeanRegistrar.register(MBeanType.STATISTICS, manager.getURI(), name, ctx.statistics);
    } else {
      MBeanRegistrar.unregister(MBeanType.STATISTICS, manager.getURI(), name);
    }
  }

  void setManagementEnabled(boolean enabled) {
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      MBeanRegistrar.register(
          MBeanType.CONFIGURATION,
          manager.getURI(),
          name,
          new CacheConfigurationMXBean(() -> configuration));
    } else {
      MBeanRegistrar.unregister(MBeanType.CONFIGURATION, manager.getURI(), name);
    }
  }

  /**
   * Returns how many reads of this cache in this JVM found a memcached item naming a class that
   * deserialization does not allow (see {@code allowPackages}). Each such read was a miss (no
   * instance of the class was created, its static initializer did not run) and is logged at WARN at
   * most once per 10 s with the cache name and the memcached key. Reach it with {@code
   * cache.unwrap(MemcachedCache.class).refusedClassCount()}.
   *
   * @return the count since the cache was created in this JVM; 0 when nothing was refused
   */
  public long refusedClassCount() {
    return ctx.entries.refusals().count();
  }

  /**
   * Returns how many {@code get}s of this cache in this JVM found no entry and answered with the
   * current time instead, because the cache is Hibernate's update-timestamps region: each made the
   * query results cached before it stale, for that read and, through the value stored, in every JVM
   * (docs/hibernate.md, "When memcached evicts"). Each is also logged at WARN, at most once per 10
   * s per region. Reach it with {@code cache.unwrap(MemcachedCache.class) .timestampMissCount()}.
   *
   * @return the count since the cache was created in this JVM; always 0 for any other cache
   */
  public long timestampMissCount() {
    return ctx.timestampMisses.count();
  }

  @SuppressWarnings("unchecked")
  private V timestampAnswer(K key) {
    return (V) ctx.timestampMisses.answer(key, System.currentTimeMillis());
  }

  /** Calls degraded so far under {@code failureMode=degrade}. */
  long degradedCount() {
    return failures.degradedCount();
  }

  /**
   * Returns how many reads of this cache ({@code get}, {@code getAll}, {@code containsKey},
   * iteration, the reads of {@code loadAll}) memcached could not serve and that {@code
   * failureMode=degrade} answered as misses (DESIGN.md "Failures"); 0 with {@code
   * failureMode=fail}.
   *
   * @return the count since the cache was created in this JVM
   */
  public long degradedReadCount() {
    return counters.degradedReads.count();
  }

  /**
   * Returns how many writes of this cache (every call other than the reads of {@link
   * #degradedReadCount()}) memcached could not take and that {@code failureMode=degrade} dropped; 0
   * with {@code failureMode=fail}.
   *
   * @return the count since the cache was created in this JVM
   */
  public long droppedWriteCount() {
    return counters.droppedWrites.count();
  }

  /**
   * Returns how many calls of this cache waited for another thread's read-through load (JSR-107
   * 9.1) or entry processor (7.4) on the same key in this JVM.
   *
   * @return the count since the cache was created in this JVM
   */
  public long singleFlightWaitCount() {
    return counters.singleFlightWaits.count();
  }

  /**
   * Returns how many calls of this cache found another JVM's load lease ({@code
   * cache.<name>.loadLeaseMillis}) and waited for its load, once per call; 0 without the option.
   *
   * @return the count since the cache was created in this JVM
   */
  public long loadLeaseWaitCount() {
    return counters.loadLeaseWaits.count();
  }

  private void run(String operation, Runnable body) {
    ensureOpen();
    calls.run(operation, body);
  }

  private <R> R run(String operation, Supplier<R> body, R fallback) {
    return runDegrading(operation, body, () -> fallback);
  }

  /** {@link #run} whose degraded result is computed only when a call is degraded. */
  private <R> R runDegrading(String operation, Supplier<R> body, Supplier<R> degraded) {
    ensureOpen();
    return calls.run(operation, body, degraded);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache " + name + " is closed");
    }
  }

  /** Listener for {@code loadAll} calls without one. */
  private enum NoCompletion implements CompletionListener {
    INSTANCE;

    @Override
    public void onCompletion() {}

    @Override
    public void onException(Exception e) {}
  }
}
