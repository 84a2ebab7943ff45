package dev.memjcache.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.fixtures.UserKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    byte[] bytes = codec.encode(1_700_000_000_123L, key, Map.of("v", 1)).bytes();
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
    byte[] bytes = codec.encode(0x0102030405060708L, new byte[] {7, 7}, 42.5d).bytes();
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    assertEquals(1, buffer.get());
    assertEquals(0x0102030405060708L, buffer.getLong());
    assertEquals(2, buffer.getInt());
    assertEquals(7, buffer.get());
    assertEquals(7, buffer.get());
    assertEquals(42.5d, serializer.deserialize(bytes, 15, bytes.length - 15));
    byte[] noKey = codec.encode(5, null, 42.5d).bytes();
    assertEquals(-1, ByteBuffer.wrap(noKey, 9, 4).getInt());
  }

  @Test
  void eternalAndLiteralKey() {
    Envelope envelope =
        codec.decode(EnvelopeCodec.FLAGS, codec.encode(EnvelopeCodec.ETERNAL, null, 7L).bytes());
    assertTrue(envelope.isEternal());
    assertFalse(envelope.isExpiredAt(Long.MAX_VALUE));
    assertNull(envelope.serializedKey());
    assertTrue(envelope.keyMatches(null));
    assertFalse(envelope.keyMatches(new byte[] {1}));
    assertEquals(7L, envelope.value());
  }

  @Test
  void keyCheck() {
    Envelope envelope =
        codec.decode(EnvelopeCodec.FLAGS, codec.encode(10, new byte[] {1, 2, 3}, "v").bytes());
    assertTrue(envelope.keyMatches(new byte[] {1, 2, 3}));
    assertFalse(envelope.keyMatches(new byte[] {1, 2, 4}));
    assertFalse(envelope.keyMatches(new byte[] {1, 2}));
    assertFalse(envelope.keyMatches(null));
  }

  @Test
  void withExpiryKeepsKeyAndValueBytes() {
    byte[] original = codec.encode(100, new byte[] {4, 5}, List.of("a", "b")).bytes();
    byte[] copy = original.clone();
    byte[] rewritten =
        codec
            .withExpiry(codec.decode(EnvelopeCodec.FLAGS, original), EnvelopeCodec.ETERNAL)
            .bytes();
    assertArrayEquals(copy, original, "input unchanged");
    assertEquals(original.length, rewritten.length);
    assertArrayEquals(
        Arrays.copyOfRange(original, 9, original.length),
        Arrays.copyOfRange(rewritten, 9, rewritten.length));
    Envelope envelope = codec.decode(EnvelopeCodec.FLAGS, rewritten);
    assertTrue(envelope.isEternal());
    assertEquals(List.of("a", "b"), envelope.value());
  }

  @Test
  void foreignBytesAreNull() {
    byte[] valid = codec.encode(100, new byte[] {4, 5}, 1.5d).bytes();
    assertNull(codec.decode(0, valid), "wrong flags");
    assertNull(codec.decode(EnvelopeCodec.FLAGS + 0x10, valid), "other version's flags");
    assertNull(codec.decode(EnvelopeCodec.FLAGS, new byte[0]));
    assertNull(codec.decode(EnvelopeCodec.FLAGS, null));
    for (int length = 0; length < 15; length++) {
      assertNull(
          codec.decode(EnvelopeCodec.FLAGS, Arrays.copyOf(valid, length)),
          "truncated to " + length);
    }
    byte[] version = valid.clone();
    for (byte format : new byte[] {0, 6, 9, -1}) {
      version[0] = format;
      assertNull(codec.decode(EnvelopeCodec.FLAGS, version), "value format " + format);
    }
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

  @Test
  void eternalLiteralKeyBytesAreStoredBareWithoutCopies() {
    byte[] value = {1, 2, 3, 4};
    EncodedEntry item = codec.encode(EnvelopeCodec.ETERNAL, null, value);
    assertEquals(EnvelopeCodec.BARE_BYTES_FLAGS, item.flags());
    assertSame(value, item.bytes(), "written without a copy");
    assertTrue(item.aliasesValue());
    EncodedEntry detached = item.detached();
    assertArrayEquals(value, detached.bytes());
    assertNotSame(value, detached.bytes(), "detached for writes that return before the send");
    assertFalse(detached.aliasesValue());
    Envelope envelope = codec.decode(item.flags(), item.bytes());
    assertTrue(envelope.isBare());
    assertTrue(envelope.isEternal());
    assertTrue(envelope.keyMatches(null));
    assertFalse(envelope.keyMatches(new byte[] {1}), "a hashed key never matches a bare item");
    assertSame(item.bytes(), envelope.value(), "read without a copy");
    assertArrayEquals(
        new byte[0], (byte[]) decodeBack(codec.encode(EnvelopeCodec.ETERNAL, null, new byte[0])));
  }

  @Test
  void theFlagsAreTwoDigitsAndItemsWithTheEarlierTenDigitFlagsReadAsTheSameFormats() {
    assertEquals(
        List.of(77, 78, 79),
        List.of(
            EnvelopeCodec.FLAGS, EnvelopeCodec.BARE_BYTES_FLAGS, EnvelopeCodec.BARE_STRING_FLAGS));
    EncodedEntry headed = codec.encode(1_234, new byte[] {5}, new UserKey("acme", 2));
    EncodedEntry bytes = codec.encode(EnvelopeCodec.ETERNAL, null, new byte[] {1, 2});
    EncodedEntry string = codec.encode(EnvelopeCodec.ETERNAL, null, "grüße");
    assertEquals(
        List.of(
            EnvelopeCodec.FLAGS, EnvelopeCodec.BARE_BYTES_FLAGS, EnvelopeCodec.BARE_STRING_FLAGS),
        List.of(headed.flags(), bytes.flags(), string.flags()));

    Envelope oldHeaded = codec.decode(0x4D4A4301, headed.bytes());
    assertEquals(new UserKey("acme", 2), oldHeaded.value());
    assertEquals(1_234, oldHeaded.expiresAtMillis());
    assertTrue(oldHeaded.keyMatches(new byte[] {5}));
    assertFalse(oldHeaded.isBare());
    assertEquals(EnvelopeCodec.FLAGS, oldHeaded.flags(), "reported with the current flags");
    Envelope oldBytes = codec.decode(0x4D4A4302, bytes.bytes());
    assertArrayEquals(new byte[] {1, 2}, (byte[]) oldBytes.value());
    assertTrue(oldBytes.isBare());
    assertEquals(EnvelopeCodec.BARE_BYTES_FLAGS, oldBytes.flags());
    Envelope oldString = codec.decode(0x4D4A4303, string.bytes());
    assertEquals("grüße", oldString.value());
    assertEquals(EnvelopeCodec.BARE_STRING_FLAGS, oldString.flags());

    // a rewrite of an old item stores the current flags
    assertEquals(EnvelopeCodec.FLAGS, codec.withExpiry(oldHeaded, 5_000).flags());
    assertEquals(
        EnvelopeCodec.BARE_BYTES_FLAGS, codec.withExpiry(oldBytes, EnvelopeCodec.ETERNAL).flags());
    assertEquals(EnvelopeCodec.FLAGS, codec.withExpiry(oldString, 5_000).flags());
    // neighbours of either set are foreign
    for (int foreign : new int[] {0, 1, 76, 80, 0x4D4A4300, 0x4D4A4304}) {
      assertNull(codec.decode(foreign, headed.bytes()), "flags " + foreign);
      assertNull(codec.decode(foreign, bytes.bytes()), "flags " + foreign);
    }
  }

  @Test
  void stringsAreStoredAsUtf8() {
    for (String value : new String[] {"", "plain ascii", "grüße, 東京 \uD83D\uDE00"}) {
      EncodedEntry bare = codec.encode(EnvelopeCodec.ETERNAL, null, value);
      assertEquals(EnvelopeCodec.BARE_STRING_FLAGS, bare.flags());
      assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), bare.bytes());
      assertEquals(value, decodeBack(bare));
      EncodedEntry headed = codec.encode(99, new byte[] {5}, value);
      assertEquals(EnvelopeCodec.FLAGS, headed.flags());
      assertEquals(EnvelopeCodec.FORMAT_STRING, headed.bytes()[0]);
      assertEquals(13 + 1 + value.getBytes(StandardCharsets.UTF_8).length, headed.bytes().length);
      Envelope envelope = codec.decode(headed.flags(), headed.bytes());
      assertEquals(99, envelope.expiresAtMillis());
      assertTrue(envelope.keyMatches(new byte[] {5}));
      assertEquals(value, envelope.value());
    }
  }

  @Test
  void longsAndIntegersAreStoredAsTheirBigEndianBytesWithoutKryo() {
    for (Object value : new Object[] {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 42, -7, 0}) {
      int width = value instanceof Long ? 8 : 4;
      byte format = value instanceof Long ? EnvelopeCodec.FORMAT_LONG : EnvelopeCodec.FORMAT_INT;
      for (byte[] key : new byte[][] {null, {3, 1, 4}}) {
        for (long expiresAt : new long[] {EnvelopeCodec.ETERNAL, 1_234}) {
          EncodedEntry entry = codec.encode(expiresAt, key, value);
          assertEquals(EnvelopeCodec.FLAGS, entry.flags(), "no bare form");
          byte[] bytes = entry.bytes();
          assertEquals(format, bytes[0]);
          int keyLength = key == null ? 0 : key.length;
          assertEquals(13 + keyLength + width, bytes.length);
          ByteBuffer tail = ByteBuffer.wrap(bytes, 13 + keyLength, width);
          assertEquals(((Number) value).longValue(), width == 8 ? tail.getLong() : tail.getInt());
          Envelope envelope = codec.decode(entry.flags(), bytes);
          assertEquals(expiresAt, envelope.expiresAtMillis());
          assertEquals(value, envelope.value(), "same value, same boxed type");
          assertEquals(value, decodeBack(codec.withExpiry(envelope, 99)));
        }
      }
    }
  }

  @Test
  void aLongOrIntegerOfTheWrongWidthIsForeign() {
    byte[] eight = codec.encode(7, null, 5L).bytes();
    assertNull(codec.decode(EnvelopeCodec.FLAGS, Arrays.copyOf(eight, eight.length - 1)));
    assertNull(codec.decode(EnvelopeCodec.FLAGS, Arrays.copyOf(eight, eight.length + 1)));
    byte[] four = codec.encode(7, null, 5).bytes();
    assertNull(codec.decode(EnvelopeCodec.FLAGS, Arrays.copyOf(four, four.length + 4 - 1)));
    byte[] asInt = Arrays.copyOf(eight, eight.length);
    asInt[0] = EnvelopeCodec.FORMAT_INT;
    assertNull(codec.decode(EnvelopeCodec.FLAGS, asInt), "an Integer in 8 bytes");
    byte[] keyTooLong = four.clone();
    ByteBuffer.wrap(keyTooLong).putInt(9, 1);
    assertNull(codec.decode(EnvelopeCodec.FLAGS, keyTooLong), "key eats into the Integer");
  }

  @Test
  void bytesWithExpiryOrHashedKeyGetAHeader() {
    byte[] value = {9, 8, 7};
    EncodedEntry expiring = codec.encode(1_000, null, value);
    assertEquals(EnvelopeCodec.FLAGS, expiring.flags());
    assertEquals(EnvelopeCodec.FORMAT_BYTES, expiring.bytes()[0]);
    assertEquals(13 + 3, expiring.bytes().length);
    Envelope envelope = codec.decode(expiring.flags(), expiring.bytes());
    assertEquals(1_000, envelope.expiresAtMillis());
    assertArrayEquals(value, (byte[]) envelope.value());
    EncodedEntry keyed = codec.encode(EnvelopeCodec.ETERNAL, new byte[] {1, 1}, value);
    assertEquals(EnvelopeCodec.FLAGS, keyed.flags());
    Envelope keyedEnvelope = codec.decode(keyed.flags(), keyed.bytes());
    assertTrue(keyedEnvelope.keyMatches(new byte[] {1, 1}));
    assertArrayEquals(value, (byte[]) keyedEnvelope.value());
  }

  @Test
  void bareEntryGainsAHeaderWhenItGetsAnExpiry() {
    EncodedEntry bare = codec.encode(EnvelopeCodec.ETERNAL, null, "text");
    Envelope envelope = codec.decode(bare.flags(), bare.bytes());
    EncodedEntry expiring = codec.withExpiry(envelope, 5_000);
    assertEquals(EnvelopeCodec.FLAGS, expiring.flags());
    Envelope back = codec.decode(expiring.flags(), expiring.bytes());
    assertEquals(5_000, back.expiresAtMillis());
    assertFalse(back.isBare());
    assertEquals("text", back.value());
    EncodedEntry eternal = codec.withExpiry(back, EnvelopeCodec.ETERNAL);
    assertEquals("text", decodeBack(eternal));
    assertSame(bare.bytes(), codec.withExpiry(envelope, EnvelopeCodec.ETERNAL).bytes());
  }

  private Object decodeBack(EncodedEntry item) {
    return codec.decode(item.flags(), item.bytes()).value();
  }
}
