package dev.memjcache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CacheLifecycleListener}s of one manager. Every listener hears of every cache exactly
 * once, whenever it registers: the caches announced so far are replayed to a new listener under the
 * same lock that announces new ones.
 */
final class CacheLifecycleListeners {

  private static final Logger LOG = LoggerFactory.getLogger(CacheLifecycleListeners.class);

  private final List<CacheLifecycleListener> listeners = new CopyOnWriteArrayList<>();
  private final Set<MemcachedCache<?, ?>> announced =
      Collections.newSetFromMap(new IdentityHashMap<>());

  /** Registers {@code listener} and tells it of the caches created so far. */
  synchronized void add(CacheLifecycleListener listener) {
    listeners.add(listener);
    for (MemcachedCache<?, ?> cache : new ArrayList<>(announced)) {
      call(listener, cache, true);
    }
  }

  /** Removes {@code listener}; unknown listeners are ignored. */
  void remove(CacheLifecycleListener listener) {
    listeners.remove(listener);
  }

  /** Announces a created cache (once). */
  synchronized void created(MemcachedCache<?, ?> cache) {
    if (announced.add(cache)) {
      listeners.forEach(listener -> call(listener, cache, true));
    }
  }

  /** Announces a cache that left the manager (only when its creation was announced). */
  synchronized void closed(MemcachedCache<?, ?> cache) {
    if (announced.remove(cache)) {
      listeners.forEach(listener -> call(listener, cache, false));
    }
  }

  private static void call(
      CacheLifecycleListener listener, MemcachedCache<?, ?> cache, boolean created) {
    try {
      if (created) {
        listener.cacheCreated(cache);
      } else {
        listener.cacheClosed(cache);
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "cache lifecycle listener {} failed on cache {} {}: {}",
          listener,
          cache.getName(),
          created ? "created" : "closed",
          e.toString());
    }
  }
}
