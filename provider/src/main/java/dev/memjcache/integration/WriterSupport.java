package dev.memjcache.integration;

import dev.memjcache.MemcachedEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * Write-through (JSR-107 section 9.2): calls the cache's {@link CacheWriter} before memcached is
 * changed, so that a writer failure leaves the cache unchanged, and wraps what it throws in a
 * {@link CacheWriterException}. {@link #none()} is the null object for caches without
 * write-through.
 *
 * <p>For the batch forms the writer removes from the collection it is given the entries (keys) it
 * wrote; on failure, the ones still in the collection were not written, and the cache applies the
 * others only (the spec's partial-success rule).
 *
 * @param <K> key type
 * @param <V> value type
 */
public class WriterSupport<K, V> {

  private static final WriterSupport<?, ?> NONE = new WriterSupport<>(null);

  private final CacheWriter<K, V> writer;

  @SuppressWarnings("unchecked")
  private WriterSupport(CacheWriter<? super K, ? super V> writer) {
    // A writer of supertypes accepts our entries; the cast only narrows what the compiler knows.
    this.writer = (CacheWriter<K, V>) writer;
  }

  /** The null object: every call is a no-op that reports everything written. */
  @SuppressWarnings("unchecked")
  public static <K, V> WriterSupport<K, V> none() {
    return (WriterSupport<K, V>) NONE;
  }

  /**
   * @param writer the configured writer, may be null
   * @param writeThrough the configuration's write-through flag
   */
  public static <K, V> WriterSupport<K, V> of(
      CacheWriter<? super K, ? super V> writer, boolean writeThrough) {
    return writer == null || !writeThrough ? none() : new WriterSupport<>(writer);
  }

  /** Returns the configured writer, or null (to close it with the cache). */
  public CacheWriter<? super K, ? super V> writer() {
    return writer;
  }

  /**
   * {@code CacheWriter.write}.
   *
   * @throws CacheWriterException wrapping anything the writer throws
   */
  public void write(K key, V value) {
    if (writer == null) {
      return;
    }
    try {
      writer.write(new MemcachedEntry<>(key, value));
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException("CacheWriter.write failed for key " + key + ": " + e, e);
    }
  }

  /**
   * {@code CacheWriter.delete}.
   *
   * @throws CacheWriterException wrapping anything the writer throws
   */
  public void delete(K key) {
    if (writer == null) {
      return;
    }
    try {
      writer.delete(key);
    } catch (CacheWriterException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException("CacheWriter.delete failed for key " + key + ": " + e, e);
    }
  }

  /**
   * {@code CacheWriter.writeAll}. Throws nothing: a failure is reported through the returned {@link
   * BatchResult}.
   *
   * @param entries the entries to write
   * @return the keys that were written (all of them unless {@code failure} is set)
   */
  public BatchResult<K> writeAll(Map<? extends K, ? extends V> entries) {
    if (writer == null || entries.isEmpty()) {
      return BatchResult.all();
    }
    Collection<Cache.Entry<? extends K, ? extends V>> pending = new ArrayList<>(entries.size());
    entries.forEach((k, v) -> pending.add(new MemcachedEntry<>(k, v)));
    try {
      writer.writeAll(pending);
      return BatchResult.all();
    } catch (Exception e) {
      Set<K> written = new LinkedHashSet<>(entries.keySet());
      for (Cache.Entry<? extends K, ? extends V> left : pending) {
        written.remove(left.getKey());
      }
      return new BatchResult<>(written, wrap("writeAll", e));
    }
  }

  /**
   * {@code CacheWriter.deleteAll}.
   *
   * @param keys the keys to delete
   * @return the keys that were deleted by the writer, and its failure if any
   */
  public BatchResult<K> deleteAll(Collection<? extends K> keys) {
    if (writer == null || keys.isEmpty()) {
      return BatchResult.all();
    }
    Collection<K> pending = new ArrayList<>(keys);
    try {
      writer.deleteAll(pending);
      return BatchResult.all();
    } catch (Exception e) {
      Set<K> deleted = new LinkedHashSet<>(keys);
      deleted.removeAll(pending);
      return new BatchResult<>(deleted, wrap("deleteAll", e));
    }
  }

  private static CacheWriterException wrap(String call, Exception e) {
    return e instanceof CacheWriterException
        ? (CacheWriterException) e
        : new CacheWriterException("CacheWriter." + call + " failed: " + e, e);
  }

  /**
   * Outcome of a batch write-through.
   *
   * @param done the keys the writer handled, which the cache may now apply; null when it handled
   *     every key it was given (the common case, which copies nothing)
   * @param failure the writer's failure, to throw after applying {@code done}; null on success
   */
  public record BatchResult<K>(Set<K> done, CacheWriterException failure) {

    /** Every key was handled. */
    static <K> BatchResult<K> all() {
      return new BatchResult<>(null, null);
    }

    /** Whether the cache may apply {@code key}. */
    public boolean isDone(K key) {
      return done == null || done.contains(key);
    }

    /** Whether every key was handled. */
    public boolean isAll() {
      return done == null;
    }

    /** Throws the failure, if any. */
    public void throwIfFailed() {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
