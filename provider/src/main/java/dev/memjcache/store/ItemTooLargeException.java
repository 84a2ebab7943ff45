package dev.memjcache.store;

/**
 * A value whose envelope does not fit in one memcached item. Thrown before anything is sent, so
 * the cache is unchanged. The message gives both sizes in bytes.
 */
public final class ItemTooLargeException extends StoreFailureException {
  private static final long serialVersionUID = 1L;

  /**
   * @param key the memcached key
   * @param itemBytes the bytes the item would take (key + envelope + item header)
   * @param limitBytes the server's {@code item_size_max}
   */
  public ItemTooLargeException(String key, int itemBytes, int limitBytes) {
    super("value too large for memcached: the item for key '" + key + "' would take " + itemBytes
        + " bytes but the server's item size limit (item_size_max, memcached -I) is " + limitBytes
        + " bytes", null);
  }
}
