package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.Test;

/**
 * CREATED versus UPDATED is decided by memcached's answers (add refused, CAS result), so it is
 * right when another manager (another JVM) created the entry; events stay local to the JVM whose
 * call made the change.
 */
class ListenerAcrossManagersTest extends CacheTestSupport {

  /** Records "TYPE key old->new" lines; one static list per test, reset in the test. */
  public static final class Recorder
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryUpdatedListener<String, String>,
          CacheEntryRemovedListener<String, String>,
          Serializable {
    private static final long serialVersionUID = 1L;
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    private static void record(
        Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> e : events) {
        EVENTS.add(
            e.getEventType() + " " + e.getKey() + " " + e.getOldValue() + "->" + e.getValue());
      }
    }
  }

  @Test
  void eventsFollowWhatMemcachedSaysNotWhatThisJvmSaw() {
    Recorder.EVENTS.clear();
    String name = uniqueCacheName();
    CacheManager other = newManager("");
    CacheManager local = newManager("");
    Cache<String, String> otherCache =
        other.createCache(
            name, new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    Cache<String, String> localCache =
        local.createCache(
            name,
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .addCacheEntryListenerConfiguration(
                    new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(Recorder.class), null, true, true)));

    otherCache.put("a", "from other");
    assertEquals(List.of(), Recorder.EVENTS, "another manager's put raises no event here");

    localCache.put("a", "local");
    localCache.put("b", "fresh");
    assertFalse(localCache.putIfAbsent("a", "ignored"));
    otherCache.put("c", "other");
    localCache.getAndPut("c", "local c");
    otherCache.remove("b");
    localCache.put("b", "again");
    localCache.remove("a");

    assertEquals(
        List.of(
            "UPDATED a from other->local",
            "CREATED b null->fresh",
            "UPDATED c other->local c",
            "CREATED b null->again",
            "REMOVED a local->local"),
        Recorder.EVENTS);
  }
}
