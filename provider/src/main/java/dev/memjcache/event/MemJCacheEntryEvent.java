package dev.memjcache.event;

import java.util.Objects;
import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/**
 * The {@link CacheEntryEvent} MemJCache delivers to listeners and filters. Immutable; one instance
 * may be shared by every registration that receives the same view of an event.
 *
 * <p>Values follow the JSR-107 1.1 {@code CacheEntryEvent} javadoc and the TCK 1.1.1 ({@code
 * CacheTestSupport.MyCacheEntryListener}):
 *
 * <ul>
 *   <li>{@code CREATED}: {@link #getValue()} is the new value; no old value ({@link
 *       #isOldValueAvailable()} is {@code false}, {@link #getOldValue()} is {@code null}).
 *   <li>{@code UPDATED}: {@link #getValue()} is the new value; {@link #getOldValue()} is the
 *       replaced value when the registration set {@code oldValueRequired}, otherwise {@code null}.
 *   <li>{@code REMOVED} and {@code EXPIRED}: {@link #getValue()} returns the same value as {@link
 *       #getOldValue()} (the removed or expired value) when the registration set {@code
 *       oldValueRequired}; otherwise both are {@code null} and the old value is not available.
 * </ul>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class MemJCacheEntryEvent<K, V> extends CacheEntryEvent<K, V> {

  private static final long serialVersionUID = 1L;

  /** The entry's key. */
  private final K key;

  /** What {@link #getValue()} returns. */
  private final V value;

  /** The value before the mutation, or {@code null} when not available. */
  private final V oldValue;

  /** Whether {@link #oldValue} holds the value before the mutation. */
  private final boolean oldValueAvailable;

  /**
   * Creates an event.
   *
   * @param source the cache that originated the event ({@link #getSource()})
   * @param eventType the kind of mutation
   * @param key the entry's key, never {@code null}
   * @param value the value {@link #getValue()} returns (see the class javadoc per event type)
   * @param oldValue the old value, or {@code null} when it is not available
   * @throws NullPointerException if {@code source}, {@code eventType} or {@code key} is null
   */
  MemJCacheEntryEvent(Cache<K, V> source, EventType eventType, K key, V value, V oldValue) {
    super(Objects.requireNonNull(source, "source"), Objects.requireNonNull(eventType, "eventType"));
    this.key = Objects.requireNonNull(key, "key");
    this.value = value;
    this.oldValue = oldValue;
    this.oldValueAvailable = oldValue != null;
  }

  /**
   * @return the entry's key, never {@code null}
   */
  @Override
  public K getKey() {
    return key;
  }

  /**
   * @return the new value for {@code CREATED} and {@code UPDATED}; for {@code REMOVED} and {@code
   *     EXPIRED} the same value as {@link #getOldValue()} (JSR-107 1.1)
   */
  @Override
  public V getValue() {
    return value;
  }

  /**
   * @return the value before the mutation, or {@code null} when there was none or the registration
   *     did not ask for it ({@code CacheEntryListenerConfiguration.isOldValueRequired()} false)
   */
  @Override
  public V getOldValue() {
    return oldValue;
  }

  /**
   * @return whether {@link #getOldValue()} holds the value before the mutation
   */
  @Override
  public boolean isOldValueAvailable() {
    return oldValueAvailable;
  }

  /**
   * Returns this event as an instance of {@code clazz} (JSR-107 {@code Cache.Entry.unwrap}).
   *
   * @param clazz {@code MemJCacheEntryEvent}, {@code CacheEntryEvent}, {@code Cache.Entry}, {@code
   *     java.util.EventObject} or {@code Object}
   * @return this event
   * @throws NullPointerException if {@code clazz} is null
   * @throws IllegalArgumentException if this event is not an instance of {@code clazz}
   */
  @Override
  public <T> T unwrap(Class<T> clazz) {
    Objects.requireNonNull(clazz, "clazz");
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException(
        "Unsupported unwrap class " + clazz.getName() + " for " + getClass().getName());
  }

  @Override
  public String toString() {
    return "MemJCacheEntryEvent{"
        + getEventType()
        + ", key="
        + key
        + ", value="
        + value
        + ", oldValueAvailable="
        + oldValueAvailable
        + ", oldValue="
        + oldValue
        + '}';
  }
}
