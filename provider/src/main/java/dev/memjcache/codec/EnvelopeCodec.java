package dev.memjcache.codec;

import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Writes and reads the value envelope: the bytes of the one memcached item that holds an entry
 * (DESIGN.md "Storage model", Value envelope).
 *
 * <p>Format version 1, marked by the memcached item flags {@link #FLAGS} ({@code 0x4D4A4301}, ASCII
 * "MJC" + version 1):
 *
 * <pre>
 *   offset  size  content
 *   0       1     format version, 1
 *   1       8     absolute expiry time, epoch milliseconds, big-endian signed;
 *                 Long.MAX_VALUE (0x7FFFFFFFFFFFFFFF) = eternal
 *   9       4     serialized key length in bytes, big-endian signed; -1 = no key stored
 *                 (the item key's last segment is the String key itself)
 *   13      n     serialized key (Kryo), present when the item key's last segment is a hash
 *   13+n    rest  serialized value (Kryo, see {@link ValueSerializer}), to the end of the item
 * </pre>
 *
 * An operator can read the expiry with {@code get} and the first 9 bytes. Bytes that do not follow
 * this layout, or carry other flags, decode to null (a miss). Thread-safe.
 */
public final class EnvelopeCodec {
  /** Memcached item flags naming envelope format version 1 ("MJC" + 0x01). */
  public static final int FLAGS = 0x4D4A4301;

  /** Expiry value meaning "never expires" (JSR-107 {@code Duration.ETERNAL}). */
  public static final long ETERNAL = Long.MAX_VALUE;

  static final byte VERSION = 1;
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
   * Builds the item bytes of an entry; store them with flags {@link #FLAGS}.
   *
   * @param expiresAtMillis absolute expiry in epoch milliseconds, or {@link #ETERNAL}
   * @param serializedKey the key's serialized bytes when the item key ends in a hash ({@link
   *     EncodedKey#serializedKey()}), else null
   * @param value the value, serialized with the serializer
   * @return the envelope
   * @throws SerializationException if the value cannot be serialized
   */
  public byte[] encode(long expiresAtMillis, byte[] serializedKey, Object value) {
    Output out = serializer.obtainOutput();
    try {
      out.writeByte(VERSION);
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
      return out.toBytes();
    } finally {
      serializer.releaseOutput(out);
    }
  }

  /**
   * Copies an envelope with a new expiry time, without re-serializing the value (access-expiry
   * rewrites, JSR-107 {@code ExpiryPolicy.getExpiryForAccess}).
   *
   * @param envelope envelope bytes (from {@link #encode} or {@link Envelope#bytes()}); not modified
   * @param expiresAtMillis the new absolute expiry in epoch milliseconds, or {@link #ETERNAL}
   * @return a new array
   * @throws IllegalArgumentException if {@code envelope} is not a version-1 envelope
   */
  public byte[] withExpiry(byte[] envelope, long expiresAtMillis) {
    if (envelope.length < HEADER_BYTES || envelope[0] != VERSION) {
      throw new IllegalArgumentException("Not a version " + VERSION + " envelope");
    }
    byte[] copy = envelope.clone();
    LONG.set(copy, EXPIRY_OFFSET, expiresAtMillis);
    return copy;
  }

  /**
   * Reads an item fetched from memcached. Never throws for foreign bytes: the caller treats null as
   * a miss and logs it. The value is not copied or deserialized until {@link Envelope#value()}.
   *
   * @param flags the item's memcached flags
   * @param data the item's bytes; retained by the returned envelope, not copied
   * @return the envelope, or null when {@code flags} is not {@link #FLAGS} or {@code data} is not a
   *     valid version-1 envelope (null, truncated, other version, bad key length, no value)
   */
  public Envelope decode(int flags, byte[] data) {
    if (flags != FLAGS || data == null || data.length < HEADER_BYTES + 1 || data[0] != VERSION) {
      return null;
    }
    int keyLength = (int) INT.get(data, KEY_LENGTH_OFFSET);
    // a serialized value takes at least one byte
    if (keyLength < -1 || keyLength > data.length - HEADER_BYTES - 1) {
      return null;
    }
    long expiresAt = (long) LONG.get(data, EXPIRY_OFFSET);
    return new Envelope(serializer, data, expiresAt, keyLength);
  }
}
