package dev.memjcache;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The entries this JVM wrote lately behind a {@link KeyIndex}, with the expiry it gave them, so
 * that a blind {@code put} of one that should still be there is sent as {@code replace}: memcached
 * stores it only over an item that exists, and every entry item that exists was listed by the write
 * that created it, so the {@code put} needs no {@code append}. A hint, never a promise: an entry
 * another JVM removed, or memcached evicted, makes the {@code replace} answer {@code NOT_STORED},
 * and the {@code put} then costs one more round trip ({@code set} and {@code append}).
 *
 * <p>Bounded: past {@value #MAX_KEYS} keys it forgets them all, which costs only appends. Keys of
 * an earlier generation are never asked for again and go with that. Thread-safe.
 */
final class RecentlyListed {

  /** At most this many keys per cache are remembered (about 100 bytes each). */
  static final int MAX_KEYS = 65_536;

  /** Item key to the expiry this JVM last wrote it with, epoch ms or {@code ETERNAL}. */
  private final ConcurrentHashMap<String, Long> expiresAt = new ConcurrentHashMap<>();

  /**
   * Whether this JVM wrote {@code itemKey} and its entry, as this JVM wrote it, has not expired at
   * {@code nowMillis}.
   */
  boolean expectsEntry(String itemKey, long nowMillis) {
    Long expiry = expiresAt.get(itemKey);
    return expiry != null && expiry > nowMillis;
  }

  /**
   * Remembers that this JVM stored {@code itemKey} with the expiry {@code expiresAtMillis} (epoch
   * ms), and that the key is listed or its {@code append} is on its way.
   */
  void wrote(String itemKey, long expiresAtMillis) {
    Long known = expiresAt.get(itemKey);
    if (known != null && known == expiresAtMillis) {
      return; // an eternal entry rewritten: nothing to update
    }
    if (known == null && expiresAt.size() >= MAX_KEYS) {
      expiresAt.clear();
    }
    expiresAt.put(itemKey, expiresAtMillis);
  }

  /** Forgets {@code itemKey}, which this JVM deleted. */
  void forget(String itemKey) {
    expiresAt.remove(itemKey);
  }
}
