package dev.memjcache;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import javax.cache.Cache;

/**
 * {@code Cache.iterator()}: walks the item keys that {@code lru_crawler metadump} listed for the
 * cache's current generation of each server, fetching values by multi-get a page at a time. Entries
 * that expire, vanish or are not valid envelopes are skipped; each entry returned counts as an
 * access (access expiry, a hit). {@link #remove()} removes the last entry as {@code
 * Cache.remove(key)} does (writer, REMOVED event). Not thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {

  /** Keys fetched per multi-get. */
  static final int PAGE = 100;

  private final CacheContext<K, V> ctx;
  private final EntryOperations<K, V> single;
  private final Consumer<K> remover;
  private final List<String> itemKeys;
  private final ArrayDeque<Slot<K, V>> buffer = new ArrayDeque<>();
  private int position;
  private Cache.Entry<K, V> last;

  EntryIterator(
      CacheContext<K, V> ctx,
      EntryOperations<K, V> single,
      Consumer<K> remover,
      List<String> itemKeys) {
    this.ctx = ctx;
    this.single = single;
    this.remover = remover;
    this.itemKeys = itemKeys;
  }

  @Override
  public boolean hasNext() {
    while (buffer.isEmpty() && position < itemKeys.size()) {
      List<String> page = itemKeys.subList(position, Math.min(itemKeys.size(), position + PAGE));
      position += page.size();
      long now = System.currentTimeMillis();
      for (Slot<K, V> slot :
          ctx.entries.readItems(page, now, failure -> ctx.failures.partial("iterator", failure))) {
        if (slot.isPresent()) {
          buffer.add(slot);
        }
      }
    }
    return !buffer.isEmpty();
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Slot<K, V> slot = buffer.poll();
    // the access (expiry policy, hit) happens when the entry is handed out, not when prefetched
    single.accessed(slot, System.currentTimeMillis());
    ctx.stats().recordHits(1);
    last = new MemcachedEntry<>(slot.key, slot.value());
    return last;
  }

  @Override
  public void remove() {
    if (last == null) {
      throw new IllegalStateException("next() has not returned an entry to remove");
    }
    remover.accept(last.getKey());
    last = null;
  }
}
