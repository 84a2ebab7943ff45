package dev.memjcache.event;

/**
 * Where a Cache operation publishes the entry events it caused (JSR-107 chapter 8): the {@link
 * EventDispatcher} itself for synchronous operations, or a collector that delivers them later on
 * another thread (the asynchronous view). One write decision publishes to either.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface EntryEventSink<K, V> {

  /**
   * A {@code CREATED} event.
   *
   * @param key the key, never null
   * @param value the new value
   */
  void publishCreated(K key, V value);

  /**
   * An {@code UPDATED} event.
   *
   * @param key the key, never null
   * @param oldValue the replaced value
   * @param newValue the new value
   */
  void publishUpdated(K key, V oldValue, V newValue);

  /**
   * A {@code REMOVED} event.
   *
   * @param key the key, never null
   * @param oldValue the removed value
   */
  void publishRemoved(K key, V oldValue);

  /**
   * An {@code EXPIRED} event, for an entry this JVM found past its expiry and deleted.
   *
   * @param key the key, never null
   * @param oldValue the expired value
   */
  void publishExpired(K key, V oldValue);
}
