package dev.memjcache;

import dev.memjcache.store.BulkCommands;
import dev.memjcache.store.CasOutcome;
import dev.memjcache.store.MemcachedStore;
import dev.memjcache.store.StoreFailureException;
import dev.memjcache.store.StoreItem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedNode;

/**
 * The blocking path of one {@link KeyIndex} shard, taken when an {@code append} answered {@code
 * NOT_STORED}: memcached says so both when the shard does not exist and when the longer item would
 * pass {@code item_size_max}, so the shard is first created with {@code add}; when it exists, it is
 * compacted under {@code cas}:
 *
 * <ol>
 *   <li>its parts and the new ones, each once (appends list a key again on every write);
 *   <li>when that still fills more than three quarters of an item, only the parts whose entry item
 *       still exists (one multi-get of the shard's entries: a compaction reads about 1/{@value
 *       KeyIndex#SHARDS} of the cache), so a shard near its bound is not compacted again at once;
 *   <li>when even that does not fit, the generation's full marker is set and the new parts are not
 *       listed ({@link KeyIndex}, "Bound").
 * </ol>
 *
 * A {@code cas} that loses to another writer starts over, at most {@value #MAX_ATTEMPTS} times. A
 * failed command marks the shard's server dirty for the cache ({@code writeFailed}) and is thrown.
 * Thread-safe; runs on the manager's executor.
 */
final class KeyIndexShard {

  private static final int MAX_ATTEMPTS = 16;

  private static final String[] NO_PARTS = new String[0];

  private final MemcachedStore store;
  private final Consumer<MemcachedNode> writeFailed;

  KeyIndexShard(MemcachedStore store, Consumer<MemcachedNode> writeFailed) {
    this.store = store;
    this.writeFailed = writeFailed;
  }

  /**
   * Lists {@code parts} in the shard {@code shardKey}.
   *
   * @param parts one or more key parts, each preceded by a space
   * @param fullKey the generation's full marker
   * @param entryPrefix {@code <prefix>:<cache>:<generation>:}, which a part completes to an entry's
   *     item key
   * @return true when listed, false when the shard is full (the marker is set)
   * @throws StoreFailureException when a command fails, or the shard changed under every attempt
   */
  boolean store(String shardKey, String parts, String fullKey, String entryPrefix) {
    try {
      return compactAndStore(shardKey, parts, fullKey, entryPrefix);
    } catch (StoreFailureException e) {
      writeFailed.accept(store.nodeFor(shardKey));
      throw e;
    }
  }

  private boolean compactAndStore(
      String shardKey, String parts, String fullKey, String entryPrefix) {
    int limit = store.itemSizeLimit().largestValueBytes(shardKey.length(), 0);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      byte[] added = parts.getBytes(StandardCharsets.US_ASCII);
      if (added.length <= limit && store.add(shardKey, 0, 0, added)) {
        return true;
      }
      StoreItem current = store.gets(shardKey);
      if (current == null) {
        continue; // deleted or evicted since: create it again
      }
      byte[] next = compacted(current.data(), parts, limit, entryPrefix);
      if (next == null) {
        store.set(fullKey, 0, 0, new byte[] {'1'});
        return false;
      }
      if (store.cas(shardKey, current.cas(), 0, 0, next) == CasOutcome.STORED) {
        return true;
      }
    }
    throw new StoreFailureException(
        "the key index item '"
            + shardKey
            + "' changed under "
            + MAX_ATTEMPTS
            + " attempts to compact it; the entry written is not listed",
        null);
  }

  /**
   * The shard's new value: {@code current}'s parts and {@code parts}, each once; the parts whose
   * entry is gone are dropped when the rest fills more than three quarters of {@code limit}.
   *
   * @return the bytes, or null when they do not fit {@code limit}
   */
  private byte[] compacted(byte[] current, String parts, int limit, String entryPrefix) {
    Set<String> kept = new LinkedHashSet<>(Arrays.asList(parts(current)));
    String[] added = parts(parts.getBytes(StandardCharsets.US_ASCII));
    byte[] unique = join(kept, added);
    if (unique.length <= limit - limit / 4) {
      return unique;
    }
    List<String> itemKeys = new ArrayList<>(kept.size());
    for (String part : kept) {
      itemKeys.add(entryPrefix.concat(part));
    }
    BulkCommands.BulkRead read = store.bulk().getBulk(itemKeys);
    if (read.failure() != null) {
      throw read.failure(); // a part cannot be dropped without knowing its entry is gone
    }
    Map<String, CachedData> live = read.items();
    kept.removeIf(part -> !live.containsKey(entryPrefix.concat(part)));
    byte[] alive = join(kept, added);
    return alive.length <= limit ? alive : null;
  }

  private static byte[] join(Set<String> kept, String[] added) {
    Set<String> all = new LinkedHashSet<>(kept);
    all.addAll(Arrays.asList(added));
    StringBuilder out = new StringBuilder();
    for (String part : all) {
      out.append(' ').append(part);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The key parts of a shard's value: space separated, possibly with empty fields.
   *
   * @param value the shard item's bytes (printable ASCII and spaces)
   * @return the parts in order, duplicates kept
   */
  static String[] parts(byte[] value) {
    if (value.length == 0) {
      return NO_PARTS;
    }
    List<String> parts = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= value.length; i++) {
      boolean space = i == value.length || value[i] == ' ';
      if (space) {
        if (start >= 0) {
          parts.add(new String(value, start, i - start, StandardCharsets.US_ASCII));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    return parts.toArray(NO_PARTS);
  }
}
