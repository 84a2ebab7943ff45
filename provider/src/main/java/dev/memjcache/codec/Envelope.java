package dev.memjcache.codec;

import java.util.Arrays;

/**
 * A decoded value envelope (layout in {@link EnvelopeCodec}): the entry's expiry, the optional
 * serialized key, and the value, deserialized lazily on first {@link #value()} call. Not
 * thread-safe: an envelope belongs to the call that read it.
 */
public final class Envelope {
  private final ValueSerializer serializer;
  private final byte[] data;
  private final long expiresAtMillis;

  /** -1 when no key is stored. */
  private final int keyLength;

  /** Not thread-safe by design: an envelope belongs to the one call that read it. */
  private boolean decoded;

  private Object value;

  Envelope(ValueSerializer serializer, byte[] data, long expiresAtMillis, int keyLength) {
    this.serializer = serializer;
    this.data = data;
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
      int offset = EnvelopeCodec.HEADER_BYTES + Math.max(keyLength, 0);
      value = serializer.deserialize(data, offset, data.length - offset);
      decoded = true;
    }
    return value;
  }

  /**
   * @return the whole envelope as stored (not a copy: do not modify), for CAS rewrites and {@link
   *     EnvelopeCodec#withExpiry}
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
        + ", "
        + data.length
        + " bytes]";
  }
}
