package dev.memjcache.store;

/**
 * One memcached item as read: its data bytes, its {@code flags} and its CAS unique (0 when read by
 * a multi-get, which does not return CAS values).
 *
 * @param key the memcached key
 * @param data the item's data bytes, never null
 * @param flags the item's 32-bit client flags
 * @param cas the item's CAS unique, or 0 when unknown
 */
public record StoreItem(String key, byte[] data, int flags, long cas) {}
