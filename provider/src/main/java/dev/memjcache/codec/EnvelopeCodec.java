package dev.memjcache.codec;

import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes and reads the value envelope: the bytes of the one memcached item that holds an entry
 * (DESIGN.md "Storage model", Value envelope).
 *
 * <p>Envelope version 1 with a header, marked by the memcached item flags {@link #FLAGS} ({@code
 * 77}, ASCII "M"):
 *
 * <pre>
 *   offset  size  content
 *   0       1     value format: 1 = Kryo ({@link ValueSerializer}); 2 = a byte[] value, its bytes
 *                 as they are; 3 = a String value, its UTF-8 bytes; 4 = a Long value, 8 bytes
 *                 big-endian; 5 = an Integer value, 4 bytes big-endian
 *   1       8     absolute expiry time, epoch milliseconds, big-endian signed;
 *                 Long.MAX_VALUE (0x7FFFFFFFFFFFFFFF) = eternal
 *   9       4     serialized key length in bytes, big-endian signed; -1 = no key stored
 *                 (the item key's last segment is the String key itself)
 *   13      n     serialized key (Kryo), present when the item key's last segment is a hash
 *   13+n    rest  the value in its format, to the end of the item
 * </pre>
 *
 * An eternal entry whose key is the item key's last segment needs no header, so its {@code byte[]}
 * or {@code String} value is stored bare: flags {@link #BARE_BYTES_FLAGS} ({@code 78}): the item's
 * data is the {@code byte[]} value; {@link #BARE_STRING_FLAGS} ({@code 79}): the UTF-8 bytes of the
 * {@code String} value. Neither is copied more than once on its way in or out: a bare {@code
 * byte[]} is not copied at all (the read returns the item's data array, fresh per read). An
 * operator can read the expiry with {@code get} and the first 9 bytes of a {@link #FLAGS} item.
 * Bytes that do not follow these layouts, or carry other flags, decode to null (a miss).
 *
 * <p>The flags are two decimal digits because the text protocol writes them in every {@code VALUE}
 * line of a {@code get} answer, where the client parses them (and over TLS decrypts them); no
 * common client's own flags use 77 to 79 (spymemcached's: 0 to 3 and multiples of 256; PHP's
 * memcached: a type 0 to 7 in the low four bits; pymemcache's and Dalli's: below 32). Items written
 * with the earlier flags {@link #LEGACY_FLAGS}, {@link #LEGACY_BARE_BYTES_FLAGS} and {@link
 * #LEGACY_BARE_STRING_FLAGS} ({@code 0x4D4A4301} to {@code 0x4D4A4303}, "MJC" + 1 to 3, ten digits)
 * read as the same formats; a rewrite stores the current flags. Thread-safe.
 */
public final class EnvelopeCodec {
  /** Memcached item flags of an envelope with a header (77, ASCII "M"). */
  public static final int FLAGS = 77;

  /** Memcached item flags of an eternal, literal-key entry whose data is its byte[] value. */
  public static final int BARE_BYTES_FLAGS = 78;

  /** Memcached item flags of an eternal, literal-key entry whose data is its String's UTF-8. */
  public static final int BARE_STRING_FLAGS = 79;

  /** The flags {@link #FLAGS} had before ("MJC" + 0x01); still read. */
  public static final int LEGACY_FLAGS = 0x4D4A4301;

  /** The flags {@link #BARE_BYTES_FLAGS} had before ("MJC" + 0x02); still read. */
  public static final int LEGACY_BARE_BYTES_FLAGS = 0x4D4A4302;

  /** The flags {@link #BARE_STRING_FLAGS} had before ("MJC" + 0x03); still read. */
  public static final int LEGACY_BARE_STRING_FLAGS = 0x4D4A4303;

  /** Expiry value meaning "never expires" (JSR-107 {@code Duration.ETERNAL}). */
  public static final long ETERNAL = Long.MAX_VALUE;

  static final byte FORMAT_KRYO = 1;
  static final byte FORMAT_BYTES = 2;
  static final byte FORMAT_STRING = 3;
  static final byte FORMAT_LONG = 4;
  static final byte FORMAT_INT = 5;
  static final int EXPIRY_OFFSET = 1;
  static final int KEY_LENGTH_OFFSET = 9;
  static final int HEADER_BYTES = 13;
  static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private final ValueSerializer serializer;

  /**
   * @param serializer serializes values on {@link #encode} and deserializes them in {@link
   *     Envelope#value()}
   * @throws NullPointerException if {@code serializer} is null
   */
  public EnvelopeCodec(ValueSerializer serializer) {
    this.serializer = Objects.requireNonNull(serializer, "serializer");
  }

  /**
   * Builds the item of an entry: {@code byte[]} and {@code String} values as their bytes (bare when
   * the entry is eternal and has no serialized key), {@code Long} and {@code Integer} values as
   * their big-endian bytes (counters: no Kryo call on either side), everything else with Kryo.
   *
   * @param expiresAtMillis absolute expiry in epoch milliseconds, or {@link #ETERNAL}
   * @param serializedKey the key's serialized bytes when the item key ends in a hash ({@link
   *     EncodedKey#serializedKey()}), else null
   * @param value the value; a {@code byte[]} stored bare is not copied ({@link
   *     EncodedEntry#aliasesValue()})
   * @return the flags and bytes to store
   * @throws SerializationException if the value cannot be serialized
   * @throws ClassNotAllowedException if the value holds a class the allowlist would refuse on read
   */
  public EncodedEntry encode(long expiresAtMillis, byte[] serializedKey, Object value) {
    boolean bare = expiresAtMillis == ETERNAL && serializedKey == null;
    if (value instanceof byte[] bytes) {
      if (bare) {
        return new EncodedEntry(BARE_BYTES_FLAGS, bytes, true);
      }
      byte[] data = header(FORMAT_BYTES, expiresAtMillis, serializedKey, bytes.length);
      System.arraycopy(bytes, 0, data, data.length - bytes.length, bytes.length);
      return new EncodedEntry(FLAGS, data, false);
    }
    if (value instanceof String string) {
      return bare
          ? new EncodedEntry(BARE_STRING_FLAGS, string.getBytes(StandardCharsets.UTF_8), false)
          : new EncodedEntry(FLAGS, headerAndString(expiresAtMillis, serializedKey, string), false);
    }
    if (value instanceof Long number) {
      byte[] data = header(FORMAT_LONG, expiresAtMillis, serializedKey, Long.BYTES);
      LONG.set(data, data.length - Long.BYTES, number.longValue());
      return new EncodedEntry(FLAGS, data, false);
    }
    if (value instanceof Integer number) {
      byte[] data = header(FORMAT_INT, expiresAtMillis, serializedKey, Integer.BYTES);
      INT.set(data, data.length - Integer.BYTES, number.intValue());
      return new EncodedEntry(FLAGS, data, false);
    }
    Output out = serializer.obtainOutput();
    try {
      out.writeByte(FORMAT_KRYO);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.writeByte((byte) (expiresAtMillis >>> shift));
      }
      int keyLength = serializedKey == null ? -1 : serializedKey.length;
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.writeByte((byte) (keyLength >>> shift));
      }
      if (serializedKey != null) {
        out.writeBytes(serializedKey);
      }
      serializer.serialize(value, out);
      return new EncodedEntry(FLAGS, out.toBytes(), false);
    } finally {
      serializer.releaseOutput(out);
    }
  }

  /** A header envelope with room for {@code valueLength} value bytes at its end. */
  private static byte[] header(
      byte format, long expiresAtMillis, byte[] serializedKey, int valueLength) {
    int keyLength = serializedKey == null ? 0 : serializedKey.length;
    byte[] data = new byte[HEADER_BYTES + keyLength + valueLength];
    data[0] = format;
    LONG.set(data, EXPIRY_OFFSET, expiresAtMillis);
    INT.set(data, KEY_LENGTH_OFFSET, serializedKey == null ? -1 : keyLength);
    if (serializedKey != null) {
      System.arraycopy(serializedKey, 0, data, HEADER_BYTES, keyLength);
    }
    return data;
  }

  /** Writes an ASCII string straight into the envelope; other strings go through getBytes. */
  private static byte[] headerAndString(long expiresAtMillis, byte[] serializedKey, String value) {
    int length = value.length();
    for (int i = 0; i < length; i++) {
      if (value.charAt(i) >= 0x80) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        byte[] data = header(FORMAT_STRING, expiresAtMillis, serializedKey, utf8.length);
        System.arraycopy(utf8, 0, data, data.length - utf8.length, utf8.length);
        return data;
      }
    }
    byte[] data = header(FORMAT_STRING, expiresAtMillis, serializedKey, length);
    int offset = data.length - length;
    for (int i = 0; i < length; i++) {
      data[offset + i] = (byte) value.charAt(i);
    }
    return data;
  }

  /**
   * The item of {@code envelope}'s entry with a new expiry time, without re-serializing the value
   * (access-expiry rewrites, JSR-107 {@code ExpiryPolicy.getExpiryForAccess}). A bare entry that
   * gets a finite expiry gains a header.
   *
   * @param envelope a decoded envelope; its bytes are not modified
   * @param expiresAtMillis the new absolute expiry in epoch milliseconds, or {@link #ETERNAL}
   * @return the flags and a new array (the same array when a bare entry stays eternal)
   */
  public EncodedEntry withExpiry(Envelope envelope, long expiresAtMillis) {
    byte[] data = envelope.bytes();
    if (envelope.isBare()) {
      if (expiresAtMillis == ETERNAL) {
        return new EncodedEntry(envelope.flags(), data, false);
      }
      byte format = envelope.flags() == BARE_BYTES_FLAGS ? FORMAT_BYTES : FORMAT_STRING;
      byte[] headed = header(format, expiresAtMillis, null, data.length);
      System.arraycopy(data, 0, headed, HEADER_BYTES, data.length);
      return new EncodedEntry(FLAGS, headed, false);
    }
    byte[] copy = data.clone();
    LONG.set(copy, EXPIRY_OFFSET, expiresAtMillis);
    return new EncodedEntry(FLAGS, copy, false);
  }

  /**
   * Reads an item fetched from memcached. Never throws for foreign bytes: the caller treats null as
   * a miss and logs it. The value is not copied or deserialized until {@link Envelope#value()}.
   *
   * @param flags the item's memcached flags
   * @param data the item's bytes; retained by the returned envelope, not copied
   * @return the envelope, or null when {@code flags} is none of this class's flags or {@code data}
   *     is not a valid envelope (null, truncated, unknown value format, bad key length, no value)
   */
  public Envelope decode(int flags, byte[] data) {
    if (data == null) {
      return null;
    }
    // the envelope carries the current flags of the format it read, so a rewrite stores them
    switch (flags) {
      case BARE_BYTES_FLAGS, LEGACY_BARE_BYTES_FLAGS -> {
        return new Envelope(serializer, data, BARE_BYTES_FLAGS, ETERNAL, -1);
      }
      case BARE_STRING_FLAGS, LEGACY_BARE_STRING_FLAGS -> {
        return new Envelope(serializer, data, BARE_STRING_FLAGS, ETERNAL, -1);
      }
      case FLAGS, LEGACY_FLAGS -> {
        if (data.length < HEADER_BYTES) {
          return null;
        }
      }
      default -> {
        return null;
      }
    }
    byte format = data[0];
    // a Kryo value takes at least one byte; a byte[] or String value may be empty; a Long or
    // Integer takes exactly its width
    int minValue;
    switch (format) {
      case FORMAT_KRYO -> minValue = 1;
      case FORMAT_BYTES, FORMAT_STRING -> minValue = 0;
      case FORMAT_LONG -> minValue = Long.BYTES;
      case FORMAT_INT -> minValue = Integer.BYTES;
      default -> {
        return null;
      }
    }
    int keyLength = (int) INT.get(data, KEY_LENGTH_OFFSET);
    if (keyLength < -1 || keyLength > data.length - HEADER_BYTES - minValue) {
      return null;
    }
    int valueLength = data.length - HEADER_BYTES - Math.max(keyLength, 0);
    if (valueLength < minValue
        || (format == FORMAT_LONG || format == FORMAT_INT) && valueLength != minValue) {
      return null;
    }
    long expiresAt = (long) LONG.get(data, EXPIRY_OFFSET);
    return new Envelope(serializer, data, FLAGS, expiresAt, keyLength);
  }
}
