package dev.memjcache;

import dev.memjcache.codec.EncodedKey;
import dev.memjcache.codec.Envelope;
import dev.memjcache.codec.SerializationException;
import dev.memjcache.store.StoreItem;

/**
 * What one read found under an entry's memcached key: the item (if any), its decoded envelope, and
 * the entry's state at the time of the read. Immutable; a CAS write made with it succeeds only if
 * the item is unchanged since.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class Slot<K, V> {

  /** The entry's state at read time. */
  enum State {
    /** No item, or an item that is not a valid envelope for this key (a miss). */
    ABSENT,
    /** A valid envelope past its expiry time. */
    EXPIRED,
    /** A live entry. */
    PRESENT
  }

  final K key;
  final String itemKey;
  final EncodedKey encodedKey;

  /** The item read, or null when memcached had none. */
  final StoreItem item;

  /** The envelope when valid for this key, else null. */
  final Envelope envelope;

  final State state;
  private final V value;

  Slot(
      K key,
      String itemKey,
      EncodedKey encodedKey,
      StoreItem item,
      Envelope envelope,
      State state,
      V value) {
    this.key = key;
    this.itemKey = itemKey;
    this.encodedKey = encodedKey;
    this.item = item;
    this.envelope = envelope;
    this.state = state;
    this.value = value;
  }

  boolean isPresent() {
    return state == State.PRESENT;
  }

  boolean isExpired() {
    return state == State.EXPIRED;
  }

  /** The live value; null unless {@link #isPresent()}. */
  V value() {
    return value;
  }

  /**
   * The value of an expired entry (for EXPIRED events), decoded on demand; null when it is not
   * expired or its value cannot be read (corrupt bytes, a class the allowlist refuses): such an
   * item was never a readable entry, so no event is due.
   */
  @SuppressWarnings("unchecked")
  V expiredValue() {
    if (state != State.EXPIRED) {
      return null;
    }
    try {
      return (V) envelope.value();
    } catch (SerializationException e) {
      return null;
    }
  }

  /** The envelope's expiry time in epoch ms (present or expired entries only). */
  long expiresAt() {
    return envelope.expiresAtMillis();
  }
}
