package dev.memjcache.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.MemcachedCache;
import dev.memjcache.codec.EnvelopeCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Planted class names (issue 8, "A planted class name runs code before it is refused", "Refused
 * classes look like misses", "One planted non-allowed class blocks its key everywhere"): an item
 * under an entry's memcached key whose value names a class outside the allowlist. It must read as a
 * miss in every operation, be counted and logged, stay removable and overwritable, leave the other
 * entries alone, and never load-and-initialize the class.
 */
class PlantedClassTest extends HostileTestSupport {

  private static final String FIXTURES = "dev.memjcache.hostile.fixtures.";

  @AfterAll
  static void noPlantedInitializerEverRan() {
    assertNull(initRan("StaticInitRecorder"), "StaticInitRecorder's static initializer ran");
    assertNull(initRan("PlantedEnum"), "PlantedEnum was initialized (constants built)");
  }

  /** A cache with entries k (to be planted), a and b; returns it. */
  private Cache<String, String> cacheWithEntries(CacheManager manager) {
    Cache<String, String> cache = newCache(manager, String.class, String.class);
    cache.put("k", "original");
    cache.put("a", "A");
    cache.put("b", "B");
    return cache;
  }

  private static void assertOthersUntouched(Cache<String, String> cache) {
    assertEquals("A", cache.get("a"));
    assertEquals("B", cache.get("b"));
  }

  private static long refused(Cache<?, ?> cache) {
    return cache.unwrap(MemcachedCache.class).refusedClassCount();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.lang.ProcessBuilder",
        "java.lang.Thread",
        "java.net.URLClassLoader",
        "java.lang.Runtime",
        "javax.management.BadAttributeValueExpException",
        "jdk.internal.misc.Unsafe",
        "sun.misc.Unsafe",
        "[Ljava.lang.ProcessBuilder;",
        FIXTURES + "StaticInitRecorder",
        FIXTURES + "PlantedEnum",
        FIXTURES + "PlantedEnum$1",
        "[L" + FIXTURES + "StaticInitRecorder;",
        "[[L" + FIXTURES + "PlantedEnum;"
      })
  void plantedClassReadsAsACountedMissEverywhereAndStaysRemovable(String className)
      throws Exception {
    Cache<String, String> cache = cacheWithEntries(newManager(""));
    String itemKey = itemKeyOf(cache, "k");
    plant(cache, itemKey, EnvelopeCodec.FLAGS, envelope(kryoNaming(className, (byte) 1, (byte) 0)));

    assertNull(cache.get("k"));
    assertEquals(1, refused(cache), "the refused read is counted");
    assertFalse(cache.containsKey("k"));
    assertEquals(Map.of("a", "A", "b", "B"), cache.getAll(Set.of("k", "a", "b")));
    Map<String, String> iterated = new HashMap<>();
    for (Cache.Entry<String, String> e : cache) {
      iterated.put(e.getKey(), e.getValue());
    }
    assertEquals(Map.of("a", "A", "b", "B"), iterated, "iteration skips the planted item");
    assertEquals(
        Boolean.FALSE,
        cache.invoke("k", (entry, args) -> entry.exists()),
        "invoke sees an absent entry");
    assertTrue(refused(cache) >= 5, "every read counted: " + refused(cache));
    assertOthersUntouched(cache);

    assertFalse(cache.remove("k"), "a refused item is no entry: remove answers false");
    assertNull(rawItem(cache, itemKey), "but remove deleted the planted item");
    assertNull(initRan("StaticInitRecorder"));
    assertNull(initRan("PlantedEnum"));
  }

  @Test
  void putOverwritesAPlantedItemAndPutIfAbsentSeesItAbsent() throws Exception {
    Cache<String, String> cache = cacheWithEntries(newManager(""));
    String itemKey = itemKeyOf(cache, "k");
    byte[] planted = envelope(kryoNaming(FIXTURES + "StaticInitRecorder"));
    plant(cache, itemKey, EnvelopeCodec.FLAGS, planted);
    cache.put("k", "put");
    assertEquals("put", cache.get("k"));

    plant(cache, itemKey, EnvelopeCodec.FLAGS, planted);
    assertTrue(cache.putIfAbsent("k", "absent"));
    assertEquals("absent", cache.get("k"));

    plant(cache, itemKey, EnvelopeCodec.FLAGS, planted);
    assertNull(cache.getAndPut("k", "getAndPut"));
    assertEquals("getAndPut", cache.get("k"));

    plant(cache, itemKey, EnvelopeCodec.FLAGS, planted);
    assertFalse(cache.replace("k", "replace"), "nothing to replace");
    assertEquals(
        "fresh",
        cache.invoke(
            "k",
            (entry, args) -> {
              entry.setValue("fresh");
              return entry.getValue();
            }));
    assertEquals("fresh", cache.get("k"));
    assertOthersUntouched(cache);
  }

  @Test
  void removeAllAndClearGetRidOfPlantedItems() throws Exception {
    Cache<String, String> cache = cacheWithEntries(newManager(""));
    String itemKey = itemKeyOf(cache, "k");
    byte[] planted = envelope(kryoNaming("java.lang.ProcessBuilder"));
    plant(cache, itemKey, EnvelopeCodec.FLAGS, planted);
    cache.removeAll(Set.of("k"));
    assertNull(rawItem(cache, itemKey));
    assertOthersUntouched(cache);

    plant(cache, itemKey, EnvelopeCodec.FLAGS, planted);
    cache.removeAll();
    assertNull(rawItem(cache, itemKey), "removeAll() enumerates and deletes the planted item");
    assertNull(cache.get("a"));

    cache.put("a", "A");
    plant(cache, itemKey, EnvelopeCodec.FLAGS, planted);
    cache.clear();
    assertNull(cache.get("k"));
    assertNull(cache.get("a"));
    cache.put("k", "after clear");
    assertEquals("after clear", cache.get("k"));
  }

  @Test
  void aPlantedClassInsideAnAllowedGraphIsRefusedToo() throws Exception {
    Cache<String, Object> cache =
        newManager("")
            .createCache(
                uniqueCacheName(),
                new javax.cache.configuration.MutableConfiguration<String, Object>()
                    .setTypes(String.class, Object.class));
    cache.put("k", new java.util.ArrayList<>(java.util.List.of("x")));
    cache.put("a", "A");
    String itemKey = itemKeyOf(cache, "k");
    // a real ArrayList[OffsetDateTime], with the element's class name swapped for one of the
    // same length
    byte[] bytes =
        new dev.memjcache.codec.ValueSerializer(
                getClass().getClassLoader(),
                new dev.memjcache.codec.ClassAllowlist(java.util.List.of(), java.util.List.of()))
            .serialize(
                new java.util.ArrayList<>(java.util.List.of(java.time.OffsetDateTime.now())));
    replaceKryoString(bytes, "java.time.OffsetDateTime", "java.lang.ProcessBuilder");
    plant(cache, itemKey, EnvelopeCodec.FLAGS, envelope(bytes));
    assertNull(cache.get("k"));
    assertEquals(1, refused(cache));
    assertEquals("A", cache.get("a"));
  }

  /** Replaces a Kryo ASCII string (last char has bit 7 set) by another of the same length. */
  static void replaceKryoString(byte[] bytes, String from, String to) {
    byte[] f = kryoAscii(from);
    byte[] t = kryoAscii(to);
    for (int i = 0; i + f.length <= bytes.length; i++) {
      if (java.util.Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, bytes, i, t.length);
        return;
      }
    }
    throw new AssertionError(from + " not found in the serialized bytes");
  }

  private static byte[] kryoAscii(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    b[b.length - 1] |= (byte) 0x80;
    return b;
  }

  @Test
  void aRefusedReadIsLoggedWithCacheNameKeyAndClass() throws Exception {
    Cache<String, String> cache = cacheWithEntries(newManager(""));
    String itemKey = itemKeyOf(cache, "k");
    plant(cache, itemKey, EnvelopeCodec.FLAGS, envelope(kryoNaming("java.lang.Thread")));
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertNull(cache.get("k"));
      for (int i = 0; i < 50; i++) {
        assertNull(cache.get("k"));
      }
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(
        log.contains(cache.getName())
            && log.contains(itemKey)
            && log.contains("java.lang.Thread")
            && log.contains("allowPackages"),
        log);
    assertEquals(
        1,
        log.lines().filter(l -> l.contains("java.lang.Thread")).count(),
        "51 refusals, one line: the log is rate-limited\n" + log);
    assertEquals(51, refused(cache));
  }

  @Test
  void aValueOfARefusedClassIsRefusedAtPutWithTheHintAndNothingIsWritten() throws Exception {
    Cache<String, Object> cache =
        newManager("")
            .createCache(
                uniqueCacheName(),
                new javax.cache.configuration.MutableConfiguration<String, Object>()
                    .setTypes(String.class, Object.class));
    cache.put("k", "before");
    dev.memjcache.codec.ClassNotAllowedException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.memjcache.codec.ClassNotAllowedException.class,
            () -> cache.put("k", new java.util.concurrent.atomic.AtomicBoolean(true)));
    assertTrue(
        e.getMessage().contains("java.util.concurrent.atomic.AtomicBoolean")
            && e.getMessage().contains("nothing was stored")
            && e.getMessage().contains("allowPackages"),
        e.getMessage());
    assertEquals("before", cache.get("k"));
    assertNotNull(rawItem(cache, itemKeyOf(cache, "k")));
    assertEquals(0, refused(cache));
  }
}
