package dev.memjcache;

import dev.memjcache.codec.ClassAllowlist;
import dev.memjcache.codec.KeyCodec;
import dev.memjcache.codec.ValueSerializer;
import dev.memjcache.config.CacheDefaults;
import dev.memjcache.config.MemJCacheSettings;
import dev.memjcache.expiry.ExpiryDecider;
import dev.memjcache.integration.LoadLease;
import dev.memjcache.integration.LoaderSupport;
import dev.memjcache.integration.WriterSupport;
import dev.memjcache.management.MBeanRegistrar;
import dev.memjcache.management.MBeanType;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.store.DependentCaches;
import dev.memjcache.store.GenerationTracker;
import dev.memjcache.store.MemcachedStore;
import dev.memjcache.store.MetadumpKeyEnumerator;
import dev.memjcache.store.NodeHealth;
import dev.memjcache.store.ServerSockets;
import dev.memjcache.store.StageCompletions;
import dev.memjcache.support.Resources;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.spi.CachingProvider;
import net.spy.memcached.MemcachedNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CacheManager} over one set of memcached servers (JSR-107 chapter 5). It owns the
 * spymemcached connection, the key enumerator and the executor for asynchronous listeners and
 * {@code loadAll}; its caches share them.
 *
 * <p>The manager's cache registry is local to this JVM: another JVM that creates a cache of the
 * same name (with the same servers and key prefix) sees the same entries. {@link #close()} and
 * {@link #destroyCache} never touch other caches' data; {@code close} deletes nothing at all.
 */
public final class MemcachedCacheManager implements CacheManager {

  private static final Logger LOG = LoggerFactory.getLogger(MemcachedCacheManager.class);

  private final MemcachedCachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final MemJCacheSettings settings;
  private final MemcachedStore store;

  /** Caches invalidated after any dropped write of this manager (Hibernate's query results). */
  private final DependentCaches dependents = new DependentCaches();

  private final MetadumpKeyEnumerator enumerator;
  private final ExecutorService executor;
  private final AsyncLimit asyncLimit;
  private final StageCompletions completions;
  private final ConcurrentMap<String, MemcachedCache<?, ?>> caches = new ConcurrentHashMap<>();
  private final NodeCounters counters = new NodeCounters();
  private final CacheLifecycleListeners lifecycle = new CacheLifecycleListeners();
  private final boolean mxBeanRegistered;
  private volatile boolean closed;

  /**
   * Connects to the servers the settings name. Called by {@link MemcachedCachingProvider}.
   *
   * @param provider the provider that owns this manager
   * @param uri the manager's URI, as given
   * @param classLoader the class loader for values, keys, listeners, loaders and writers
   * @param properties the caller's properties (returned by {@link #getProperties()})
   * @param settings the parsed settings
   */
  public MemcachedCacheManager(
      MemcachedCachingProvider provider,
      URI uri,
      ClassLoader classLoader,
      Properties properties,
      MemJCacheSettings settings) {
    this.provider = provider;
    this.uri = uri;
    this.classLoader = classLoader;
    this.properties = properties;
    this.settings = settings;
    MemJCacheSettings.ServerHealth health = settings.serverHealth();
    ServerSockets sockets = ServerSockets.of(settings.tls(), classLoader);
    this.store =
        MemcachedStore.connect(
            settings.servers(),
            settings.operationTimeoutMillis(),
            settings.connectTimeoutMillis(),
            settings.credentials(),
            new MemcachedStore.ClusterOptions(
                settings.keyPrefix(),
                health.failureLimit(),
                health.retryMillis(),
                health.reconnectDelaySeconds()),
            settings.protocol(),
            new MemcachedStore.Topology(
                settings.topology().configEndpoint(),
                settings.topology().configPollMillis(),
                settings.topology().proxy(),
                settings.topology().maxItemBytes()),
            sockets);
    List<InetSocketAddress> resolved = new ArrayList<>();
    for (InetSocketAddress server : settings.servers()) {
      resolved.add(new InetSocketAddress(server.getHostString(), server.getPort()));
    }
    this.enumerator =
        settings.topology().proxy()
            ? MetadumpKeyEnumerator.unavailable(
                "Cache.iterator(), and Cache.removeAll() with a listener, writer or statistics to"
                    + " honour, list keys behind a proxy (option proxy=true) with the cache's key"
                    + " index, which keyIndex=false turns off; Cache.removeAll() without them and"
                    + " Cache.clear() work without it (docs/tls-and-proxies.md, \"Enumeration"
                    + " behind a proxy\")")
            : settings.credentials().isPresent()
                ? MetadumpKeyEnumerator.unavailable(
                    "Cache.iterator() and Cache.removeAll() list keys with"
                        + " 'lru_crawler metadump', an ASCII-protocol command; memcached started with -S (SASL)"
                        + " closes ASCII connections, so they are unavailable with the username option")
                : new MetadumpKeyEnumerator(
                    sockets,
                    resolved,
                    (int)
                        Math.max(
                            settings.operationTimeoutMillis(), settings.connectTimeoutMillis()));
    this.executor = Executors.newCachedThreadPool(daemonThreads("memjcache-" + uri));
    this.asyncLimit = new AsyncLimit(settings.maxAsyncOperations());
    this.completions = StageCompletions.of(settings.asyncCompletion());
    this.mxBeanRegistered = registerMXBean();
  }

  /** The server view in JMX; a refusal is logged, never a reason to fail the manager. */
  private boolean registerMXBean() {
    try {
      boolean registered = MBeanRegistrar.registerCacheManager(uri, new ManagerMXBean(this));
      if (!registered) {
        LOG.info(
            "JMX name {} is held by another CacheManager of the same URI; this one is not"
                + " registered",
            MBeanRegistrar.cacheManagerObjectName(uri));
      }
      return registered;
    } catch (CacheException e) {
      LOG.warn("CacheManager {}: its MXBean is not registered: {}", uri, e.getMessage());
      return false;
    }
  }

  /** The bound on the operations of this manager's asynchronous views in flight. */
  AsyncLimit asyncLimit() {
    return asyncLimit;
  }

  /** Where this manager's asynchronous views complete the stages they return (asyncCompletion). */
  StageCompletions completions() {
    return completions;
  }

  /**
   * Returns the memcached servers this manager has marked down (docs/production.md: after {@code
   * serverFailureLimit} consecutive failures, until a probe answers), as {@code host:port}; empty
   * when every server is usable.
   *
   * @return a new list
   */
  public List<String> serversMarkedDown() {
    List<String> down = new ArrayList<>();
    for (MemcachedNode node : store.health().downNodes()) {
      down.add(NodeHealth.name(node));
    }
    return down;
  }

  /**
   * Returns each memcached server of this manager with its state from node health (serving, marked
   * down with its last failure and since when, or connecting), in the order of the {@code servers}
   * option (docs/production.md "How to see it"). Answered from memory without any network call, so
   * it returns at once even when a server hangs; also after {@link #close()}.
   *
   * @return a new immutable list, one element per server
   */
  public List<ServerStatus> servers() {
    return ServerView.servers(store.health());
  }

  /**
   * Returns the node metrics of this manager: servers marked down, timeouts and failures, degraded
   * reads and dropped writes, refused classes, single-flight and load-lease waits, asynchronous
   * operations in flight (docs/production.md "How to see it"). Counted in the provider since the
   * manager opened, over its servers and all its caches, closed ones included; read from memory.
   *
   * @return a new snapshot
   */
  public NodeMetrics nodeMetrics() {
    return ServerView.metrics(store.health(), counters, asyncLimit);
  }

  /**
   * Registers {@code listener} for the caches this manager creates and closes from now on, and
   * calls its {@link CacheLifecycleListener#cacheCreated} at once for each open cache: every
   * listener hears of every cache exactly once, whenever it registers (for example a metrics binder
   * registered after Hibernate created its regions).
   *
   * @param listener the listener; registering one twice makes it hear everything twice
   * @throws NullPointerException when {@code listener} is null
   */
  public void addCacheLifecycleListener(CacheLifecycleListener listener) {
    lifecycle.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener registered with {@link #addCacheLifecycleListener}; unknown ones are
   * ignored.
   *
   * @param listener the listener
   */
  public void removeCacheLifecycleListener(CacheLifecycleListener listener) {
    lifecycle.remove(listener);
  }

  /** Returns the parsed settings of this manager. */
  public MemJCacheSettings settings() {
    return settings;
  }

  /**
   * {@link CacheManager#createCache}: a new cache of this name in this manager.
   *
   * @throws CacheException when a cache of this name exists in this manager
   * @throws NullPointerException for a null name or configuration
   * @throws IllegalStateException when the manager is closed
   */
  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(
      String cacheName, C configuration) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    MemcachedCache<K, V> cache = build(cacheName, copyOf(configuration));
    if (caches.putIfAbsent(cacheName, cache) != null) {
      cache.closeQuietly();
      throw new CacheException("a cache named " + cacheName + " already exists in " + uri);
    }
    cache.start();
    lifecycle.created(cache);
    return cache;
  }

  private <K, V> MutableConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
    MutableConfiguration<K, V> copy;
    if (configuration instanceof CompleteConfiguration) {
      copy = new MutableConfiguration<>((CompleteConfiguration<K, V>) configuration);
    } else {
      copy =
          new MutableConfiguration<K, V>()
              .setTypes(configuration.getKeyType(), configuration.getValueType());
    }
    // The flag is kept as given, but memcached holds serialized values only: a cache configured
    // for store-by-reference still stores by value (documented in MemcachedCachingProvider).
    return copy;
  }

  @SuppressWarnings("unchecked")
  private <K, V> MemcachedCache<K, V> build(
      String cacheName, MutableConfiguration<K, V> configuration) {
    CacheDefaults defaults = settings.cacheDefaults(cacheName);
    NodeCounters cacheCounters = counters.forCache();
    List<Closeable> resources = new ArrayList<>();
    ExpiryPolicy policy = configuration.getExpiryPolicyFactory().create();
    if (policy instanceof EternalExpiryPolicy && defaults.expiryPolicyFactory().isPresent()) {
      configuration.setExpiryPolicyFactory(defaults.expiryPolicyFactory().get());
      policy = configuration.getExpiryPolicyFactory().create();
    }
    defaults.statisticsEnabled().ifPresent(configuration::setStatisticsEnabled);
    defaults.managementEnabled().ifPresent(configuration::setManagementEnabled);
    resources.add(Resources.closerOf(policy));

    List<Class<?>> types = List.of(configuration.getKeyType(), configuration.getValueType());
    ValueSerializer serializer =
        new ValueSerializer(
            classLoader,
            new ClassAllowlist(
                types,
                settings.allowPackages(),
                value ->
                    settings
                        .allowPackagesLocation()
                        .howToSet(MemJCacheSettings.ALLOW_PACKAGES, value)));
    KeyCodec keys = new KeyCodec(settings.keyPrefix(), cacheName, serializer);
    ExpiryDecider expiry = new ExpiryDecider(policy, settings.exptimeMarginSeconds());
    GenerationTracker generations =
        new GenerationTracker(
            store,
            keys.generationKey(),
            settings.generationRefreshMillis(),
            dependents,
            settings.topology().proxy() ? GenerationTracker.PROXY_CLEAR_MARKERS : 1);
    Entries<K, V> entries =
        new Entries<>(
            store,
            keys,
            serializer,
            generations,
            expiry,
            new ClassRefusals(cacheName, cacheCounters.refusedClasses),
            dependents,
            settings.topology().keyIndex()
                ? new KeyIndex(store, keys, generations::markDirty, executor)
                : KeyIndex.NONE);

    CacheLoader<K, V> loader =
        configuration.getCacheLoaderFactory() == null
            ? null
            : (CacheLoader<K, V>) configuration.getCacheLoaderFactory().create();
    CacheWriter<? super K, ? super V> writer =
        configuration.getCacheWriterFactory() == null
            ? null
            : configuration.getCacheWriterFactory().create();
    resources.add(Resources.closerOf(loader));
    resources.add(Resources.closerOf(writer));
    resources.add(
        0,
        () -> {
          MBeanRegistrar.unregister(MBeanType.STATISTICS, uri, cacheName);
          MBeanRegistrar.unregister(MBeanType.CONFIGURATION, uri, cacheName);
        });
    MemcachedCache<K, V> cache =
        new MemcachedCache<>(
            cacheName,
            this,
            configuration,
            entries,
            expiry,
            LoaderSupport.of(
                loader, configuration.isReadThrough(), cacheCounters.singleFlightWaits),
            WriterSupport.of(writer, configuration.isWriteThrough()),
            LoadLease.of(
                store, defaults.loadLeaseMillis().orElse(0L), cacheCounters.loadLeaseWaits),
            new FailureHandler(
                settings.failureMode(), cacheCounters.degradedReads, cacheCounters.droppedWrites),
            HibernateTimestamps.of(
                cacheName, configuration.getKeyType(), configuration.getValueType(), dependents),
            cacheCounters,
            enumerator,
            executor,
            resources);
    return cache;
  }

  /**
   * {@link CacheManager#getCache(String, Class, Class)} with the spec's type check.
   *
   * @return the cache, or null when none of this name exists in this manager
   * @throws ClassCastException when the cache was configured with other key or value types
   * @throws IllegalStateException when the manager is closed
   */
  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    MemcachedCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    CompleteConfiguration<?, ?> configuration = cache.getConfiguration(CompleteConfiguration.class);
    if (configuration.getKeyType() != keyType) {
      throw new ClassCastException(
          "cache "
              + cacheName
              + " has key type "
              + configuration.getKeyType().getName()
              + ", not "
              + keyType.getName());
    }
    if (configuration.getValueType() != valueType) {
      throw new ClassCastException(
          "cache "
              + cacheName
              + " has value type "
              + configuration.getValueType().getName()
              + ", not "
              + valueType.getName());
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  /**
   * {@link CacheManager#getCache(String)}: the cache whatever its types (JSR-107 1.1).
   *
   * @return the cache, or null when none of this name exists in this manager
   */
  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    return (Cache<K, V>) caches.get(cacheName);
  }

  /** Returns an immutable snapshot of this manager's cache names. */
  @Override
  public Iterable<String> getCacheNames() {
    ensureOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  /**
   * {@link CacheManager#destroyCache}: clears the cache (a new generation on every reachable
   * server: every JVM loses its entries) and closes it here. Unknown names are ignored.
   */
  @Override
  public void destroyCache(String cacheName) {
    ensureOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    MemcachedCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      try {
        cache.clear();
      } finally {
        cache.close();
      }
    }
  }

  /** {@link CacheManager#enableManagement}: registers or unregisters the CacheMXBean. */
  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    ensureOpen();
    MemcachedCache<?, ?> cache = caches.get(Objects.requireNonNull(cacheName, "cacheName"));
    if (cache != null) {
      cache.setManagementEnabled(enabled);
    }
  }

  /** {@link CacheManager#enableStatistics}: turns statistics and their MXBean on or off. */
  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    ensureOpen();
    MemcachedCache<?, ?> cache = caches.get(Objects.requireNonNull(cacheName, "cacheName"));
    if (cache != null) {
      cache.setStatisticsEnabled(enabled);
    }
  }

  /** Returns the provider that created this manager. */
  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  /** Returns the URI this manager was requested with, unchanged. */
  @Override
  public URI getURI() {
    return uri;
  }

  /** Returns the class loader for keys, values, listeners, loaders and writers. */
  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  /** Returns the Properties passed to {@code getCacheManager} (never null). */
  @Override
  public Properties getProperties() {
    return properties;
  }

  /**
   * Closes every cache of this manager and the memcached connection; deletes no data. Failures of
   * individual closes are collected and thrown together (suppressed on the first).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<Closeable> steps = new ArrayList<>();
    for (MemcachedCache<?, ?> cache : new ArrayList<>(caches.values())) {
      steps.add(cache::close);
    }
    if (mxBeanRegistered) {
      steps.add(() -> MBeanRegistrar.unregisterCacheManager(uri));
    }
    steps.add(executor::shutdown);
    steps.add(completions::close);
    steps.add(store::close);
    steps.add(() -> provider.release(this));
    try {
      Resources.closingAll(steps).close();
    } catch (IOException e) {
      throw new CacheException("closing cache manager " + uri + " failed: " + e, e);
    }
  }

  /** Whether {@link #close()} has run. */
  @Override
  public boolean isClosed() {
    return closed;
  }

  /**
   * {@link CacheManager#unwrap}: this manager, or its spymemcached client.
   *
   * @throws IllegalArgumentException for any other class
   */
  @Override
  public <T> T unwrap(Class<T> clazz) {
    return store.unwrap(this, clazz);
  }

  void release(MemcachedCache<?, ?> cache) {
    if (caches.remove(cache.getName(), cache)) {
      lifecycle.closed(cache);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache manager " + uri + " is closed");
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
