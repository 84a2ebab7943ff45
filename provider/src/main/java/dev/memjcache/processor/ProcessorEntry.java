package dev.memjcache.processor;

import dev.memjcache.integration.LoaderSupport;
import java.util.Objects;
import javax.cache.processor.MutableEntry;

/**
 * The {@link MutableEntry} an {@code EntryProcessor} sees (JSR-107 section 7.4, {@code
 * Cache.invoke}). It records what the processor did as one {@link Operation}; the cache applies
 * that operation with a CAS write against the item the entry was read from, and runs the processor
 * again on a fresh read when someone else changed the item in between. Not thread-safe: one per
 * processor call.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

  /** The net effect of a processor on its entry. */
  public enum Operation {
    /** Nothing observed or changed. */
    NONE,
    /** The value was read: the access expiry applies. */
    ACCESS,
    /** The value was loaded through read-through and is to be stored (not written through). */
    LOAD,
    /** A new entry is to be created. */
    CREATE,
    /** The existing entry is to be updated. */
    UPDATE,
    /** The existing entry is to be removed. */
    REMOVE
  }

  private final K key;
  private final V original;
  private final LoaderSupport<K, V> readThrough;
  private V value;
  private Operation operation = Operation.NONE;

  /**
   * @param key the entry's key
   * @param original the live value read from memcached, or null when there is no live entry
   * @param readThrough the loader used by {@link #getValue()} when there is no value (a loader-less
   *     null object when read-through is off)
   */
  public ProcessorEntry(K key, V original, LoaderSupport<K, V> readThrough) {
    this.key = key;
    this.original = original;
    this.readThrough = readThrough;
  }

  @Override
  public K getKey() {
    return key;
  }

  /**
   * Returns the current value: the one set by the processor, else the stored one, else (with
   * read-through) the loaded one.
   *
   * @throws javax.cache.integration.CacheLoaderException when the loader fails
   */
  @Override
  public V getValue() {
    if (operation == Operation.NONE) {
      value = original;
    }
    if (value != null) {
      if (operation == Operation.NONE) {
        operation = Operation.ACCESS;
      }
      return value;
    }
    if (operation == Operation.NONE || operation == Operation.ACCESS) {
      V loaded = readThrough.load(key);
      if (loaded != null) {
        value = loaded;
        operation = Operation.LOAD;
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return operation == Operation.NONE ? original != null : value != null;
  }

  /** Removes the entry; removing an entry the processor created or loaded undoes that instead. */
  @Override
  public void remove() {
    operation =
        operation == Operation.CREATE || operation == Operation.LOAD
            ? Operation.NONE
            : Operation.REMOVE;
    value = null;
  }

  /**
   * Sets the value: an update when the entry existed, else a creation.
   *
   * @throws NullPointerException when {@code value} is null
   */
  @Override
  public void setValue(V value) {
    this.value = Objects.requireNonNull(value, "an entry processor cannot set a null value");
    operation = original == null ? Operation.CREATE : Operation.UPDATE;
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
        "a MemJCache MutableEntry cannot be unwrapped to " + type.getName());
  }

  /** Returns what the processor did. */
  public Operation operation() {
    return operation;
  }

  /** Returns the value to store for {@link Operation#CREATE}, {@code UPDATE} and {@code LOAD}. */
  public V newValue() {
    return value;
  }
}
