package dev.memjcache.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.ops.GetOperation;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationStatus;

/**
 * One multi-get: a memcached {@code get} of many keys per server (text: one {@code get k1 k2 ...};
 * binary: pipelined {@code getq}s and a {@code noop}), built with spymemcached's operation factory
 * and queued on the server the caller routed each key to. Each answer goes straight into the
 * request's position ({@link #data}, {@link #flags}), so a found item costs one table lookup on the
 * I/O thread and nothing on the caller's: no per-key future, decode task or result map, as {@code
 * MemcachedClient.asyncGetBulk} builds. All servers are awaited together for at most the operation
 * timeout; each reports to node health as {@link MemcachedStore#await} does, and a server that
 * fails or does not answer fails its own keys only. Not thread-safe: one per call.
 */
final class MultiGet {

  private final MemcachedStore store;
  private final List<String> keys;
  private final Positions positions;
  private final byte[][] data;
  private final int[] flags;
  private final BitSet failed;
  private final List<ServerGet> sent;
  private StoreFailureException failure;

  /**
   * @param keys the memcached keys, in the caller's order (duplicates are read once and answered in
   *     every position)
   */
  private MultiGet(MemcachedStore store, List<String> keys, int servers) {
    this.store = store;
    this.keys = keys;
    this.positions = new Positions(keys);
    this.data = new byte[keys.size()][];
    this.flags = new int[keys.size()];
    this.failed = new BitSet(keys.size());
    this.sent = new ArrayList<>(servers);
  }

  /**
   * Sends the multi-get of {@code keys} to the servers given per key, and awaits every answer.
   *
   * @param servers the server of each key, by position; a server that node health refuses is not
   *     asked, its keys fail
   */
  static BulkCommands.BulkRead run(
      MemcachedStore store, NodeHealth health, List<String> keys, List<MemcachedNode> servers) {
    Map<MemcachedNode, int[]> byServer = byServer(servers);
    MultiGet call = new MultiGet(store, keys, byServer.size());
    OperationFactory operations = store.connection().operations();
    for (Map.Entry<MemcachedNode, int[]> e : byServer.entrySet()) {
      MemcachedNode node = e.getKey();
      int[] at = e.getValue();
      List<String> serverKeys = at.length == keys.size() ? keys : call.keysAt(at);
      try {
        health.admit(node);
      } catch (StoreFailureException down) {
        call.fail(at, down);
        continue;
      }
      ServerGet get = call.new ServerGet(node, at, serverKeys);
      get.op = operations.get(serverKeys, get);
      call.sent.add(get);
    }
    call.await(health);
    return new BulkCommands.BulkRead(keys, call.data, call.flags, call.failed, call.failure);
  }

  /** The positions of the keys of each server, in request order. */
  private static Map<MemcachedNode, int[]> byServer(List<MemcachedNode> servers) {
    int size = servers.size();
    MemcachedNode first = servers.get(0);
    int same = 1;
    while (same < size && servers.get(same) == first) {
      same++;
    }
    if (same == size) {
      int[] all = new int[size];
      Arrays.setAll(all, i -> i);
      return Collections.singletonMap(first, all);
    }
    Map<MemcachedNode, int[]> counts = new IdentityHashMap<>();
    for (MemcachedNode server : servers) {
      counts.computeIfAbsent(server, s -> new int[1])[0]++;
    }
    Map<MemcachedNode, int[]> byServer = new IdentityHashMap<>(counts.size() * 2);
    for (int i = 0; i < size; i++) {
      MemcachedNode server = servers.get(i);
      int[] count = counts.get(server);
      int[] at = byServer.computeIfAbsent(server, s -> new int[count[0]]);
      at[at.length - count[0]--] = i;
    }
    return byServer;
  }

  private List<String> keysAt(int[] at) {
    List<String> serverKeys = new ArrayList<>(at.length);
    for (int i : at) {
      serverKeys.add(keys.get(i));
    }
    return serverKeys;
  }

