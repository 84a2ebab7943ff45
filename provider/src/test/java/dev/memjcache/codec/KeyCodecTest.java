package dev.memjcache.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.fixtures.UserKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyCodecTest {
  private static final ValueSerializer SERIALIZER =
      new ValueSerializer(
          KeyCodecTest.class.getClassLoader(),
          new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.fixtures")));
  private final KeyCodec codec = new KeyCodec("mjc", "users", SERIALIZER);

  @Test
  void layout() {
    assertEquals("users", codec.cacheSegment());
    assertEquals("mjc:users:gen", codec.generationKey());
    assertEquals("mjc:users:17:", codec.keyPrefix(17));
    assertEquals("mjc:users:17:alice", codec.itemKey(17, codec.encode("alice")));
    assertSame(codec.keyPrefix(17), codec.keyPrefix(17), "prefix is cached per generation");
    assertThrows(IllegalArgumentException.class, () -> codec.keyPrefix(-1));
  }

  @Test
  void prefixesOfSeveralServersGenerationsAreAllKept() {
    // one generation per server: a cluster's calls alternate between them
    String first = codec.keyPrefix(3);
    String second = codec.keyPrefix(8);
    String third = codec.keyPrefix(12);
    assertSame(first, codec.keyPrefix(3));
    assertSame(second, codec.keyPrefix(8));
    assertSame(third, codec.keyPrefix(12));
    assertEquals("mjc:users:8:", second);
    for (int generation = 100; generation < 140; generation++) {
      assertEquals("mjc:users:" + generation + ":", codec.keyPrefix(generation));
    }
    assertEquals("mjc:users:3:", codec.keyPrefix(3), "rebuilt after being dropped");
  }

  @Test
  void printableStringsAreLiteral() {
    for (String key : List.of("alice", "a/b?c=d&e#f", "!", "~~", "", "x".repeat(100))) {
      EncodedKey encoded = codec.encode(key);
      assertEquals(key, encoded.part());
      assertNull(encoded.serializedKey());
      assertFalse(encoded.isHashed());
      String part = codec.partOf(codec.itemKey(Long.MAX_VALUE, encoded), Long.MAX_VALUE);
      assertFalse(codec.isHashedPart(part));
      assertEquals(key, codec.decodePlainPart(part));
    }
  }

  @Test
  void otherKeysAreHashedWithTheirSerializedBytes() {
    List<Object> keys =
        List.of(
            "with space",
            "new\nline",
            "nul\0",
            "ünïcødé",
            "tab\t",
            "x".repeat(10_000),
            "#abc",
            42L,
            42,
            new Date(1_700_000_000_000L),
            new UserKey("acme", 7));
    for (Object key : keys) {
      EncodedKey encoded = codec.encode(key);
      assertTrue(encoded.part().startsWith("#"), String.valueOf(key));
      assertEquals(44, encoded.part().length());
      assertTrue(codec.isHashedPart(encoded.part()));
      assertNotNull(encoded.serializedKey());
      assertEquals(
          key, SERIALIZER.deserialize(encoded.serializedKey(), 0, encoded.serializedKey().length));
    }
    assertNotEquals(codec.encode(42L).part(), codec.encode(42).part(), "Long and Integer differ");
  }

  @Test
  void longestLiteralStillFitsWithMaximalGeneration() {
    int fixed = "mjc:users:".length() + 19 + 1;
    String longest = "k".repeat(KeyCodec.MAX_KEY_BYTES - fixed);
    assertEquals(longest, codec.encode(longest).part());
    assertEquals(
        KeyCodec.MAX_KEY_BYTES, codec.itemKey(Long.MAX_VALUE, codec.encode(longest)).length());
    assertTrue(codec.encode(longest + "k").isHashed());
  }

  @Test
  void equalKeysGiveEqualItemKeys() {
    assertEquals(
        codec.itemKey(3, codec.encode(new UserKey("acme", 7))),
        codec.itemKey(3, codec.encode(new UserKey("acme", 7))));
    assertEquals(
        codec.itemKey(3, codec.encode(new String("with space"))),
        codec.itemKey(3, codec.encode("with space")));
    assertEquals(
        codec.itemKey(3, codec.encode(new Date(5))), codec.itemKey(3, codec.encode(new Date(5))));
    assertArrayEquals(
        codec.encode(99L).serializedKey(), codec.encode(Long.valueOf(99)).serializedKey());
    assertNotEquals(
        codec.encode(new UserKey("acme", 7)).part(), codec.encode(new UserKey("acme", 8)).part());
  }

  @Test
  void everyItemKeyIsAValidMemcachedKey() {
    List<KeyCodec> codecs =
        List.of(
            codec,
            new KeyCodec("p", "cache:with:colons", SERIALIZER),
            new KeyCodec("prefix-" + "p".repeat(113), "n".repeat(200), SERIALIZER),
            new KeyCodec("x", "name with spaces ✓", SERIALIZER),
            new KeyCodec("x", "", SERIALIZER));
    List<Object> keys =
        new ArrayList<>(List.of("k", "x".repeat(10_000), "sp ace", 1, new UserKey("t", 1)));
    keys.add("y".repeat(249));
    for (KeyCodec c : codecs) {
      assertValidKey(c.generationKey());
      for (Object key : keys) {
        assertValidKey(c.itemKey(Long.MAX_VALUE, c.encode(key)));
        assertValidKey(c.itemKey(0, c.encode(key)));
      }
    }
  }

  @Test
  void cacheNamesThatAreNotPlainAreHashed() {
    for (String name :
        List.of("a:b", "with space", "n".repeat(65), "n".repeat(200), "ünï", "#looks-hashed", "")) {
      String segment = new KeyCodec("p", name, SERIALIZER).cacheSegment();
      assertTrue(segment.startsWith("#"), name);
      assertEquals(44, segment.length());
    }
    assertEquals("n".repeat(64), new KeyCodec("p", "n".repeat(64), SERIALIZER).cacheSegment());
    assertNotEquals(
        new KeyCodec("p", "a:b", SERIALIZER).cacheSegment(),
        new KeyCodec("p", "a:c", SERIALIZER).cacheSegment());
  }

  @Test
  void partOfSelectsThisCacheAndGeneration() {
    String item = codec.itemKey(5, codec.encode("alice"));
    assertEquals("alice", codec.partOf(item, 5));
    assertNull(codec.partOf(item, 4));
    assertNull(codec.partOf("mjc:users:gen", 5));
    assertNull(new KeyCodec("mjc", "user", SERIALIZER).partOf(item, 5));
    String hashed = codec.itemKey(5, codec.encode(7L));
    assertTrue(codec.isHashedPart(codec.partOf(hashed, 5)));
    assertThrows(
        IllegalArgumentException.class, () -> codec.decodePlainPart(codec.partOf(hashed, 5)));
  }

  @Test
  void validatesPrefixAndKey() {
    for (String prefix : List.of("", "a:b", "a b", "ü", "x".repeat(121))) {
      assertThrows(
          IllegalArgumentException.class, () -> new KeyCodec(prefix, "c", SERIALIZER), prefix);
    }
    new KeyCodec("x".repeat(120), "c", SERIALIZER);
    assertThrows(NullPointerException.class, () -> codec.encode(null));
  }

  private static void assertValidKey(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    assertTrue(bytes.length <= KeyCodec.MAX_KEY_BYTES, key.length() + " bytes: " + key);
    for (byte b : bytes) {
      assertTrue(b >= 0x21 && b <= 0x7E, "byte " + b + " in " + key);
    }
  }
}
