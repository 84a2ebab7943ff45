package dev.memjcache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;

/**
 * The {@link AsyncCache} of one {@link MemcachedCache} ({@code cache.unwrap(AsyncCache.class)}).
 *
 * @param <K> key type
 * @param <V> value type
 */
final class MemcachedAsyncCache<K, V> implements AsyncCache<K, V> {

  private final MemcachedCache<K, V> cache;

  MemcachedAsyncCache(MemcachedCache<K, V> cache) {
    this.cache = cache;
  }

  @Override
  public Cache<K, V> synchronous() {
    return cache;
  }

  @Override
  public CompletionStage<V> get(K key) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> mappingFunction) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<Map<K, V>> getAll(Set<? extends K> keys) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<Boolean> containsKey(K key) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<Void> put(K key, V value) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<Boolean> putIfAbsent(K key, V value) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<Boolean> remove(K key) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<Boolean> replace(K key, V value) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<V> getAndPut(K key, V value) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public CompletionStage<V> getAndRemove(K key) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public <T> CompletionStage<T> invoke(
      K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
