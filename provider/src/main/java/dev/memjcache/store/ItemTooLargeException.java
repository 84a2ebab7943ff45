package dev.memjcache.store;

/**
 * A value whose envelope does not fit in one memcached item ({@link ItemSizeLimit}). Thrown before
 * anything is sent, so the cache is unchanged: the entry already stored under the key keeps its
 * value (memcached itself would have deleted it on a refused {@code set}). The message gives the
 * value's and the item's size, the server's limit and the largest value that fits, in bytes.
 */
public final class ItemTooLargeException extends StoreFailureException {
  private static final long serialVersionUID = 1L;

  private final long itemBytes;
  private final int limitBytes;

  /**
   * @param key the memcached key
   * @param valueBytes the value's size in bytes (the envelope: header, key, serialized value)
   * @param itemBytes the bytes memcached would account for the item
   * @param limitBytes the servers' {@code item_size_max}
   * @param largestValueBytes the largest value that fits under this key
   */
  public ItemTooLargeException(
      String key, int valueBytes, long itemBytes, int limitBytes, int largestValueBytes) {
    super(
        "value too large for memcached, nothing was stored: the value for key '"
            + key
            + "' takes "
            + valueBytes
            + " bytes, so its item would take "
            + itemBytes
            + " bytes, but the servers' item size limit (item_size_max, memcached -I) is "
            + limitBytes
            + " bytes; the largest value that fits under this key is "
            + largestValueBytes
            + " bytes",
        null);
    this.itemBytes = itemBytes;
    this.limitBytes = limitBytes;
  }

  /** Returns the bytes memcached would have accounted for the item. */
  public long itemBytes() {
    return itemBytes;
  }

  /** Returns the servers' item size limit in bytes. */
  public int limitBytes() {
    return limitBytes;
  }
}
