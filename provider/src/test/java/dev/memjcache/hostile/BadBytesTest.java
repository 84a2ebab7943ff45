package dev.memjcache.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.MemcachedCache;
import dev.memjcache.codec.EnvelopeCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryExpiredListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes under an entry's memcached key that are not a usable MemJCache entry (issue 8, "Bad bytes
 * and bad sizes"): each reads as a miss without a crash or a foreign object, is logged, can be
 * removed and overwritten, and leaves every other entry of the cache untouched.
 *
 * <p>The corrupt generation item cases ({@code set mjc:<cache>:gen 0 0 3 abc}, and a corrupt clear
 * marker) need the generation tracker's package-private test support; they live in {@code
 * dev.memjcache.GenerationRepairTest} and belong to this suite.
 */
class BadBytesTest extends HostileTestSupport {

  /** A real envelope of "original" for a String cache (no stored key). */
  private static byte[] realEnvelope() {
    byte[] kryo =
        new dev.memjcache.codec.ValueSerializer(
                BadBytesTest.class.getClassLoader(),
                new dev.memjcache.codec.ClassAllowlist(List.of(), List.of()))
            .serialize("original");
    return envelope(kryo);
  }

  static Stream<Arguments> badItems() {
    byte[] real = realEnvelope();
    byte[] otherVersion = real.clone();
    otherVersion[0] = 9; // 1 = Kryo, 2 = byte[], 3 = String

    byte[] hugeKeyLength = real.clone();
    ByteBuffer.wrap(hugeKeyLength).putInt(9, Integer.MAX_VALUE);
    byte[] negativeKeyLength = real.clone();
    ByteBuffer.wrap(negativeKeyLength).putInt(9, -2);
    byte[] storedKeyForALiteralKey =
        ByteBuffer.allocate(real.length + 3)
            .put(real, 0, 9)
            .putInt(3)
            .put(new byte[] {1, 2, 3})
            .put(real, 13, real.length - 13)
            .array();
    byte[] trailing = ByteBuffer.allocate(real.length + 4).put(real).putInt(0xCAFEBABE).array();
    byte[] hugeString =
        envelope(
            new byte[] {
              3, (byte) 0x81, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07
            }); // String of length ~2^31 in 1 byte
    byte[] hugeByteArray =
        envelope(
            new byte[] {(byte) 0x0B, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
    byte[] missingClass = envelope(kryoNaming("dev.memjcache.hostile.NoSuchClass", (byte) 1));
    byte[] deepNesting = envelope(deeplyNestedArrays(100_000));
    return Stream.of(
        Arguments.of("flags 0 on a real envelope", 0, real),
        Arguments.of("flags of another format version", EnvelopeCodec.FLAGS + 0x10, real),
        Arguments.of("empty value", EnvelopeCodec.FLAGS, new byte[0]),
        Arguments.of("plain text", EnvelopeCodec.FLAGS, "hello world".getBytes()),
        Arguments.of("unknown value format 9", EnvelopeCodec.FLAGS, otherVersion),
        Arguments.of("key length beyond the item", EnvelopeCodec.FLAGS, hugeKeyLength),
        Arguments.of("key length -2", EnvelopeCodec.FLAGS, negativeKeyLength),
        Arguments.of(
            "a stored key under a literal key", EnvelopeCodec.FLAGS, storedKeyForALiteralKey),
        Arguments.of("trailing bytes after the value", EnvelopeCodec.FLAGS, trailing),
        Arguments.of("a 2 GiB string length in 6 bytes", EnvelopeCodec.FLAGS, hugeString),
        Arguments.of("a 2 GiB byte[] length in 6 bytes", EnvelopeCodec.FLAGS, hugeByteArray),
        Arguments.of("a class that does not exist", EnvelopeCodec.FLAGS, missingClass),
        Arguments.of("100,000 nested arrays", EnvelopeCodec.FLAGS, deepNesting),
        Arguments.of("random bytes", EnvelopeCodec.FLAGS, randomBytes(4096)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badItems")
  void aBadItemReadsAsAMissAndIsRemovableAndOverwritable(String what, int flags, byte[] data)
      throws Exception {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    cache.put("k", "original");
    cache.put("a", "A");
    String itemKey = itemKeyOf(cache, "k");
    plant(cache, itemKey, flags, data);

    assertNull(cache.get("k"), what);
    assertFalse(cache.containsKey("k"));
    assertEquals(Map.of("a", "A"), cache.getAll(Set.of("k", "a")));
    Map<String, String> iterated = new HashMap<>();
    cache.forEach(e -> iterated.put(e.getKey(), e.getValue()));
    assertEquals(Map.of("a", "A"), iterated);
    assertEquals(Boolean.FALSE, cache.invoke("k", (e, args) -> e.exists()));
    assertEquals(
        0,
        cache.unwrap(MemcachedCache.class).refusedClassCount(),
        "bad bytes are not a refused class");
    assertFalse(cache.remove("k"));
    assertNull(rawItem(cache, itemKey), "remove deleted the bad item");

    plant(cache, itemKey, flags, data);
    cache.put("k", "fixed");
    assertEquals("fixed", cache.get("k"));
    assertEquals("A", cache.get("a"));
  }

  @Test
  void everyTruncationOfARealEnvelopeReadsAsAMiss() throws Exception {
    Cache<String, Object> cache =
        newManager("")
            .createCache(
                uniqueCacheName(),
                new MutableConfiguration<String, Object>().setTypes(String.class, Object.class));
    Map<String, Object> value =
        new HashMap<>(
            Map.of(
                "list",
                new ArrayList<>(List.of(1L, "two")),
                "when",
                java.time.Instant.ofEpochMilli(1234567)));
    cache.put("k", value);
    cache.put("a", "A");
    String itemKey = itemKeyOf(cache, "k");
    byte[] real = rawItem(cache, itemKey).getData();
    for (int length = 0; length < real.length; length++) {
      plant(cache, itemKey, EnvelopeCodec.FLAGS, java.util.Arrays.copyOf(real, length));
      assertNull(cache.get("k"), "truncated to " + length + " of " + real.length + " bytes");
    }
    plant(cache, itemKey, EnvelopeCodec.FLAGS, real);
    assertEquals(value, cache.get("k"), "the whole envelope still reads");
    assertEquals("A", cache.get("a"));
    assertTrue(real.length > 40, "a meaningful number of truncations: " + real.length);
  }

  @Test
  void anExpiredItemNamingARefusedClassIsDeletedWithoutAnEventOrAnError() throws Exception {
    AtomicInteger expired = new AtomicInteger();
    ExpiredCounter.COUNT = expired;
    MutableConfiguration<String, String> config =
        new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(
                    FactoryBuilder.factoryOf(ExpiredCounter.class), null, true, true));
    Cache<String, String> cache = newManager("").createCache(uniqueCacheName(), config);
    cache.put("k", "original");
    cache.put("a", "A");
    String itemKey = itemKeyOf(cache, "k");
    ByteBuffer planted = ByteBuffer.wrap(envelope(kryoNaming("java.lang.ProcessBuilder")));
    planted.putLong(1, System.currentTimeMillis() - 60_000); // expired a minute ago
    plant(cache, itemKey, EnvelopeCodec.FLAGS, planted.array());
    assertNull(cache.get("k"));
    assertNull(rawItem(cache, itemKey), "the expired item was cleaned up");
    assertEquals(0, expired.get(), "no EXPIRED event for an item that was never readable");
    assertEquals("A", cache.get("a"));
  }

  /** Counts EXPIRED events (a static hook: the listener is built from its class). */
  public static final class ExpiredCounter implements CacheEntryExpiredListener<String, String> {
    static volatile AtomicInteger COUNT = new AtomicInteger();

    @Override
    public void onExpired(
        Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> COUNT.incrementAndGet());
    }
  }

  private static byte[] deeplyNestedArrays(int depth) {
    // Object[] { Object[] { ... } }: class id of Object[] then length 1, repeated
    com.esotericsoftware.kryo.io.Output out = new com.esotericsoftware.kryo.io.Output(1024, -1);
    out.writeVarInt(1, true);
    out.writeVarInt(0, true);
    out.writeString("[Ljava.lang.Object;");
    for (int i = 0; i < depth; i++) {
      out.writeVarInt(1, true); // reference: not null, new
      out.writeVarInt(2, true); // length + 1
      out.writeVarInt(1, true); // element class: by name
      out.writeVarInt(0, true); // name id 0 again
    }
    return out.toBytes();
  }

  private static byte[] randomBytes(int length) {
    byte[] b = new byte[length];
    new java.util.Random(42).nextBytes(b);
    b[0] = 1; // version 1, so the codec gets past the first check
    return b;
  }
}
