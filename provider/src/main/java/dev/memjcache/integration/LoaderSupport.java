package dev.memjcache.integration;

import dev.memjcache.support.Counter;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;

/**
 * Calls the cache's {@link CacheLoader} (JSR-107 section 9.1) and wraps whatever it throws in a
 * {@link CacheLoaderException}. Read-through operations go through {@link #readThrough()}, which is
 * a null object when read-through is off or there is no loader; {@code Cache.loadAll} uses the
 * loader whenever one is configured.
 *
 * <p>Read-through loads go through a per-cache {@link SingleFlight} (the null object without a
 * loader): concurrent loads of one key in this JVM run the loader once and share its value or
 * exception ({@link #load}, {@link #once}, {@link #onceAll}).
 *
 * @param <K> key type
 * @param <V> value type
 */
public class LoaderSupport<K, V> {

  private static final LoaderSupport<?, ?> NONE =
      new LoaderSupport<>(null, false, SingleFlight.NONE);

  private final CacheLoader<K, V> loader;
  private final boolean readThrough;
  private final SingleFlight flight;

  private LoaderSupport(CacheLoader<K, V> loader, boolean readThrough, SingleFlight flight) {
    this.loader = loader;
    this.readThrough = readThrough;
    this.flight = flight;
  }

  /**
   * @param loader the configured loader, may be null
   * @param readThrough the configuration's read-through flag
   * @param singleFlightWaits counts the loads that waited for another thread's load of their key
   */
  @SuppressWarnings("unchecked")
  public static <K, V> LoaderSupport<K, V> of(
      CacheLoader<K, V> loader, boolean readThrough, Counter singleFlightWaits) {
    return loader == null
        ? (LoaderSupport<K, V>) NONE
        : new LoaderSupport<>(loader, readThrough, new SingleFlight(singleFlightWaits));
  }

  /** Returns the support read-through operations use: this, or a loader-less null object. */
  @SuppressWarnings("unchecked")
  public LoaderSupport<K, V> readThrough() {
    return readThrough ? this : (LoaderSupport<K, V>) NONE;
  }

  /** Whether there is a loader at all. */
  public boolean isPresent() {
    return loader != null;
  }

  /** Returns the configured loader, or null (to close it with the cache). */
  public CacheLoader<K, V> loader() {
    return loader;
  }

  /**
   * {@code CacheLoader.load}, once for the concurrent loads of {@code key} in this JVM.
   *
   * @return the loaded value, or null when there is none or no loader
   * @throws CacheLoaderException wrapping anything the loader throws
   */
  public V load(K key) {
    if (loader == null) {
      return null;
    }
    return flight.shared(key, () -> loadNow(key));
  }

  /**
   * Runs {@code work} (typically: read the entry again, load, store) once for the concurrent
   * read-through misses of {@code key} in this JVM; the others get its result or exception. Loads
   * inside {@code work} on the same key run at once (the thread holds the key).
   *
   * @return the work's result
   */
  public <R> R once(K key, Supplier<R> work) {
    return flight.shared(key, work);
  }

  /**
   * {@link #once} for {@code getAll}'s missing keys: {@code work} runs for the keys no other thread
   * is loading; the values other threads load for the rest are added.
   *
   * @return the values found, by key
   */
  public Map<K, V> onceAll(Collection<K> keys, Function<Set<K>, Map<K, V>> work) {
    return flight.sharedAll(keys, work);
  }

  private V loadNow(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException("CacheLoader.load failed for key " + key + ": " + e, e);
    }
  }

  /**
   * {@code CacheLoader.loadAll}; null values in the loader's answer are dropped.
   *
   * @return the loaded entries (empty when no loader)
   * @throws CacheLoaderException wrapping anything the loader throws
   */
  public Map<K, V> loadAll(Set<? extends K> keys) {
    if (loader == null || keys.isEmpty()) {
      return Map.of();
    }
    Map<K, V> loaded;
    try {
      loaded = loader.loadAll(keys);
    } catch (CacheLoaderException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheLoaderException(
          "CacheLoader.loadAll failed for " + keys.size() + " keys: " + e, e);
    }
    Map<K, V> present = new HashMap<>();
    if (loaded != null) {
      loaded.forEach(
          (k, v) -> {
            if (k != null && v != null) {
              present.put(k, v);
            }
          });
    }
    return present;
  }
}
