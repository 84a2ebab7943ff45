package dev.memjcache;

import dev.memjcache.codec.EncodedEntry;
import dev.memjcache.codec.EncodedKey;
import dev.memjcache.codec.KeyCodec;
import dev.memjcache.store.BulkCommands;
import dev.memjcache.store.EntryRouting;
import dev.memjcache.store.ItemSizeLimit;
import dev.memjcache.store.ItemTooLargeException;
import dev.memjcache.store.MemcachedStore;
import dev.memjcache.store.StoreFailureException;
import dev.memjcache.store.StoreItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.spy.memcached.MemcachedNode;

/**
 * The multi-entry reads and writes of one cache's {@link Entries}: the multi-get of {@code getAll}
 * and the pipelined blind {@code set}s of {@code putAll}. Per key they do what the single-entry
 * paths do (same item keys, same servers, same envelopes), with less work per key: each key is
 * routed from its parts ({@link EntryRouting}: one MD5, no routing-key string), each server's
 * generation is looked up once per call ({@link CallGenerations}), and the item key is built once.
 * Thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class BulkEntries<K, V> {

  /** Characters of the longest generation (Long.MAX_VALUE). */
  private static final int MAX_GENERATION_DIGITS = 19;

  private final Entries<K, V> entries;
  private final MemcachedStore store;
  private final KeyCodec keys;
  private final EntryRouting routing;
  private final String cachePrefix;

  BulkEntries(Entries<K, V> entries) {
    this.entries = entries;
    this.store = entries.store();
    this.keys = entries.keyCodec();
    this.routing = store.routing();
    this.cachePrefix = keys.cachePrefix();
  }

  /**
   * What a multi-get found.
   *
   * @param slots the slots of the keys whose server answered, in request order
   * @param failedKeys keys whose server was down or failed
   * @param failure the first failure, null when none
   */
  record ReadAll<K, V>(List<Slot<K, V>> slots, List<K> failedKeys, StoreFailureException failure) {}

  /**
   * One multi-get for many entries (one batch per server), in the order of {@code keyList}. The
   * slots carry no CAS unique: a conditional write must re-read with {@link Entries#read}. Keys of
   * servers that are down or fail are reported, not read.
   */
  ReadAll<K, V> readAll(Collection<? extends K> keyList, long now) {
    int size = keyList.size();
    List<K> keyOrder = new ArrayList<>(size);
    List<EncodedKey> encoded = new ArrayList<>(size);
    List<String> itemKeys = new ArrayList<>(size);
    List<MemcachedNode> servers = new ArrayList<>(size);
    List<K> failedKeys = new ArrayList<>(0);
    StoreFailureException failure = null;
    Router router = new Router();
    for (K key : keyList) {
      EncodedKey e = keys.encode(key);
      String itemKey;
      try {
        itemKey = router.itemKey(e, false);
      } catch (StoreFailureException down) {
        failedKeys.add(key);
        failure = failure == null ? down : failure;
        continue;
      }
      itemKeys.add(itemKey);
      servers.add(router.node);
      encoded.add(e);
      keyOrder.add(key);
    }
    BulkCommands.BulkRead read = store.bulk().getBulk(itemKeys, servers);
    failure = failure == null ? read.failure() : failure;
    List<Slot<K, V>> slots = new ArrayList<>(keyOrder.size());
    for (int i = 0; i < keyOrder.size(); i++) {
      if (read.failed(i)) {
        failedKeys.add(keyOrder.get(i));
        continue;
      }
      byte[] data = read.data(i);
      StoreItem item = data == null ? null : new StoreItem(itemKeys.get(i), data, read.flags(i), 0);
      slots.add(entries.slot(keyOrder.get(i), itemKeys.get(i), encoded.get(i), item, now));
    }
    return new ReadAll<>(slots, failedKeys, failure);
  }

  /**
   * Pipelined blind {@code set}s. Every value is encoded and its item checked against the servers'
   * size limit before anything is sent; then each entry is routed and its {@code set} sent at once,
   * so the first ones are on the wire while the later ones are prepared, and all are awaited at the
   * end. Entries of servers that are down or fail are not stored (their servers marked dirty).
   *
   * @return the first failure, null when every entry was stored
   * @throws ItemTooLargeException before anything is sent, when an item exceeds the limit
   */
  StoreFailureException putAll(Map<? extends K, ? extends V> map, long expiresAt, long now) {
    int exptime = entries.exptime(expiresAt, now);
    int size = map.size();
    EncodedKey[] encodedKeys = new EncodedKey[size];
    EncodedEntry[] data = new EncodedEntry[size];
    String[] itemKeys = new String[size]; // routed early: only those the size bound cannot clear
    MemcachedNode[] servers = new MemcachedNode[size];
    ItemSizeLimit limit = store.itemSizeLimit();
    Router router = new Router();
    StoreFailureException failure = null;
    int n = 0;
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      EncodedKey encoded = keys.encode(entry.getKey());
      EncodedEntry item = entries.encode(expiresAt, encoded, entry.getValue());
      // the item key is the cache prefix, at most 19 generation digits, ':' and the part (ASCII)
      int keyBound = cachePrefix.length() + MAX_GENERATION_DIGITS + 1 + encoded.part().length();
      if (limit.itemBytes(keyBound, item.flags(), item.bytes().length) > limit.itemSizeMax()) {
        try {
          itemKeys[n] = router.itemKey(encoded, true);
          servers[n] = router.node;
        } catch (StoreFailureException down) {
          // its generation cannot be read: the entry is not stored, whatever its size
        }
        if (itemKeys[n] != null) {
          limit.check(itemKeys[n], item.flags(), item.bytes().length);
        }
      }
      encodedKeys[n] = encoded;
      data[n++] = item;
    }
    BulkCommands.SetPipeline sets = store.bulk().pipeline(size);
    KeyIndex index = entries.keyIndex();
    List<String> sent = index.isActive() ? new ArrayList<>(n) : null;
    Set<String> written = sent == null ? Set.of() : new HashSet<>();
    for (int i = 0; i < n; i++) {
      String itemKey = itemKeys[i];
      if (itemKey == null) {
        try {
          itemKey = router.itemKey(encodedKeys[i], true);
        } catch (StoreFailureException e) {
          entries.markDirty(router.node);
          failure = failure == null ? e : failure;
          continue;
        }
        servers[i] = router.node;
      }
      if (sent != null && index.expectsEntry(itemKey, now)) {
        // an entry this JVM wrote: a replace needs no append (KeyIndex.put)
        sets.sendReplace(itemKey, servers[i], exptime, data[i].flags(), data[i].bytes());
        written.add(itemKey);
      } else {
        sets.send(itemKey, servers[i], exptime, data[i].flags(), data[i].bytes());
        if (sent != null) {
          sent.add(itemKey);
        }
      }
    }
    List<BulkCommands.FailedWrite> failedWrites = sets.await();
    if (sent != null) {
      sent.addAll(sets.created());
    }
    for (BulkCommands.FailedWrite failed : failedWrites) {
      entries.markDirty(store.nodeFor(failed.key()));
      failure = failure == null ? failed.failure() : failure;
      if (sent != null) {
        sent.remove(failed.key());
        written.remove(failed.key());
      }
    }
    if (sent != null) {
      // once stored, one append per index shard (a failed one marks its server dirty)
      index.recordAllInBackground(sent);
      index.wroteAll(sent, expiresAt);
      index.wroteAll(written, expiresAt);
    }
    return failure;
  }

  /**
   * Routes the keys of one bulk call, one after the other, reused from key to key: the server from
   * the key's parts ({@link EntryRouting}), that server's generation once per call ({@link
   * CallGenerations}), the item key, which spymemcached's routing of the command then finds by
   * identity (writes only). Not thread-safe: one per call.
   */
  private final class Router {
    private final CallGenerations generations = new CallGenerations(entries);

    /** The server of the key last given to {@link #itemKey}, set even when that failed. */
    MemcachedNode node;

    /**
     * The item key of {@code encoded} in its server's generation; sets {@link #node}.
     *
     * @param routed whether spymemcached will route a command by the item key (a {@code set}),
     *     which then finds its hash by identity; a multi-get goes to {@link #node} as it is
     * @throws StoreFailureException when the server's generation cannot be read
     */
    String itemKey(EncodedKey encoded, boolean routed) {
      String part = encoded.part();
      long hash = routing.hash(cachePrefix, part);
      node = routing.node(hash, cachePrefix, part);
      String itemKey = keys.itemKey(generations.of(node), encoded);
      if (routed) {
        routing.routed(itemKey, hash);
      }
      return itemKey;
    }
  }

  /**
   * The generations of the servers one bulk call touches, each looked up once ({@link
   * Entries#generation}, which may read it) and then reused for the call's other keys; a server
   * whose generation cannot be read fails every key of it with the same exception. A call sees each
   * server in one generation, as if it ran at the moment of its first key.
   */
  static final class CallGenerations {
    private final Entries<?, ?> entries;
    private MemcachedNode[] nodes = new MemcachedNode[2];
    private long[] generations = new long[2];
    private StoreFailureException[] failures = new StoreFailureException[2];
    private int count;

    CallGenerations(Entries<?, ?> entries) {
      this.entries = entries;
    }

    /**
     * Returns the cache's generation on {@code node}.
     *
     * @throws StoreFailureException when it cannot be read (the same one for every key of the call)
     */
    long of(MemcachedNode node) {
      for (int i = 0; i < count; i++) {
        if (nodes[i] == node) {
          if (failures[i] != null) {
            throw failures[i];
          }
          return generations[i];
        }
      }
      if (count == nodes.length) {
        nodes = Arrays.copyOf(nodes, count * 2);
        generations = Arrays.copyOf(generations, count * 2);
        failures = Arrays.copyOf(failures, count * 2);
      }
      int at = count++;
      nodes[at] = node;
      try {
        generations[at] = entries.generation(node);
      } catch (StoreFailureException e) {
        failures[at] = e;
        throw e;
      }
      return generations[at];
    }
  }
}
