package dev.memjcache.codec;

import com.esotericsoftware.kryo.util.Pool;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A bounded, lock-free pool of reusable objects (Kryo instances and their buffers, which are not
 * thread-safe). Each thread starts probing at a slot derived from its id, so threads mostly hit
 * different slots; a miss creates a new object and a full pool drops the returned one. Nothing
 * blocks: Kryo's own {@code Pool} is a {@code LinkedBlockingQueue} whose lock every cache call
 * would share.
 *
 * @param <T> the pooled type
 */
final class ObjectPool<T> {

  /** Slots used are this far apart, so that two threads' slots never share a cache line. */
  private static final int STRIDE = 16;

  private final AtomicReferenceArray<T> slots;
  private final int capacity;
  private final Supplier<T> factory;

  /**
   * @param capacity the most idle objects kept
   * @param factory creates an object when no idle one is found
   */
  ObjectPool(int capacity, Supplier<T> factory) {
    this.slots = new AtomicReferenceArray<>(capacity * STRIDE);
    this.capacity = capacity;
    this.factory = factory;
  }

  /** Takes an idle object, or creates one. */
  T obtain() {
    int start = home();
    for (int i = 0; i < capacity; i++) {
      int index = ((start + i) % capacity) * STRIDE;
      if (slots.getPlain(index) != null) {
        T item = slots.getAndSet(index, null);
        if (item != null) {
          return item;
        }
      }
    }
    return factory.get();
  }

  /**
   * Returns an object for reuse, reset first when it is a Kryo {@link Pool.Poolable} (buffers
   * rewind); it is dropped when every slot is taken.
   */
  void free(T item) {
    if (item instanceof Pool.Poolable poolable) {
      poolable.reset();
    }
    int start = home();
    for (int i = 0; i < capacity; i++) {
      int index = ((start + i) % capacity) * STRIDE;
      if (slots.getPlain(index) == null && slots.compareAndSet(index, null, item)) {
        return;
      }
    }
  }

  private int home() {
    long id = Thread.currentThread().getId();
    return (int) ((id ^ (id >>> 16)) & 0x7fffffff) % capacity;
  }
}
