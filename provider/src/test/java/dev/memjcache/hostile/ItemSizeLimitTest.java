package dev.memjcache.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.EnvelopeCodec;
import dev.memjcache.store.ItemTooLargeException;
import dev.memjcache.store.RawTranscoder;
import dev.memjcache.testkit.MemcachedExtension;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.Cache;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The item-size check against real memcached 1.6 servers with several {@code -I} settings: a value
 * of exactly the largest size memcached accepts is stored, one byte more is refused before anything
 * is sent, with both sizes in the message, and the entry already stored keeps its value, in both
 * failure modes. memcached itself is asked the same question with raw items of the same sizes, so
 * the check is proven exact, and the raw run shows why it matters: a too-large binary {@code set}
 * deletes the item memcached held.
 */
class ItemSizeLimitTest extends HostileTestSupport {

  @RegisterExtension
  static final MemcachedExtension TWO_MIB = MemcachedExtension.single("-I", "2m");

  @RegisterExtension
  static final MemcachedExtension SMALL =
      MemcachedExtension.single("-I", "64k", "-o", "slab_chunk_max=16384");

  @RegisterExtension
  static final MemcachedExtension NO_CAS = MemcachedExtension.single("-I", "2m", "-C");

  static Stream<Arguments> servers() {
    return Stream.of(
        Arguments.of("default -I 1m", MEMCACHED, "", 1024 * 1024),
        Arguments.of("-I 2m: chunked items", TWO_MIB, "", 2 * 1024 * 1024),
        Arguments.of("-I 64k, slab_chunk_max 16k", SMALL, "", 64 * 1024),
        Arguments.of("-I 2m -C: no CAS uniques", NO_CAS, "", 2 * 1024 * 1024),
        Arguments.of("-I 64k, failureMode=degrade", SMALL, "failureMode=degrade", 64 * 1024));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  void theLargestAcceptedValueIsStoredAndOneByteMoreIsRefusedKeepingTheEntry(
      String name, MemcachedExtension server, String options, int itemSizeMax) throws Exception {
    assertExactLimit(server.uri(), options, itemSizeMax);
  }

  @Test
  void everyWritePathRefusesTheOversizedValueAndKeepsTheOldOne() throws Exception {
    Cache<String, byte[]> cache =
        newManager(SMALL.uri(), "")
            .createCache(
                uniqueCacheName(),
                new javax.cache.configuration.MutableConfiguration<String, byte[]>()
                    .setTypes(String.class, byte[].class));
    byte[] old = filled(100, 1);
    cache.put("v", old);
    byte[] huge = new byte[64 * 1024];
    assertThrows(ItemTooLargeException.class, () -> cache.getAndPut("v", huge));
    assertThrows(ItemTooLargeException.class, () -> cache.replace("v", huge));
    assertThrows(ItemTooLargeException.class, () -> cache.getAndReplace("v", huge));
    assertThrows(
        ItemTooLargeException.class,
        () ->
            cache.invoke(
                "v",
                (e, a) -> {
                  e.setValue(huge);
                  return null;
                }));
    Map<String, byte[]> batch = new LinkedHashMap<>();
    batch.put("other", filled(10, 2));
    batch.put("v", huge);
    assertThrows(ItemTooLargeException.class, () -> cache.putAll(batch));
    assertArrayEquals(old, cache.get("v"));
    assertNull(cache.get("other"), "putAll checks every item before sending any");
    assertThrows(ItemTooLargeException.class, () -> cache.putIfAbsent("new", huge));
    assertFalse(cache.containsKey("new"));
  }

  /**
   * The largest value memcached takes under the entry's key, computed from its item layout, is
   * stored through the cache and as a raw item; one byte more is refused by both, and only the raw
   * refusal costs the existing item.
   */
  private void assertExactLimit(String serverUri, String options, int itemSizeMax)
      throws Exception {
    Cache<String, byte[]> cache =
        newManager(serverUri, options)
            .createCache(
                uniqueCacheName(),
                new javax.cache.configuration.MutableConfiguration<String, byte[]>()
                    .setTypes(String.class, byte[].class));
    byte[] old = filled(1000, 7);
    cache.put("v", old);
    MemcachedClient raw = raw(cache);
    Map<String, String> settings = raw.getStats("settings").values().iterator().next();
    assertEquals(itemSizeMax, Integer.parseInt(settings.get("item_size_max")));
    boolean cas = "yes".equals(settings.get("cas_enabled"));
    String itemKey = itemKeyOf(cache, serverUri, "v");
    // memcached 1.6 items.c: header 48 + CAS 8 + key + NUL + flags suffix 4 + value + CRLF
    int largest = itemSizeMax - (48 + (cas ? 8 : 0) + itemKey.length() + 1 + 4 + 2);

    // memcached's own answer, on a key of the same length
    String rawKey = itemKey.substring(0, itemKey.length() - 1) + "w";
    assertTrue(rawSet(raw, rawKey, new byte[largest]), "memcached stores the largest value");
    assertFalse(rawSet(raw, rawKey, new byte[largest + 1]), "memcached refuses one byte more");
    assertNull(
        raw.asyncGet(rawKey, RawTranscoder.INSTANCE).get(5, TimeUnit.SECONDS),
        "and a refused binary set deletes the item memcached held");

    byte[] fits = valueWithEnvelopeOf(largest);
    cache.put("v", fits);
    assertArrayEquals(fits, cache.get("v"), "exactly the largest accepted size is stored");
    assertEquals(
        largest,
        raw.asyncGet(itemKey, RawTranscoder.INSTANCE).get(5, TimeUnit.SECONDS).getData().length);

    byte[] tooBig = valueWithEnvelopeOf(largest + 1);
    ItemTooLargeException e =
        assertThrows(ItemTooLargeException.class, () -> cache.put("v", tooBig));
    String message = e.getMessage();
    assertTrue(
        message.contains("takes " + (largest + 1) + " bytes")
            && message.contains("would take " + (itemSizeMax + 1) + " bytes")
            && message.contains("is " + itemSizeMax + " bytes")
            && message.contains("largest value that fits under this key is " + largest + " bytes"),
        message);
    assertArrayEquals(fits, cache.get("v"), "the refused value did not cost the existing entry");
  }

  /**
   * A byte[] whose item is exactly {@code item} bytes: an eternal byte[] entry under a literal key
   * is stored bare (docs/storage-format.md), its item data is the value itself.
   */
  private static byte[] valueWithEnvelopeOf(int item) {
    return filled(item, item);
  }

  private static byte[] filled(int length, int seed) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) seed);
    return b;
  }

  /**
   * A raw {@code set}: true when stored, false when memcached refused the item as too large. The
   * binary protocol answers that with a status; the text one with {@code SERVER_ERROR object too
   * large for cache}, which spymemcached's text client raises and answers by reconnecting, so a
   * refusal in text waits until the connection is back.
   */
  private static boolean rawSet(MemcachedClient raw, String key, byte[] data) throws Exception {
    try {
      return raw.set(
              key,
              0,
              new CachedData(EnvelopeCodec.FLAGS, data, Integer.MAX_VALUE),
              RawTranscoder.INSTANCE)
          .get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!String.valueOf(e.getMessage()).contains("SERVER_ERROR object too large for cache")) {
        throw e;
      }
      awaitConnected(raw, key);
      return false;
    }
  }

  /** Waits (at most 10 s) until {@code raw} answers a {@code get} again. */
  private static void awaitConnected(MemcachedClient raw, String key) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        raw.asyncGet(key, RawTranscoder.INSTANCE).get(1, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
        Thread.sleep(20); // cancelled while the client reconnects
      }
    }
  }
}
