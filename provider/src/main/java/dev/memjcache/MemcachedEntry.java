package dev.memjcache;

import java.util.Objects;
import javax.cache.Cache;

/**
 * The {@link Cache.Entry} MemJCache hands out: from {@code Cache.iterator()}, and to {@code
 * CacheWriter}s. An immutable key/value pair.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class MemcachedEntry<K, V> implements Cache.Entry<K, V> {

  private final K key;
  private final V value;

  /**
   * @param key the key, not null
   * @param value the value, not null
   */
  public MemcachedEntry(K key, V value) {
    this.key = Objects.requireNonNull(key, "key");
    this.value = Objects.requireNonNull(value, "value");
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    return value;
  }

  /**
   * Returns this entry as {@code type}.
   *
   * @throws IllegalArgumentException when this entry is not a {@code type}
   */
  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new IllegalArgumentException(
        "a MemJCache entry cannot be unwrapped to " + type.getName());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemcachedEntry<?, ?> e && key.equals(e.key) && value.equals(e.value);
  }

  @Override
  public int hashCode() {
    return key.hashCode() ^ value.hashCode();
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
