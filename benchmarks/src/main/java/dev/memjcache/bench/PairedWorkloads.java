package dev.memjcache.bench;

import static dev.memjcache.bench.BenchEnvironment.await;

import dev.memjcache.AsyncCache;
import dev.memjcache.bench.PairedRunner.Op;
import dev.memjcache.bench.PairedRunner.Workload;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.cache.Cache;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.OperationFuture;

/**
 * The operations the paired mode compares, each as a {@link Workload} of raw spymemcached or of
 * MemJCache over the same kind of key space. Every operation checks its answer (a miss on a
 * pre-populated key, a short bulk result or a refused write fails the run).
 */
final class PairedWorkloads {

  /** Pass-through transcoder of the raw side. */
  static final PassThroughTranscoder BYTES = PassThroughTranscoder.INSTANCE;

  /** Keys per thread in the invokeAll rows. */
  static final int COUNTERS_PER_THREAD = BenchEnvironment.BATCH;

  /** Threads get evenly spaced start offsets in a key space of this many keys. */
  private static final int MAX_THREADS = 4;

  private PairedWorkloads() {}

  /** A key cursor of one thread: starts at {@code thread * size / 4}, wraps around. */
  static final class Cursor {
    private final int size;
    private int next;

    Cursor(int thread, int size) {
      this.size = size;
      this.next = thread * size / MAX_THREADS;
    }

    int next() {
      int key = next;
      next = key + 1 == size ? 0 : key + 1;
      return key;
    }
  }

  // ---- raw spymemcached ----

