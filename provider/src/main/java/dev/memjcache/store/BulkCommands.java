package dev.memjcache.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.internal.BulkFuture;
import net.spy.memcached.internal.OperationFuture;

/**
 * The multi-key commands of a {@link MemcachedStore}: the multi-get (one pipelined batch per
 * server) and pipelined {@code set}s, each answer awaited for at most the operation timeout, every
 * failure a {@link StoreFailureException} of its keys while the other servers' keys go on.
 * Thread-safe.
 */
public final class BulkCommands {

  private final MemcachedStore store;
  private final LocatingClient client;
  private final NodeHealth health;

  BulkCommands(MemcachedStore store, LocatingClient client, NodeHealth health) {
    this.store = store;
    this.client = client;
    this.health = health;
  }

  /**
   * memcached multi-get: one pipelined batch per server. Keys of servers that are marked down are
   * not sent; a server that fails does not cost the answers of the others.
   *
   * @return the items found (flags and bytes by key; CAS values are not returned), and the keys
   *     whose server failed with the first failure
   */
  public BulkRead getBulk(Collection<String> keys) {
    List<MemcachedNode> servers = new ArrayList<>(keys.size());
    for (String key : keys) {
      servers.add(store.nodeFor(key));
    }
    return getBulk(keys, servers);
  }

  /**
   * {@link #getBulk(Collection)} of keys whose servers the caller has looked up already.
   *
   * @param keys the memcached keys
   * @param servers the server of each key, in the iteration order of {@code keys}
   */
  public BulkRead getBulk(Collection<String> keys, List<MemcachedNode> servers) {
    if (keys.isEmpty()) {
      return new BulkRead(Map.of(), List.of(), null);
    }
    Map<MemcachedNode, Collection<String>> byNode = byServer(keys, servers);
    Map<MemcachedNode, BulkFuture<Map<String, CachedData>>> futures =
        new LinkedHashMap<>(byNode.size() * 2);
    List<String> failedKeys = new ArrayList<>(0);
    StoreFailureException failure = null;
    for (Map.Entry<MemcachedNode, Collection<String>> e : byNode.entrySet()) {
      try {
        health.admit(e.getKey());
        futures.put(e.getKey(), client.asyncGetBulk(e.getValue(), RawTranscoder.INSTANCE));
      } catch (StoreFailureException down) {
        failedKeys.addAll(e.getValue());
        failure = failure == null ? down : failure;
      }
    }
    Map<String, CachedData> items = futures.size() == 1 ? null : new HashMap<>();
    for (Map.Entry<MemcachedNode, BulkFuture<Map<String, CachedData>>> e : futures.entrySet()) {
      try {
        Map<String, CachedData> found =
            store.await(e.getValue(), "multi-get", byNode.get(e.getKey()), e.getKey());
        if (items == null) {
          items = found; // one server: its answer is the whole result, no copy
        } else {
          items.putAll(found);
        }
      } catch (StoreFailureException failed) {
        failedKeys.addAll(byNode.get(e.getKey()));
        failure = failure == null ? failed : failure;
      }
    }
    return new BulkRead(items == null ? Map.of() : items, failedKeys, failure);
  }

  /** The keys by server, in order; all of them as they are when they share one server. */
  private static Map<MemcachedNode, Collection<String>> byServer(
      Collection<String> keys, List<MemcachedNode> servers) {
    MemcachedNode first = servers.get(0);
    boolean one = true;
    for (MemcachedNode server : servers) {
      if (server != first) {
        one = false;
        break;
      }
    }
    Map<MemcachedNode, Collection<String>> byNode = new IdentityHashMap<>();
    if (one) {
      byNode.put(first, keys);
      return byNode;
    }
    int i = 0;
    for (String key : keys) {
      byNode.computeIfAbsent(servers.get(i++), n -> new ArrayList<>()).add(key);
    }
    return byNode;
  }

  /**
   * What a multi-get found.
   *
   * @param items flags and bytes by key; keys without an item are absent
   * @param failedKeys keys whose server was down or failed (neither found nor known absent)
   * @param failure the first failure, null when {@code failedKeys} is empty
   */
  public record BulkRead(
      Map<String, CachedData> items, List<String> failedKeys, StoreFailureException failure) {}

  /**
   * Pipelined memcached {@code set}s: all are sent before any answer is awaited; writes for servers
   * marked down are not sent.
   *
   * @return the writes that failed (their server down, failing or refusing), empty when all were
   *     stored
   * @throws ItemTooLargeException before sending anything, when an item exceeds the limit
   */
  public List<FailedWrite> setAll(List<Write> writes) {
    List<CachedData> items = new ArrayList<>(writes.size());
    for (Write write : writes) {
      items.add(store.item(write.key(), write.flags(), write.data()));
    }
    List<FailedWrite> failed = new ArrayList<>(0);
    List<OperationFuture<Boolean>> futures = new ArrayList<>(writes.size());
    for (int i = 0; i < writes.size(); i++) {
      Write write = writes.get(i);
      try {
        health.admit(write.server());
        futures.add(client.set(write.key(), write.exptime(), items.get(i), RawTranscoder.INSTANCE));
      } catch (StoreFailureException e) {
        futures.add(null);
        failed.add(new FailedWrite(write.key(), e));
      }
    }
    for (int i = 0; i < futures.size(); i++) {
      OperationFuture<Boolean> future = futures.get(i);
      if (future == null) {
        continue;
      }
      Write write = writes.get(i);
      try {
        if (!store.await(future, "set", write.key(), write.server())) {
          failed.add(new FailedWrite(write.key(), store.refused("set", write.key(), future)));
        }
      } catch (StoreFailureException e) {
        failed.add(new FailedWrite(write.key(), e));
      }
    }
    return failed;
  }

  /**
   * A write of {@link #setAll} that failed.
   *
   * @param key the memcached key
   * @param failure why
   */
  public record FailedWrite(String key, StoreFailureException failure) {}

  /**
   * One pipelined write.
   *
   * @param key the memcached key
   * @param server the server {@code key} goes to ({@link MemcachedStore#nodeFor}, or {@link
   *     EntryRouting#node} for an entry)
   * @param exptime memcached exptime (see {@link MemcachedStore#add})
   * @param flags the item flags
   * @param data the item bytes
   */
  public record Write(String key, MemcachedNode server, int exptime, int flags, byte[] data) {}
}
