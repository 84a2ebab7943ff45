package dev.memjcache;

/**
 * Told when a {@link MemcachedCacheManager} creates or releases a cache, so that an integration (a
 * Micrometer binder, a health check) covers the caches created after start-up too: Hibernate's
 * regions, caches created on demand. Register with {@link
 * MemcachedCacheManager#addCacheLifecycleListener}.
 *
 * <p>Called on the thread that created or closed the cache, after the fact; keep it short and do
 * not block. An exception it throws is logged and ignored: it never fails the cache call.
 */
public interface CacheLifecycleListener {

  /**
   * A cache of the manager was created ({@code CacheManager.createCache}), or existed already when
   * this listener was registered.
   *
   * @param cache the new cache, open
   */
  void cacheCreated(MemcachedCache<?, ?> cache);

  /**
   * A cache left the manager: {@code Cache.close()}, {@code CacheManager.destroyCache} or {@code
   * CacheManager.close()}. Does nothing by default.
   *
   * @param cache the cache, closed
   */
  default void cacheClosed(MemcachedCache<?, ?> cache) {}
}
