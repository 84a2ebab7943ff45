package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * {@link CacheLifecycleListener} on a real memcached: a listener registered late hears of the
 * caches that exist, then of every cache created or closed (close, destroyCache, the manager's
 * close) exactly once; a failing listener fails no cache call; a removed one hears nothing more.
 */
class CacheLifecycleListenerTest extends CacheTestSupport {

  /** Records "created:name" and "closed:name". */
  static final class Recorder implements CacheLifecycleListener {
    final List<String> heard = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void cacheCreated(MemcachedCache<?, ?> cache) {
      assertTrue(!cache.isClosed(), "a created cache is open");
      heard.add("created:" + cache.getName());
    }

    @Override
    public void cacheClosed(MemcachedCache<?, ?> cache) {
      assertTrue(cache.isClosed(), "a closed cache is closed");
      heard.add("closed:" + cache.getName());
    }
  }

  private static Cache<String, String> create(MemcachedCacheManager manager, String name) {
    return manager.createCache(
        name, new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  @Test
  void aLateListenerHearsOfEveryCacheOnceThenOfCreationsAndCloses() {
    MemcachedCacheManager manager = (MemcachedCacheManager) newManager("");
    Cache<String, String> early = create(manager, "early");
    Recorder recorder = new Recorder();
    manager.addCacheLifecycleListener(recorder);
    assertEquals(List.of("created:early"), recorder.heard, "existing caches are replayed");

    Cache<String, String> region = create(manager, "region");
    create(manager, "destroyed");
    early.close();
    early.close();
    manager.destroyCache("destroyed");
    assertEquals(
        List.of(
            "created:early",
            "created:region",
            "created:destroyed",
            "closed:early",
            "closed:destroyed"),
        recorder.heard);

    manager.close();
    assertEquals("closed:region", recorder.heard.get(recorder.heard.size() - 1));
    assertEquals(6, recorder.heard.size());
    assertTrue(region.isClosed());
  }

  @Test
  void aFailingListenerFailsNoCacheCallAndARemovedOneHearsNothing() {
    MemcachedCacheManager manager = (MemcachedCacheManager) newManager("");
    manager.addCacheLifecycleListener(
        cache -> {
          throw new IllegalStateException("a broken binder");
        });
    Recorder removed = new Recorder();
    manager.addCacheLifecycleListener(removed);
    manager.removeCacheLifecycleListener(removed);
    Recorder kept = new Recorder();
    manager.addCacheLifecycleListener(kept);

    Cache<String, String> cache = create(manager, "works");
    cache.put("k", "v");
    assertEquals("v", cache.get("k"));
    assertEquals(List.of(), removed.heard);
    assertEquals(List.of("created:works"), kept.heard, "listeners after a failing one still hear");
  }
}
