package dev.memjcache.store;

import net.spy.memcached.MemcachedNode;

/**
 * Routes entry keys from their parts, for single-key and bulk calls alike: an entry {@code
 * <prefix>:<cache>:<generation>:<part>} lives on the server its key hashes to without the
 * generation ({@link EntryKeyHash}), so its server is found from {@code <prefix>:<cache>:} and
 * {@code <part>} with one MD5 and no key string, the item key is built once in that server's
 * generation, and {@link #routed} (many keys) or {@link #sending} (one) lets the later lookups of
 * that item key (the multi-get's grouping, spymemcached's own routing) find its hash by identity.
 * The server is the one {@link MemcachedStore#nodeFor} returns for any of the entry's keys.
 * Stateless; the memos are per thread.
 */
public final class EntryRouting {

  private final EntryKeyHash keyHash;
  private final MemoizingLocator locator;

  EntryRouting(EntryKeyHash keyHash, MemoizingLocator locator) {
    this.keyHash = keyHash;
    this.locator = locator;
  }

  /**
   * The hash of the entry whose item keys are {@code <cachePrefix><generation>:<part>}.
   *
   * @param cachePrefix {@code <prefix>:<cache>:} ({@code KeyCodec#cachePrefix()})
   * @param part the key's last segment ({@code EncodedKey#part()})
   * @return the hash (unsigned 32 bits in a long), for {@link #node} and {@link #routed}
   */
  public long hash(String cachePrefix, String part) {
    return keyHash.entryHash(cachePrefix, part);
  }

  /**
   * The server of the entry {@link #hash} gave {@code hash} for.
   *
   * @param hash {@link #hash}{@code (cachePrefix, part)}
   * @param cachePrefix the same {@code cachePrefix}
   * @param part the same {@code part}
   * @return the server spymemcached routes the entry's item keys to
   */
  public MemcachedNode node(long hash, String cachePrefix, String part) {
    MemcachedNode node = locator.nodeForHash(hash);
    // without a reproduced continuum the locator needs a key: the entry's, in generation 0
    return node != null ? node : locator.getPrimary(cachePrefix + "0:" + part);
  }

  /**
   * The hash of {@code itemKey}, an item key this thread routed last ({@link #sending}): taken from
   * the memo, so a call can hand it to the thread that sends its next command on the key.
   */
  public long hashOf(String itemKey) {
    return keyHash.hash(itemKey);
  }

  /**
   * Records that {@code itemKey}, an item key of the entry {@link #hash} gave {@code hash} for, is
   * about to be sent from this thread: its lookups that follow take {@code hash} by identity.
   */
  public void routed(String itemKey, long hash) {
    keyHash.remember(itemKey, hash);
  }

  /**
   * Records that the next command this thread sends is for {@code itemKey}, an item key of the
   * entry {@link #hash} gave {@code hash} for (a single-key call): its lookups right after take
   * {@code hash} by identity; cheaper than {@link #routed}, which keeps it among many.
   */
  public void sending(String itemKey, long hash) {
    keyHash.rememberLast(itemKey, hash);
  }
}