  static Workload rawGet(MemcachedClient client, KeySpace keys) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.size());
      return () -> hit(await(client.asyncGet(keys.key(c.next()), BYTES)));
    };
  }

  static Workload rawPut(MemcachedClient client, KeySpace keys, byte[] value) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.size());
      return () -> stored(await(client.set(keys.key(c.next()), 0, value, BYTES)));
    };
  }

  static Workload rawGetAll(MemcachedClient client, KeySpace keys) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.windowCount());
      return () -> all(await(client.asyncGetBulk(keys.window(c.next()), BYTES)).size());
    };
  }

  static Workload rawPutAll(MemcachedClient client, List<Map<String, byte[]>> batches) {
    return thread -> {
      Cursor c = new Cursor(thread, batches.size());
      return () -> {
        Map<String, byte[]> batch = batches.get(c.next());
        List<Future<Boolean>> writes = new ArrayList<>(batch.size());
        for (Map.Entry<String, byte[]> entry : batch.entrySet()) {
          writes.add(client.set(entry.getKey(), 0, entry.getValue(), BYTES));
        }
        for (Future<Boolean> write : writes) {
          stored(await(write));
        }
      };
    };
  }

  /** {@code gets} + {@code cas} of an 8-byte long on this thread's own key. */
  static Workload rawIncrement(MemcachedClient client, String prefix) {
    return thread -> {
      String key = prefix + thread;
      return () -> MissAndCounterBenchmark.incrementRaw(client, key);
    };
  }

  /**
   * The raw counterpart of {@code invokeAll} over 100 keys: 100 pipelined {@code gets}, then 100
   * pipelined {@code cas} (an {@code add} for an absent key), only the conflicting keys retried.
   */
  static Workload rawIncrementAll(MemcachedClient client, String prefix) {
    return thread -> {
      List<String> keys = counterKeys(prefix, thread);
      return () -> incrementAllRaw(client, keys);
    };
  }

  static void incrementAllRaw(MemcachedClient client, List<String> keys) throws Exception {
    List<String> pending = keys;
    for (int attempt = 0; attempt < 100 && !pending.isEmpty(); attempt++) {
      List<OperationFuture<CASValue<byte[]>>> reads = new ArrayList<>(pending.size());
      for (String key : pending) {
        reads.add(client.asyncGets(key, BYTES));
      }
      List<Future<?>> writes = new ArrayList<>(pending.size());
      for (int i = 0; i < pending.size(); i++) {
        CASValue<byte[]> current = await(reads.get(i));
        writes.add(
            current == null
                ? client.add(pending.get(i), 0, encode(1), BYTES)
                : client.asyncCAS(
                    pending.get(i),
                    current.getCas(),
                    encode(decode(current.getValue()) + 1),
                    BYTES));
      }
      List<String> conflicts = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        Object result = await(writes.get(i));
        if (!(Boolean.TRUE.equals(result) || result == CASResponse.OK)) {
          conflicts.add(pending.get(i));
        }
      }
      pending = conflicts;
    }
    if (!pending.isEmpty()) {
      throw new IllegalStateException("raw invokeAll: 100 conflicts in a row");
    }
  }

  /** One thread keeping {@code window} raw {@code asyncGet}s in flight. */
  static Workload rawAsyncGet(MemcachedClient client, KeySpace keys, int window) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.size());
      return windowed(
          window, n -> client.asyncGet(keys.key(c.next()), BYTES), PairedWorkloads::hit);
    };
  }

  /** One thread keeping {@code window} raw {@code set}s in flight. */
  static Workload rawAsyncPut(MemcachedClient client, KeySpace keys, byte[] value, int window) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.size());
      return windowed(
          window, n -> client.set(keys.key(c.next()), 0, value, BYTES), PairedWorkloads::stored);
    };
  }

  /**
   * One thread keeping {@code window} raw CAS chains in flight ({@code gets}, then {@code cas} from
   * the completion listener), slot {@code i} of the window on its own counter key.
   */
  static Workload rawAsyncIncrement(MemcachedClient client, String prefix, int window) {
    return thread ->
        windowed(window, n -> incrementAsync(client, prefix + (n % window)), ignored -> {});
  }

  static CompletableFuture<Long> incrementAsync(MemcachedClient client, String key) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    incrementAttempt(client, key, done, 0);
    return done;
  }

  private static void incrementAttempt(
      MemcachedClient client, String key, CompletableFuture<Long> done, int attempt) {
    if (attempt == 100) {
      done.completeExceptionally(new IllegalStateException("cas " + key + ": 100 conflicts"));
      return;
    }
    OperationFuture<CASValue<byte[]>> read = client.asyncGets(key, BYTES);
    read.addListener(
        r -> {
          CASValue<byte[]> current = read.get();
          long next = current == null ? 1 : decode(current.getValue()) + 1;
          OperationFuture<?> write =
              current == null
                  ? client.add(key, 0, encode(next), BYTES)
                  : client.asyncCAS(key, current.getCas(), encode(next), BYTES);
          write.addListener(
              w -> {
                Object result = write.get();
                if (Boolean.TRUE.equals(result) || result == CASResponse.OK) {
                  done.complete(next);
                } else {
                  incrementAttempt(client, key, done, attempt + 1);
                }
              });
        });
  }

  // ---- MemJCache ----

  static Workload cacheGet(Cache<String, byte[]> cache, KeySpace keys) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.size());
      return () -> hit(cache.get(keys.key(c.next())));
    };
  }

  static Workload cachePut(Cache<String, byte[]> cache, KeySpace keys, byte[] value) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.size());
      return () -> cache.put(keys.key(c.next()), value);
    };
  }

  static Workload cacheGetAll(Cache<String, byte[]> cache, KeySpace keys) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.windowCount());
      return () -> all(cache.getAll(keys.window(c.next())).size());
    };
  }

  static Workload cachePutAll(Cache<String, byte[]> cache, List<Map<String, byte[]>> batches) {
    return thread -> {
      Cursor c = new Cursor(thread, batches.size());
      return () -> cache.putAll(batches.get(c.next()));
    };
  }

  static Workload cacheIncrement(Cache<String, Long> counters, String prefix) {
    return thread -> {
      String key = prefix + thread;
      return () -> counters.invoke(key, MissAndCounterBenchmark.Increment.INSTANCE);
    };
  }

  static Workload cacheIncrementAll(Cache<String, Long> counters, String prefix) {
    return thread -> {
      Set<String> keys = new LinkedHashSet<>(counterKeys(prefix, thread));
      return () -> {
        var results = counters.invokeAll(keys, MissAndCounterBenchmark.Increment.INSTANCE);
        if (results.size() != keys.size()) {
          throw new IllegalStateException("invokeAll returned " + results.size() + " results");
        }
      };
    };
  }

  /** One thread keeping {@code window} {@code AsyncCache.get}s in flight. */
  static Workload cacheAsyncGet(AsyncCache<String, byte[]> cache, KeySpace keys, int window) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.size());
      return windowed(
          window, n -> cache.get(keys.key(c.next())).toCompletableFuture(), PairedWorkloads::hit);
    };
  }

  /** One thread keeping {@code window} {@code AsyncCache.put}s in flight. */
  static Workload cacheAsyncPut(
      AsyncCache<String, byte[]> cache, KeySpace keys, byte[] value, int window) {
    return thread -> {
      Cursor c = new Cursor(thread, keys.size());
      return windowed(
          window, n -> cache.put(keys.key(c.next()), value).toCompletableFuture(), ignored -> {});
    };
  }

  /** One thread keeping {@code window} {@code AsyncCache.invoke}s in flight, one key per slot. */
  static Workload cacheAsyncIncrement(
      AsyncCache<String, Long> counters, String prefix, int window) {
    return thread ->
        windowed(
            window,
            n ->
                counters
                    .invoke(prefix + (n % window), MissAndCounterBenchmark.Increment.INSTANCE)
                    .toCompletableFuture(),
            ignored -> {});
  }

  // ---- shared ----

  /**
   * One thread keeping up to {@code window} operations in flight: each step waits for the oldest
   * one once the window is full, checks its answer and issues the next; {@code finish} drains.
   */
  static Op windowed(
      int window, IntFunction<Future<?>> issue, java.util.function.Consumer<Object> check) {
    Future<?>[] ring = new Future<?>[window];
    int[] issued = {0};
    return new Op() {
      @Override
      public void run() throws Exception {
        int slot = issued[0] % window;
        if (ring[slot] != null) {
          check.accept(ring[slot].get(BenchEnvironment.OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        }
        ring[slot] = issue.apply(issued[0]);
        issued[0]++;
      }

      @Override
      public void finish() throws Exception {
        for (int i = 0; i < window; i++) {
          if (ring[i] != null) {
            check.accept(ring[i].get(BenchEnvironment.OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
            ring[i] = null;
          }
        }
      }
    };
  }

  static List<String> counterKeys(String prefix, int thread) {
    List<String> keys = new ArrayList<>(COUNTERS_PER_THREAD);
    for (int i = 0; i < COUNTERS_PER_THREAD; i++) {
      keys.add(prefix + thread + ":" + i);
    }
    return keys;
  }

  static void hit(Object value) {
    if (value == null) {
      throw new IllegalStateException("miss on a pre-populated key");
    }
  }

  static void stored(Object result) {
    if (result != null && !Boolean.TRUE.equals(result)) {
      throw new IllegalStateException("write refused: " + result);
    }
  }

  static void all(int size) {
    if (size != BenchEnvironment.BATCH) {
      throw new IllegalStateException(
          "bulk read returned " + size + " of " + BenchEnvironment.BATCH);
    }
  }

  static byte[] encode(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  static long decode(byte[] value) {
    return ByteBuffer.wrap(value).getLong();
  }
}
