package dev.memjcache;

import dev.memjcache.config.MemcachedProtocol;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.store.RawTranscoder;
import dev.memjcache.testkit.MemcachedExtension;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.transcoders.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the integration tests: one real memcached per test class, a fresh CachingProvider (as a
 * separate JVM would have) per manager, and helpers that look at the items memcached holds.
 */
public abstract class CacheTestSupport {

  @RegisterExtension
  protected static final MemcachedExtension MEMCACHED = MemcachedExtension.single();

  private final List<CacheManager> managers = new ArrayList<>();
  private int cacheCounter;

  /** A manager of a new provider instance; {@code options} is a URI query, may be empty. */
  CacheManager newManager(String options) {
    String uri =
        MEMCACHED.uri() + "?allowPackages=dev.memjcache" + (options.isEmpty() ? "" : "&" + options);
    return newManager(URI.create(uri));
  }

  /**
   * The wire protocol of this class's managers (option {@code protocol}): binary, the default; the
   * {@code *TextTest} subclasses run the same tests in text.
   */
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.BINARY;
  }

  /** {@code uri} with this class's {@link #protocol()} option (unchanged for binary). */
  protected URI withProtocol(URI uri) {
    if (protocol() == MemcachedProtocol.BINARY) {
      return uri;
    }
    String text = uri.toString();
    return URI.create(
        text + (text.contains("?") ? "&" : "?") + "protocol=" + protocol().optionValue());
  }

  /**
   * A manager of a new provider instance for {@code uri} in this class's {@link #protocol()},
   * closed after the test.
   */
  protected CacheManager newManager(URI uri) {
    CacheManager manager =
        new MemcachedCachingProvider()
            .getCacheManager(withProtocol(uri), getClass().getClassLoader());
    managers.add(manager);
    return manager;
  }

  protected String uniqueCacheName() {
    return getClass().getSimpleName() + "-" + (++cacheCounter) + "-" + System.nanoTime();
  }

  protected <K, V> Cache<K, V> newCache(
      CacheManager manager, Class<K> keyType, Class<V> valueType) {
    return manager.createCache(
        uniqueCacheName(), new MutableConfiguration<K, V>().setTypes(keyType, valueType));
  }

  @AfterEach
  protected void closeManagers() {
    managers.forEach(CacheManager::close);
    managers.clear();
  }

  /** A raw spymemcached client on the same server, for looking at items directly. */
  static MemcachedClient rawClient(Cache<?, ?> cache) {
    return cache.unwrap(MemcachedClient.class);
  }

  /** Moves item bytes through spymemcached untouched. */
  static final Transcoder<CachedData> RAW = RawTranscoder.INSTANCE;

  /** The cache's current generation, read from its generation item. */
  static long generation(Cache<?, ?> cache) throws Exception {
    CachedData value =
        rawClient(cache).asyncGet("mjc:" + cache.getName() + ":gen", RAW).get(1, TimeUnit.SECONDS);
    return Long.parseLong(new String(value.getData(), StandardCharsets.US_ASCII).trim());
  }

  /** The item under a memcached key, or null. */
  static CASValue<CachedData> item(Cache<?, ?> cache, String itemKey) throws Exception {
    return rawClient(cache).asyncGets(itemKey, RAW).get(1, TimeUnit.SECONDS);
  }

  /** The memcached key of a String key stored literally (printable ASCII, short). */
  static String itemKey(Cache<?, ?> cache, String key) throws Exception {
    return "mjc:" + cache.getName() + ":" + generation(cache) + ":" + key;
  }

  /** Whether memcached holds an item for the literal String key. */
  static boolean itemExists(Cache<?, ?> cache, String key) throws Exception {
    return item(cache, itemKey(cache, key)) != null;
  }

  /** What the tests' slow loaders return for {@code key}, after 200 ms (a database's time). */
  static String slowValueOf(String key) {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "loaded-" + key;
  }

  /** A user value class with a few fields, a map and a list. */
  static final class Person implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final int age;
    final Map<String, String> tags;
    final List<String> emails;

    Person(String name, int age, Map<String, String> tags, List<String> emails) {
      this.name = name;
      this.age = age;
      this.tags = tags;
      this.emails = emails;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Person p
          && p.name.equals(name)
          && p.age == age
          && p.tags.equals(tags)
          && p.emails.equals(emails);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, age, tags, emails);
    }

    @Override
    public String toString() {
      return "Person(" + name + ", " + age + ", " + tags + ", " + emails + ")";
    }
  }

  /** A user key class with equals/hashCode. */
  static final class OrderKey implements Serializable {
    private static final long serialVersionUID = 1L;
    final String region;
    final long id;

    OrderKey(String region, long id) {
      this.region = region;
      this.id = id;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof OrderKey k && k.region.equals(region) && k.id == id;
    }

    @Override
    public int hashCode() {
      return Objects.hash(region, id);
    }
  }
}
