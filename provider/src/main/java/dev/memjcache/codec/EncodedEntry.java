package dev.memjcache.codec;

/**
 * The memcached item an entry is written as: its flags (which envelope format, see {@link
 * EnvelopeCodec}) and its data bytes.
 *
 * @param flags the memcached item flags: {@link EnvelopeCodec#FLAGS}, {@link
 *     EnvelopeCodec#BARE_BYTES_FLAGS} or {@link EnvelopeCodec#BARE_STRING_FLAGS}
 * @param bytes the item's data; for {@link EnvelopeCodec#BARE_BYTES_FLAGS} this is the caller's
 *     {@code byte[]} value itself, not a copy (see {@link #aliasesValue})
 * @param aliasesValue true when {@code bytes} is the value array the caller passed: safe for a call
 *     that waits for memcached's reply before returning (the bytes are on the wire by then, so a
 *     later change of the caller's array cannot reach the cache), else use {@link #detached}
 */
public record EncodedEntry(int flags, byte[] bytes, boolean aliasesValue) {

  /**
   * @return this entry when its bytes are its own, else one with a copy of them: for writes that
   *     return to the caller before memcached has the bytes (asynchronous operations), so that
   *     changing the value array afterwards cannot change the stored entry (store-by-value, JSR-107
   *     section 4.1)
   */
  public EncodedEntry detached() {
    return aliasesValue ? new EncodedEntry(flags, bytes.clone(), false) : this;
  }
}
