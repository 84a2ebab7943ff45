package dev.memjcache.bench;

import static dev.memjcache.bench.BenchEnvironment.await;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.internal.OperationFuture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Value operations, each as a pair: {@code <op>_raw} (spymemcached, binary protocol) and {@code
 * <op>_memjcache} (the same operation through {@code javax.cache.Cache}), parameterized by value
 * size (100 B, 4 KiB). Every call waits for its reply (up to the 2,500 ms timeout).
 *
 * <ul>
 *   <li>{@code getHit}: get of a pre-populated key; a miss fails the benchmark.
 *   <li>{@code put}: overwrite of a pre-populated key (memcached {@code set}).
 *   <li>{@code putIfAbsent}: on a key made absent by an untimed delete just before the call
 *       (memcached {@code add}); must succeed.
 *   <li>{@code getAll}: 100 consecutive pre-populated keys (raw: one bulk get); all must hit.
 *   <li>{@code putAll}: 100 entries (raw: 100 pipelined {@code set}s, then wait for all).
 * </ul>
 *
 * <p>The defaults below are overridden by {@code run.sh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
public class ValueOpsBenchmark {

  private static final PassThroughTranscoder BYTES = PassThroughTranscoder.INSTANCE;

  /** memcached {@code get} of a pre-populated key. */
  @Benchmark
  public byte[] getHit_raw(RawStates.Values s, ThreadCursor c) throws Exception {
    return hit(await(s.client.asyncGet(s.keys.key(c.nextKey()), BYTES)));
  }

  /** {@code Cache.get} of a pre-populated key. */
  @Benchmark
  public byte[] getHit_memjcache(JCacheStates.Values s, ThreadCursor c) {
    return hit(s.cache.get(s.keys.key(c.nextKey())));
  }

  /** memcached {@code set} over a pre-populated key. */
  @Benchmark
  public Boolean put_raw(RawStates.Values s, ThreadCursor c) throws Exception {
    return await(s.client.set(s.keys.key(c.nextKey()), 0, s.value, BYTES));
  }

  /** {@code Cache.put} over a pre-populated key. */
  @Benchmark
  public void put_memjcache(JCacheStates.Values s, ThreadCursor c) {
    s.cache.put(s.keys.key(c.nextKey()), s.value);
  }

  /** memcached {@code add} on a key deleted (untimed) just before. */
  @Benchmark
  public boolean putIfAbsent_raw(RawStates.Values s, RawStates.AbsentKey k) throws Exception {
    return stored(await(s.client.add(k.key, 0, s.value, BYTES)));
  }

  /** {@code Cache.putIfAbsent} on a key removed (untimed) just before. */
  @Benchmark
  public boolean putIfAbsent_memjcache(JCacheStates.Values s, JCacheStates.AbsentKey k) {
    return stored(s.cache.putIfAbsent(k.key, s.value));
  }

  /** memcached multi-get of 100 keys. */
  @Benchmark
  public Map<String, byte[]> getAll_raw(RawStates.Values s, ThreadCursor c) throws Exception {
    return all(await(s.client.asyncGetBulk(s.keys.window(c.nextWindow()), BYTES)));
  }

  /** {@code Cache.getAll} of 100 keys. */
  @Benchmark
  public Map<String, byte[]> getAll_memjcache(JCacheStates.Values s, ThreadCursor c) {
    Set<String> keys = s.keys.window(c.nextWindow());
    return all(s.cache.getAll(keys));
  }

  /** 100 pipelined memcached {@code set}s; waits for every reply. */
  @Benchmark
  public int putAll_raw(RawStates.Values s, ThreadCursor c) throws Exception {
    Map<String, byte[]> batch = s.batches.get(c.nextWindow());
    @SuppressWarnings("unchecked")
    OperationFuture<Boolean>[] writes = new OperationFuture[batch.size()];
    int i = 0;
    for (Map.Entry<String, byte[]> entry : batch.entrySet()) {
      writes[i++] = s.client.set(entry.getKey(), 0, entry.getValue(), BYTES);
    }
    int stored = 0;
    for (OperationFuture<Boolean> write : writes) {
      stored += Boolean.TRUE.equals(await(write)) ? 1 : 0;
    }
    if (stored != writes.length) {
      throw new IllegalStateException("raw putAll stored " + stored + " of " + writes.length);
    }
    return stored;
  }

  /** {@code Cache.putAll} of 100 entries. */
  @Benchmark
  public void putAll_memjcache(JCacheStates.Values s, ThreadCursor c) {
    s.cache.putAll(s.batches.get(c.nextWindow()));
  }

  private static byte[] hit(byte[] value) {
    if (value == null) {
      throw new IllegalStateException(
          "miss on a pre-populated key (evicted? memcached -m too " + "small?)");
    }
    return value;
  }

  private static boolean stored(boolean stored) {
    if (!stored) {
      throw new IllegalStateException("putIfAbsent found the key present after removing it");
    }
    return true;
  }

  private static Map<String, byte[]> all(Map<String, byte[]> values) {
    if (values.size() != BenchEnvironment.BATCH) {
      throw new IllegalStateException(
          "getAll returned "
              + values.size()
              + " of "
              + BenchEnvironment.BATCH
              + " pre-populated keys");
    }
    return values;
  }
}
