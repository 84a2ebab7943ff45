package dev.memjcache.store;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedNode;
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
   * memcached multi-get: one pipelined batch per server ({@link MultiGet}). Keys of servers that
   * are marked down are not sent; a server that fails does not cost the answers of the others.
   *
   * @param keys the memcached keys
   * @return the items found (flags and bytes by position; CAS values are not returned), and the
   *     keys whose server failed with the first failure
   */
  public BulkRead getBulk(List<String> keys) {
    List<MemcachedNode> servers = new ArrayList<>(keys.size());
    for (String key : keys) {
      servers.add(store.nodeFor(key));
    }
    return getBulk(keys, servers);
  }

  /**
   * {@link #getBulk(List)} of keys whose servers the caller has looked up already.
   *
   * @param keys the memcached keys
   * @param servers the server of each key, by position
   */
  public BulkRead getBulk(List<String> keys, List<MemcachedNode> servers) {
    if (keys.isEmpty()) {
      return new BulkRead(keys, new byte[0][], new int[0], new BitSet(), null);
    }
    return MultiGet.run(store, health, keys, servers);
  }

  /** What a multi-get found, by the position of each key in the request. */
  public static final class BulkRead {
    private final List<String> keys;
    private final byte[][] data;
    private final int[] flags;
    private final BitSet failed;
    private final StoreFailureException failure;

    BulkRead(
        List<String> keys,
        byte[][] data,
        int[] flags,
        BitSet failed,
        StoreFailureException failure) {
      this.keys = keys;
      this.data = data;
      this.flags = flags;
      this.failed = failed;
      this.failure = failure;
    }

    /**
     * The data of the item of the key at {@code position}, or null when there is none or its server
     * failed ({@link #failed}).
     */
    public byte[] data(int position) {
      return failed.get(position) ? null : data[position];
    }

    /**
     * The flags of the item at {@code position}; meaningful only when {@link #data} is not null.
     */
    public int flags(int position) {
      return flags[position];
    }

    /** Whether the server of the key at {@code position} was down or failed (no answer known). */
    public boolean failed(int position) {
      return failed.get(position);
    }

    /** The items found, by key: flags and bytes; keys without an item, or failed, are absent. */
    public Map<String, CachedData> items() {
      Map<String, CachedData> items = new HashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        byte[] bytes = data(i);
        if (bytes != null) {
          items.put(keys.get(i), new CachedData(flags[i], bytes, Integer.MAX_VALUE));
        }
      }
      return items;
    }

    /** The keys whose server was down or failed (neither found nor known absent). */
    public List<String> failedKeys() {
      List<String> failedKeys = new ArrayList<>(failed.cardinality());
      for (int i = failed.nextSetBit(0); i >= 0; i = failed.nextSetBit(i + 1)) {
        failedKeys.add(keys.get(i));
      }
      return failedKeys;
    }

    /** The first failure, null when {@link #failedKeys} is empty. */
    public StoreFailureException failure() {
      return failure;
    }
  }

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
