package dev.memjcache.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.Cache;
import org.springframework.cache.support.AbstractCacheManager;
import org.springframework.lang.Nullable;

/**
 * Spring's {@link org.springframework.cache.CacheManager} over a MemJCache {@link CacheManager},
 * handing out {@link MemJCacheCache}s: a drop-in replacement for Spring's {@code
 * JCacheCacheManager} that adds non-blocking {@code retrieve} for {@code @Cacheable} methods
 * returning {@code CompletableFuture}, {@code Mono} or {@code Flux}.
 *
 * <p>Caches are the JCache manager's caches; a name the JCache manager does not know is created
 * with {@link #setDefaultConfiguration} (default: {@code new MutableConfiguration<>()}, i.e. no
 * expiry, statistics off; MemJCache's per-cache options such as {@code cache.<name>.expiry} still
 * apply). With {@code setDefaultConfiguration(null)} an unknown name yields no cache, and Spring's
 * cache resolver fails with "Cannot find cache named ...". {@link #setCacheNames} creates caches at
 * start-up. (Spring's transaction-aware decoration lives in spring-context-support, which this
 * module does not depend on: wrap the manager in its {@code TransactionAwareCacheManagerProxy} when
 * puts and evicts must wait for the commit.)
 *
 * <p>Configure it before {@link #afterPropertiesSet()} (Spring calls it for a bean); the settings
 * apply to caches wrapped afterwards.
 */
public class MemJCacheCacheManager extends AbstractCacheManager implements DisposableBean {

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final CacheManager cacheManager;
  private boolean allowNullValues = true;

  @Nullable
  private Configuration<Object, Object> defaultConfiguration = new MutableConfiguration<>();

  private Set<String> cacheNames = Set.of();
  // Spring runs the rest of a @Cacheable method (on a miss: its body, which may block) where a
  // retrieve future completes: a pool of its own, not the common pool (one thread on 2 cores)
  private final ExecutorService ownExecutor =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "memjcache-spring-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
  private Executor executor = ownExecutor;

  /**
   * Creates the manager.
   *
   * @param cacheManager a MemJCache {@link CacheManager}, e.g. {@code
   *     Caching.getCachingProvider("dev.memjcache.spi.MemcachedCachingProvider").getCacheManager(uri,
   *     classLoader)}; its caches must be MemJCache caches
   * @throws NullPointerException when null
   */
  public MemJCacheCacheManager(CacheManager cacheManager) {
    this.cacheManager = Objects.requireNonNull(cacheManager, "cacheManager");
  }

  /** The JCache manager the caches come from. */
  public CacheManager getCacheManager() {
    return cacheManager;
  }

  /**
   * Whether null values (e.g. a {@code @Cacheable} method returning null) are cached, as Spring's
   * {@code NullValue}. Default true, as Spring's {@code JCacheCacheManager}.
   */
  public void setAllowNullValues(boolean allowNullValues) {
    this.allowNullValues = allowNullValues;
  }

  /** Whether null values are cached. */
  public boolean isAllowNullValues() {
    return allowNullValues;
  }

  /**
   * The configuration caches missing from the JCache manager are created with ({@link
   * CacheManager#createCache}); null to create none (unknown names then resolve to no cache).
   */
  public void setDefaultConfiguration(@Nullable Configuration<Object, Object> configuration) {
    this.defaultConfiguration = configuration;
  }

  /**
   * Names of caches to create at start-up when the JCache manager lacks them (with the default
   * configuration).
   *
   * @throws IllegalStateException at start-up when a name is missing and no default configuration
   *     is set
   */
  public void setCacheNames(Collection<String> cacheNames) {
    this.cacheNames = Set.copyOf(cacheNames);
  }

  /**
   * Where futures of {@link MemJCacheCache#retrieve} complete after memcached answers (Spring runs
   * the rest of the {@code @Cacheable} method there, on a miss its body). Default: a cached pool of
   * daemon threads named {@code memjcache-spring-<n>}, idle ones ending after 60 s, shut down by
   * {@link #destroy()}.
   */
  public void setExecutor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Shuts the default executor down (Spring calls this when the context closes); an executor set
   * with {@link #setExecutor} is the caller's to stop. The JCache manager stays open: it belongs to
   * whoever created it.
   */
  @Override
  public void destroy() {
    ownExecutor.shutdown();
  }

  /** Wraps the JCache manager's caches and creates the {@link #setCacheNames} ones missing. */
  @Override
  protected Collection<? extends Cache> loadCaches() {
    Set<String> names = new LinkedHashSet<>();
    cacheManager.getCacheNames().forEach(names::add);
    names.addAll(cacheNames);
    List<Cache> caches = new ArrayList<>();
    for (String name : names) {
      Cache cache = getMissingCache(name);
      if (cache == null) {
        throw new IllegalStateException(
            "cache '" + name + "' does not exist and no default configuration is set to create it");
      }
      caches.add(cache);
    }
    return caches;
  }

  /**
   * The JCache manager's cache of this name, created with the default configuration when absent.
   *
   * @return the wrapped cache, or null when absent and no default configuration is set
   */
  @Override
  @Nullable
  protected Cache getMissingCache(String name) {
    javax.cache.Cache<Object, Object> cache = cacheManager.getCache(name);
    if (cache == null && defaultConfiguration != null) {
      try {
        cache = cacheManager.createCache(name, defaultConfiguration);
      } catch (CacheException createdMeanwhile) {
        // another thread or application context created it first (JSR-107 createCache refuses)
        cache = cacheManager.getCache(name);
        if (cache == null) {
          throw createdMeanwhile;
        }
      }
    }
    return cache == null ? null : new MemJCacheCache(cache, allowNullValues, executor);
  }
}
