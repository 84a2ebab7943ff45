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
   * Starts pipelined memcached {@code set}s: each is sent as soon as it is given, none awaited
   * before {@link SetPipeline#await}.
   *
   * @param expected about how many sets will be sent
   */
  public SetPipeline pipeline(int expected) {
    return new SetPipeline(expected);
  }

  /**
   * Pipelined {@code set}s (and {@code replace}s) of one call, sent one by one and awaited together
   * (so the first are on the wire while the caller prepares the next). Not thread-safe: one per
   * call.
   */
  public final class SetPipeline {
    private final List<String> keys;
    private final List<MemcachedNode> servers;
    private final List<OperationFuture<Boolean>> futures;
    private final List<FailedWrite> failed = new ArrayList<>(0);

    /** By position in {@link #keys}: the item of a {@code replace}, null for a {@code set}. */
    private final List<CachedData> replaced;

    private final List<Integer> exptimes;
    private final List<String> created = new ArrayList<>(0);

    private SetPipeline(int expected) {
      keys = new ArrayList<>(expected);
      servers = new ArrayList<>(expected);
      futures = new ArrayList<>(expected);
      replaced = new ArrayList<>(expected);
      exptimes = new ArrayList<>(expected);
    }

    /**
     * Sends a memcached {@code replace} without awaiting it; when it answers {@code NOT_STORED} (no
     * item), {@link #await} sends a {@code set} of the same item and lists the key in {@link
     * #created}. A write for a server marked down is not sent and becomes a failed write.
     *
     * @see #send
     */
    public void sendReplace(String key, MemcachedNode server, int exptime, int flags, byte[] data) {
      CachedData item = store.item(key, flags, data);
      if (admitted(key, server)) {
        track(
            key, server, exptime, client.replace(key, exptime, item, RawTranscoder.INSTANCE), item);
      }
    }

    /** Keeps a sent write for {@link #await}; {@code replacing}: its item when a replace. */
    private void track(
        String key,
        MemcachedNode server,
        int exptime,
        OperationFuture<Boolean> future,
        CachedData replacing) {
      futures.add(future);
      keys.add(key);
      servers.add(server);
      replaced.add(replacing);
      exptimes.add(exptime);
    }

    private boolean admitted(String key, MemcachedNode server) {
      try {
        health.admit(server);
        return true;
      } catch (StoreFailureException down) {
        failed.add(new FailedWrite(key, down));
        return false;
      }
    }

    /**
     * The keys a {@link #sendReplace} found no item for and {@link #await} stored with {@code set}.
     */
    public List<String> created() {
      return created;
    }

    /**
     * Sends a memcached {@code set} without awaiting it; a write for a server marked down is not
     * sent and becomes a failed write.
     *
     * @param key the memcached key
     * @param server the server {@code key} goes to ({@link MemcachedStore#nodeFor}, or {@link
     *     EntryRouting#node} for an entry)
     * @param exptime memcached exptime (see {@link MemcachedStore#add})
     * @param flags the item flags
     * @param data the item bytes
     * @throws ItemTooLargeException when the item exceeds the servers' limit (nothing is sent)
     */
    public void send(String key, MemcachedNode server, int exptime, int flags, byte[] data) {
      CachedData item = store.item(key, flags, data);
      if (admitted(key, server)) {
        track(key, server, exptime, client.set(key, exptime, item, RawTranscoder.INSTANCE), null);
      }
    }

    /**
     * Awaits every {@code set} sent, each for at most the operation timeout.
     *
     * @return the writes that failed (their server down, failing or refusing), empty when all were
     *     stored
     */
    public List<FailedWrite> await() {
      for (int i = 0; i < futures.size(); i++) {
        OperationFuture<Boolean> future = futures.get(i);
        String key = keys.get(i);
        CachedData item = replaced.get(i);
        String command = item == null ? "set" : "replace";
        try {
          if (store.await(future, command, key, servers.get(i))) {
            continue;
          }
          if (item == null) {
            failed.add(new FailedWrite(key, store.refused("set", key, future)));
          } else {
            // no item to replace: the set joins the end of the list, awaited in this same loop
            int exptime = exptimes.get(i);
            track(
                key,
                servers.get(i),
                exptime,
                client.set(key, exptime, item, RawTranscoder.INSTANCE),
                null);
            created.add(key);
          }
        } catch (StoreFailureException e) {
          failed.add(new FailedWrite(key, e));
        }
      }
      return failed;
    }
  }

  /**
   * A write of a {@link SetPipeline} that failed.
   *
   * @param key the memcached key
   * @param failure why
   */
  public record FailedWrite(String key, StoreFailureException failure) {}
}
