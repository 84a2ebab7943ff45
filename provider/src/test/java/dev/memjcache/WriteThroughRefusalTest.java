package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.ClassNotAllowedException;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.store.ItemTooLargeException;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.Test;

/**
 * A value memcached would refuse (a class outside the allowlist, an item over {@code
 * item_size_max}) fails every write path before the CacheWriter runs: write-through never sees a
 * value the cache then does not store.
 */
class WriteThroughRefusalTest extends CacheTestSupport {

  /** Keys the writer was asked to write, shared by the factory's instance. */
  static final List<Object> WRITTEN = Collections.synchronizedList(new ArrayList<>());

  /** Records every written key. */
  static final class RecordingWriter implements CacheWriter<String, Object>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Cache.Entry<? extends String, ? extends Object> entry) {
      WRITTEN.add(entry.getKey());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends Object>> entries) {
      for (Cache.Entry<? extends String, ? extends Object> e : new ArrayList<>(entries)) {
        write(e);
        entries.remove(e);
      }
    }

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(Collection<?> keys) {
      keys.clear();
    }
  }

  private Cache<String, Object> writeThroughCache(CacheManager manager) {
    return manager.createCache(
        uniqueCacheName(),
        new MutableConfiguration<String, Object>()
            .setTypes(String.class, Object.class)
            .setWriteThrough(true)
            .setCacheWriterFactory(FactoryBuilder.factoryOf(new RecordingWriter())));
  }

  /** Every write path of the synchronous API, and the async view's, with {@code value}. */
  private static List<Consumer<Cache<String, Object>>> writes(Object value) {
    return List.of(
        c -> c.put("k", value),
        c -> c.getAndPut("k", value),
        c -> c.putIfAbsent("absent", value),
        c -> c.replace("k", value),
        c -> c.replace("k", "before", value),
        c -> c.getAndReplace("k", value),
        c -> c.putAll(new LinkedHashMap<>(Map.of("k", value, "other", "fine"))),
        c ->
            c.invoke(
                "k",
                (entry, args) -> {
                  entry.setValue(value);
                  return null;
                }),
        c ->
            c.invoke(
                "absent",
                (entry, args) -> {
                  entry.setValue(value);
                  return null;
                }),
        c -> c.unwrap(AsyncCache.class).put("k", value).toCompletableFuture().join(),
        c -> c.unwrap(AsyncCache.class).getAndPut("k", value).toCompletableFuture().join(),
        c -> c.unwrap(AsyncCache.class).putIfAbsent("absent", value).toCompletableFuture().join(),
        c -> c.unwrap(AsyncCache.class).replace("k", value).toCompletableFuture().join(),
        c ->
            c.unwrap(AsyncCache.class)
                .putAll(Map.of("k", value, "other", "fine"))
                .toCompletableFuture()
                .join());
  }

  private void assertRefusedBeforeTheWriter(
      Cache<String, Object> cache, Object value, Class<? extends Exception> refusal) {
    cache.put("k", "before");
    WRITTEN.clear();
    List<Consumer<Cache<String, Object>>> writes = writes(value);
    for (int i = 0; i < writes.size(); i++) {
      Consumer<Cache<String, Object>> write = writes.get(i);
      Exception e = assertThrows(Exception.class, () -> write.accept(cache), "write path " + i);
      Throwable cause = e instanceof CompletionException ? e.getCause() : e;
      assertTrue(refusal.isInstance(cause), "write path " + i + " threw " + cause);
      assertEquals(List.of(), WRITTEN, "write path " + i + " reached the writer");
      assertEquals("before", cache.get("k"), "write path " + i + " changed the entry");
      assertTrue(!cache.containsKey("absent") && !cache.containsKey("other"), "path " + i);
    }
  }

  @Test
  void aRefusedClassNeverReachesTheWriter() {
    // no allowPackages: Person (a class of this test package) is refused
    CacheManager manager =
        new MemcachedCachingProvider()
            .getCacheManager(URI.create(MEMCACHED.uri()), getClass().getClassLoader());
    try {
      assertRefusedBeforeTheWriter(
          writeThroughCache(manager),
          new Person("Bob", 1, Map.of(), List.of()),
          ClassNotAllowedException.class);
    } finally {
      manager.close();
    }
  }

  @Test
  void aTooLargeValueNeverReachesTheWriter() {
    assertRefusedBeforeTheWriter(
        writeThroughCache(newManager("")), new byte[2 * 1024 * 1024], ItemTooLargeException.class);
  }
}
