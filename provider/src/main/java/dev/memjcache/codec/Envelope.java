package dev.memjcache.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A decoded value envelope (layout in {@link EnvelopeCodec}): the entry's expiry, the optional
 * serialized key, and the value, deserialized lazily on first {@link #value()} call. Not
 * thread-safe: an envelope belongs to the call that read it.
 */
public final class Envelope {
  private final ValueSerializer serializer;
  private final byte[] data;
  private final int flags;
  private final long expiresAtMillis;

  /** -1 when no key is stored. */
  private final int keyLength;

  /** Not thread-safe by design: an envelope belongs to the one call that read it. */
  private boolean decoded;

  private Object value;

  Envelope(
      ValueSerializer serializer, byte[] data, int flags, long expiresAtMillis, int keyLength) {
    this.serializer = serializer;
    this.data = data;
    this.flags = flags;
    this.expiresAtMillis = expiresAtMillis;
    this.keyLength = keyLength;
  }

  /**
   * @return the absolute expiry in epoch milliseconds, or {@link EnvelopeCodec#ETERNAL}
   */
  public long expiresAtMillis() {
    return expiresAtMillis;
  }

  /**
   * @return true when the entry never expires
   */
  public boolean isEternal() {
    return expiresAtMillis == EnvelopeCodec.ETERNAL;
  }

  /**
   * @param nowMillis the current time in epoch milliseconds
   * @return true when the entry has expired: {@code nowMillis >= expiresAtMillis()} and it is not
   *     eternal (JSR-107 section 6 "Expiry Policies": an expired entry is never returned)
   */
  public boolean isExpiredAt(long nowMillis) {
    return !isEternal() && nowMillis >= expiresAtMillis;
  }

  /**
   * Checks that this item belongs to the expected key (a mismatch of a hashed key is a miss).
   *
   * @param serializedKey the expected key's bytes ({@link EncodedKey#serializedKey()}), or null for
   *     a literal String key
   * @return true when both are null/absent, or both present with equal bytes
   */
  public boolean keyMatches(byte[] serializedKey) {
    if (serializedKey == null || keyLength < 0) {
      return serializedKey == null && keyLength < 0;
    }
    return Arrays.equals(
        data,
        EnvelopeCodec.HEADER_BYTES,
        EnvelopeCodec.HEADER_BYTES + keyLength,
        serializedKey,
        0,
        serializedKey.length);
  }

  /**
   * @return a copy of the stored serialized key (deserialize it with {@link
   *     ValueSerializer#deserialize} to recover the key during enumeration), or null when none is
   *     stored
   */
  public byte[] serializedKey() {
    return keyLength < 0
        ? null
        : Arrays.copyOfRange(
            data, EnvelopeCodec.HEADER_BYTES, EnvelopeCodec.HEADER_BYTES + keyLength);
  }

  /**
   * The value, deserialized on the first call and then kept.
   *
   * @return the value
   * @throws ClassNotAllowedException if it names a class the allowlist rejects
   * @throws SerializationException if its bytes are corrupt; a later call tries again
   */
  public Object value() {
    if (!decoded) {
      value = decodeValue();
      decoded = true;
    }
    return value;
  }

  private Object decodeValue() {
    if (flags == EnvelopeCodec.BARE_BYTES_FLAGS) {
      return data; // the item's own array, fresh per read: no copy needed
    }
    if (flags == EnvelopeCodec.BARE_STRING_FLAGS) {
      return new String(data, StandardCharsets.UTF_8);
    }
    int offset = EnvelopeCodec.HEADER_BYTES + Math.max(keyLength, 0);
    int length = data.length - offset;
    return switch (data[0]) {
      case EnvelopeCodec.FORMAT_BYTES -> Arrays.copyOfRange(data, offset, data.length);
      case EnvelopeCodec.FORMAT_STRING -> new String(data, offset, length, StandardCharsets.UTF_8);
      case EnvelopeCodec.FORMAT_LONG -> Long.valueOf((long) EnvelopeCodec.LONG.get(data, offset));
      case EnvelopeCodec.FORMAT_INT -> Integer.valueOf((int) EnvelopeCodec.INT.get(data, offset));
      default -> serializer.deserialize(data, offset, length);
    };
  }

  /**
   * @return the current memcached item flags of the format the envelope was read in ({@link
   *     EnvelopeCodec#FLAGS} or a bare format's; an item read with legacy flags reports the current
   *     ones)
   */
  public int flags() {
    return flags;
  }

  /**
   * @return true for a bare entry (no header: eternal, literal key, the data is the value's bytes)
   */
  public boolean isBare() {
    return flags != EnvelopeCodec.FLAGS;
  }

  /**
   * @return the whole item data as stored (not a copy: do not modify; for a bare {@code byte[]}
   *     entry it is also the value {@link #value()} returned), for {@link EnvelopeCodec#withExpiry}
   */
  public byte[] bytes() {
    return data;
  }

  @Override
  public String toString() {
    return "Envelope[expiresAt="
        + (isEternal() ? "eternal" : expiresAtMillis)
        + ", key="
        + (keyLength < 0 ? "literal" : keyLength + " bytes")
        + (isBare() ? ", bare" : "")
        + ", "
        + data.length
        + " bytes]";
  }
}
