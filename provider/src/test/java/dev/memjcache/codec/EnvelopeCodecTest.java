package dev.memjcache.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.fixtures.UserKey;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {
  private final ValueSerializer serializer =
      new ValueSerializer(
          getClass().getClassLoader(),
          new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.fixtures")));
  private final EnvelopeCodec codec = new EnvelopeCodec(serializer);

  @Test
  void roundTripWithKey() {
    byte[] key = serializer.serialize(new UserKey("acme", 1));
    byte[] bytes = codec.encode(1_700_000_000_123L, key, Map.of("v", 1));
    Envelope envelope = codec.decode(EnvelopeCodec.FLAGS, bytes);
    assertNotNull(envelope);
    assertEquals(1_700_000_000_123L, envelope.expiresAtMillis());
    assertFalse(envelope.isEternal());
    assertFalse(envelope.isExpiredAt(1_700_000_000_122L));
    assertTrue(envelope.isExpiredAt(1_700_000_000_123L));
    assertArrayEquals(key, envelope.serializedKey());
    assertEquals(Map.of("v", 1), envelope.value());
    assertSame(envelope.value(), envelope.value(), "deserialized once");
    assertSame(bytes, envelope.bytes());
  }

  @Test
  void layoutIsDocumentedBigEndian() {
    byte[] bytes = codec.encode(0x0102030405060708L, new byte[] {7, 7}, "v");
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    assertEquals(1, buffer.get());
    assertEquals(0x0102030405060708L, buffer.getLong());
    assertEquals(2, buffer.getInt());
    assertEquals(7, buffer.get());
    assertEquals(7, buffer.get());
    assertEquals("v", serializer.deserialize(bytes, 15, bytes.length - 15));
    byte[] noKey = codec.encode(5, null, "v");
    assertEquals(-1, ByteBuffer.wrap(noKey, 9, 4).getInt());
  }

  @Test
  void eternalAndLiteralKey() {
    Envelope envelope =
        codec.decode(EnvelopeCodec.FLAGS, codec.encode(EnvelopeCodec.ETERNAL, null, "value"));
    assertTrue(envelope.isEternal());
    assertFalse(envelope.isExpiredAt(Long.MAX_VALUE));
    assertNull(envelope.serializedKey());
    assertTrue(envelope.keyMatches(null));
    assertFalse(envelope.keyMatches(new byte[] {1}));
    assertEquals("value", envelope.value());
  }

  @Test
  void keyCheck() {
    Envelope envelope =
        codec.decode(EnvelopeCodec.FLAGS, codec.encode(10, new byte[] {1, 2, 3}, "v"));
    assertTrue(envelope.keyMatches(new byte[] {1, 2, 3}));
    assertFalse(envelope.keyMatches(new byte[] {1, 2, 4}));
    assertFalse(envelope.keyMatches(new byte[] {1, 2}));
    assertFalse(envelope.keyMatches(null));
  }

  @Test
  void withExpiryKeepsKeyAndValueBytes() {
    byte[] original = codec.encode(100, new byte[] {4, 5}, List.of("a", "b"));
    byte[] copy = original.clone();
    byte[] rewritten = codec.withExpiry(original, EnvelopeCodec.ETERNAL);
    assertArrayEquals(copy, original, "input unchanged");
    assertEquals(original.length, rewritten.length);
    assertArrayEquals(
        Arrays.copyOfRange(original, 9, original.length),
        Arrays.copyOfRange(rewritten, 9, rewritten.length));
    Envelope envelope = codec.decode(EnvelopeCodec.FLAGS, rewritten);
    assertTrue(envelope.isEternal());
    assertEquals(List.of("a", "b"), envelope.value());
    assertThrows(IllegalArgumentException.class, () -> codec.withExpiry(new byte[] {9, 9}, 1));
  }

  @Test
  void foreignBytesAreNull() {
    byte[] valid = codec.encode(100, new byte[] {4, 5}, "v");
    assertNull(codec.decode(0, valid), "wrong flags");
    assertNull(codec.decode(EnvelopeCodec.FLAGS + 1, valid), "other version's flags");
    assertNull(codec.decode(EnvelopeCodec.FLAGS, new byte[0]));
    assertNull(codec.decode(EnvelopeCodec.FLAGS, null));
    for (int length = 0; length < 15; length++) {
      assertNull(
          codec.decode(EnvelopeCodec.FLAGS, Arrays.copyOf(valid, length)),
          "truncated to " + length);
    }
    byte[] version = valid.clone();
    version[0] = 2;
    assertNull(codec.decode(EnvelopeCodec.FLAGS, version));
    for (int keyLength : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, -2, valid.length - 13}) {
      byte[] bad = valid.clone();
      ByteBuffer.wrap(bad).putInt(9, keyLength);
      assertNull(codec.decode(EnvelopeCodec.FLAGS, bad), "key length " + keyLength);
    }
    Random random = new Random(42);
    for (int i = 0; i < 1_000; i++) {
      byte[] noise = new byte[random.nextInt(64)];
      random.nextBytes(noise);
      Envelope envelope = codec.decode(EnvelopeCodec.FLAGS, noise);
      if (envelope != null) {
        // a lucky header: the value must then fail cleanly, never with anything but our exception
        try {
          envelope.value();
        } catch (SerializationException expected) {
          // corrupt value bytes
        }
      }
    }
  }
}
