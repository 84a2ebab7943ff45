package dev.memjcache.codec;

/**
 * A cache key encoded by {@link KeyCodec#encode(Object)}.
 *
 * @param part the last segment of the memcached item key: the String key itself, or {@code '#'}
 *     followed by the base64url (no padding) SHA-256 of {@code serializedKey}
 * @param serializedKey the key's serialized bytes (stored in the value envelope and compared on
 *     read), or null when {@code part} is the literal String key. Not copied: do not modify.
 */
public record EncodedKey(String part, byte[] serializedKey) {

  /**
   * @return true when {@code part} is a hash and the envelope must carry {@link #serializedKey()}
   */
  public boolean isHashed() {
    return serializedKey != null;
  }
}