  /** Queues every server's command, then waits for all of them up to the operation timeout. */
  private void await(NodeHealth health) {
    if (sent.isEmpty()) {
      return;
    }
    CountDownLatch latch = new CountDownLatch(sent.size());
    for (ServerGet get : sent) {
      get.latch = latch;
    }
    LocatingClient client = store.connection();
    for (ServerGet get : sent) {
      client.enqueue(get.node, get.op);
    }
    long timeout = store.timeoutMillis();
    InterruptedException interrupted = null;
    try {
      latch.await(timeout, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = e;
    }
    for (ServerGet get : sent) {
      if (!get.answered) {
        get.abandoned = true;
        get.op.cancel();
        if (interrupted != null) {
          fail(get.at, store.interrupted("multi-get", get.keys, get.node, interrupted));
        } else {
          MemcachedConnection.opTimedOut(get.op);
          fail(get.at, store.timedOut("multi-get", get.keys, get.node, null));
        }
        continue;
      }
      StoreFailureException unanswered = store.unanswered("multi-get", get.keys, get.node, get.op);
      if (unanswered != null) {
        fail(get.at, unanswered);
      } else {
        health.succeeded(get.node);
      }
    }
    if (interrupted != null) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails the keys at {@code at}: no item is reported for them, whatever arrived. */
  private void fail(int[] at, StoreFailureException why) {
    for (int i : at) {
      failed.set(i);
    }
    failure = failure == null ? why : failure;
  }

  /**
   * One server's command and its callback, run by spymemcached's I/O thread: each item found is put
   * in its key's positions; {@code complete} ends the wait for this server once (a command
   * spymemcached redistributes when its server leaves calls back again; later answers are dropped).
   */
  private final class ServerGet implements GetOperation.Callback {
    final MemcachedNode node;
    final int[] at;
    final List<String> keys;
    Operation op;
    CountDownLatch latch;
    volatile boolean answered;

    /** Set once the caller gave up on this server: what still arrives is dropped. */
    volatile boolean abandoned;

    ServerGet(MemcachedNode node, int[] at, List<String> keys) {
      this.node = node;
      this.at = at;
      this.keys = keys;
    }

    @Override
    public void receivedStatus(OperationStatus status) {}

    @Override
    public void gotData(String key, int itemFlags, byte[] bytes) {
      if (answered || abandoned) {
        return;
      }
      for (int i = positions.first(key); i >= 0; i = positions.next(i)) {
        data[i] = bytes;
        flags[i] = itemFlags;
      }
    }

    @Override
    public void complete() {
      if (!answered) {
        answered = true;
        latch.countDown();
      }
    }
  }

  /**
   * The positions of the keys of one call: an open-addressing table from key to its first position,
   * and from each position to the next one of an equal key. Written before the commands are queued,
   * then only read (by the I/O thread).
   */
  static final class Positions {
    private final String[] table;
    private final int[] firsts;
    private final int[] nexts;
    private final int mask;

    Positions(List<String> keys) {
      int size = keys.size();
      int capacity = Integer.highestOneBit(Math.max(size, 1) * 2 - 1) << 1;
      table = new String[capacity];
      firsts = new int[capacity];
      nexts = new int[size];
      mask = capacity - 1;
      int[] lasts = new int[capacity];
      for (int i = 0; i < size; i++) {
        String key = keys.get(i);
        nexts[i] = -1;
        int slot = slotOf(key);
        if (table[slot] == null) {
          table[slot] = key;
          firsts[slot] = i;
        } else {
          nexts[lasts[slot]] = i;
        }
        lasts[slot] = i;
      }
    }

    /** The table slot of {@code key}: its own when present, else the empty one it would take. */
    private int slotOf(String key) {
      int h = key.hashCode();
      int slot = (h ^ (h >>> 16)) & mask;
      String there;
      while ((there = table[slot]) != null && there != key && !there.equals(key)) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    /** The first position of {@code key}, or -1 when it was not asked for. */
    int first(String key) {
      int slot = slotOf(key);
      return table[slot] == null ? -1 : firsts[slot];
    }

    /** The next position of the key at {@code position}, or -1. */
    int next(int position) {
      return nexts[position];
    }
  }
}
