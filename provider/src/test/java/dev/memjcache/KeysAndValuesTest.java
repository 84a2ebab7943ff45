package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.ClassNotAllowedException;
import dev.memjcache.store.ItemTooLargeException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import net.spy.memcached.CachedData;
import org.junit.jupiter.api.Test;

/** Keys memcached would reject, user types, the allowlist, oversized values, foreign bytes. */
class KeysAndValuesTest extends CacheTestSupport {

  @Test
  void awkwardStringKeysRoundTripAndStayDistinct() {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    List<String> keys =
        List.of(
            "with space",
            "new\nline",
            "nul\0byte",
            "ünïcødé ключ 鍵",
            "x".repeat(10_000),
            "x".repeat(9_999) + "y",
            "#looks-hashed",
            "tab\tkey",
            "plain");
    for (String key : keys) {
      cache.put(key, "value of " + key.length() + key.hashCode());
    }
    for (String key : keys) {
      assertEquals("value of " + key.length() + key.hashCode(), cache.get(key), key);
    }
    Set<String> iterated = new HashSet<>();
    cache.forEach(e -> iterated.add(e.getKey()));
    assertEquals(new HashSet<>(keys), iterated, "iteration recovers hashed keys from envelopes");
  }

  @Test
  void nonStringKeysRoundTrip() {
    CacheManager manager = newManager("");
    Cache<Long, String> longs = newCache(manager, Long.class, String.class);
    longs.put(42L, "answer");
    assertEquals("answer", longs.get(42L));
    assertNull(longs.get(43L));

    Cache<Date, String> dates = newCache(manager, Date.class, String.class);
    dates.put(new Date(1_700_000_000_000L), "then");
    assertEquals("then", dates.get(new Date(1_700_000_000_000L)));

    Cache<OrderKey, String> orders = newCache(manager, OrderKey.class, String.class);
    orders.put(new OrderKey("eu", 7), "order 7");
    assertEquals("order 7", orders.get(new OrderKey("eu", 7)));
    assertNull(orders.get(new OrderKey("us", 7)));
  }

  @Test
  void userObjectsWithMapsAndListsRoundTrip() {
    Cache<String, Person> people = newCache(newManager(""), String.class, Person.class);
    Person ada =
        new Person(
            "Ada", 36, Map.of("role", "engineer"), new ArrayList<>(List.of("ada@example.org")));
    people.put("ada", ada);
    assertEquals(ada, people.get("ada"));
  }

  @Test
  void cacheNamesMemcachedWouldRejectAreEncoded() {
    CacheManager manager = newManager("");
    Cache<String, String> spaced =
        manager.createCache(
            "a cache: with spaces\nand more",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    Cache<String, String> plain =
        manager.createCache(
            "a", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    spaced.put("k", "spaced");
    plain.put("k", "plain");
    assertEquals("spaced", spaced.get("k"));
    assertEquals("plain", plain.get("k"));
  }

  @Test
  void classesOutsideTheAllowlistAreRejectedWithAHint() {
    // The manager of another test class's package is not allowed here: no allowPackages.
    CacheManager manager =
        new dev.memjcache.spi.MemcachedCachingProvider()
            .getCacheManager(URI.create(MEMCACHED.uri()), getClass().getClassLoader());
    try {
      Cache<String, Object> cache =
          manager.createCache(
              uniqueCacheName(),
              new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
      cache.put("p", "before");
      // refused on write (it could never be read back): nothing is stored
      ClassNotAllowedException e =
          assertThrows(
              ClassNotAllowedException.class,
              () -> cache.put("p", new Person("Bob", 1, Map.of(), List.of())));
      assertTrue(e.getMessage().contains(Person.class.getName()), e.getMessage());
      assertTrue(e.getMessage().contains("allowPackages"), e.getMessage());
      assertEquals("before", cache.get("p"));
      // the same bytes written by a manager that allows the class read here as a counted miss
      Cache<String, Object> writer = allowingWriter(cache);
      writer.put("p", new Person("Bob", 1, Map.of(), List.of()));
      assertNull(cache.get("p"));
      assertEquals(1, cache.unwrap(MemcachedCache.class).refusedClassCount());
      // configured types are allowed without naming their package
      Cache<String, Person> typed =
          manager.createCache(
              uniqueCacheName(),
              new MutableConfiguration<String, Person>().setTypes(String.class, Person.class));
      typed.put("p", new Person("Bob", 1, Map.of(), List.of()));
      assertEquals("Bob", typed.get("p").name);
    } finally {
      manager.close();
    }
  }

  @Test
  void valueOverTheItemSizeFailsWithBothSizesAndTheCacheKeepsWorking() {
    Cache<String, byte[]> cache = newCache(newManager(""), String.class, byte[].class);
    cache.put("big", new byte[1000]);
    ItemTooLargeException e =
        assertThrows(
            ItemTooLargeException.class, () -> cache.put("big", new byte[2 * 1024 * 1024]));
    assertTrue(e.getMessage().contains("1048576"), e.getMessage());
    assertTrue(e.getMessage().matches("(?s).*would take 2\\d{6} bytes.*"), e.getMessage());
    assertEquals(1000, cache.get("big").length, "the old value is untouched");
    cache.put("small", new byte[10]);
    assertEquals(10, cache.get("small").length);
  }

  @Test
  void foreignBytesUnderOurKeyReadAsAMiss() throws Exception {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    cache.put("k", "v");
    String itemKey = itemKey(cache, "k");
    rawClient(cache)
        .set(itemKey, 0, new CachedData(0, "not an envelope".getBytes(), 1024), RAW)
        .get(1, TimeUnit.SECONDS);
    assertNull(cache.get("k"));
    assertTrue(cache.putIfAbsent("k", "fresh"), "a foreign item counts as absent");
    assertEquals("fresh", cache.get("k"));
  }

  @Test
  void unknownOptionsAreAnErrorThatNamesThem() {
    CacheException e =
        assertThrows(
            CacheException.class,
            () ->
                new dev.memjcache.spi.MemcachedCachingProvider()
                    .getCacheManager(
                        URI.create(MEMCACHED.uri() + "?operationTimeoutMilis=5&bogus=1"),
                        getClass().getClassLoader()));
    assertTrue(e.getMessage().contains("operationTimeoutMilis"), e.getMessage());
    assertTrue(e.getMessage().contains("bogus"), e.getMessage());
  }
}
