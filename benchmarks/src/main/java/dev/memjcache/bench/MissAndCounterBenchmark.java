package dev.memjcache.bench;

import static dev.memjcache.bench.BenchEnvironment.await;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Operations whose cost does not depend on the value size, as {@code _raw}/{@code _memjcache}
 * pairs:
 *
 * <ul>
 *   <li>{@code getMiss}: get of a never-written key; a hit fails the benchmark.
 *   <li>{@code increment}: raw: {@code gets} then {@code cas} of an 8-byte big-endian long,
 *       repeated on a CAS conflict ({@code add} when the item is missing); MemJCache: {@code
 *       Cache.invoke} with an {@link EntryProcessor} adding 1 to a {@code Long}. Each thread
 *       increments its own key, so the figures show the cost of the read-modify-write round trips,
 *       not contention.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
public class MissAndCounterBenchmark {

  private static final PassThroughTranscoder BYTES = PassThroughTranscoder.INSTANCE;

  /** memcached {@code get} of a never-written key. */
  @Benchmark
  public Object getMiss_raw(RawStates.Plain s, ThreadCursor c) throws Exception {
    return miss(await(s.client.asyncGet(s.misses.key(c.nextKey()), BYTES)));
  }

  /** {@code Cache.get} of a never-written key. */
  @Benchmark
  public Object getMiss_memjcache(JCacheStates.Plain s, ThreadCursor c) {
    return miss(s.cache.get(s.misses.key(c.nextKey())));
  }

  /** {@code gets} + {@code cas} increment of this thread's 8-byte counter. */
  @Benchmark
  public long increment_raw(RawStates.Plain s, ThreadCursor c) throws Exception {
    return incrementRaw(
        s.client, c.counterKey("raw:bench-counters:" + BenchEnvironment.RAW_GENERATION + ":c:"));
  }

  /** {@code Cache.invoke} of {@link Increment} on this thread's counter. */
  @Benchmark
  public Long increment_memjcache(JCacheStates.Plain s, ThreadCursor c) {
    return s.counters.invoke(c.counterKey("c:"), Increment.INSTANCE);
  }

  static long incrementRaw(MemcachedClient client, String key) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      CASValue<byte[]> current = await(client.asyncGets(key, BYTES));
      if (current == null) {
        if (await(client.add(key, 0, encode(1), BYTES))) {
          return 1;
        }
        continue;
      }
      long next = ByteBuffer.wrap(current.getValue()).getLong() + 1;
      CASResponse response = await(client.asyncCAS(key, current.getCas(), encode(next), BYTES));
      if (response == CASResponse.OK) {
        return next;
      }
      if (response != CASResponse.EXISTS && response != CASResponse.NOT_FOUND) {
        throw new IllegalStateException("cas " + key + " failed: " + response);
      }
    }
    throw new IllegalStateException("cas " + key + ": 100 conflicts in a row");
  }

  private static byte[] encode(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  private static Object miss(byte[] value) {
    if (value != null) {
      throw new IllegalStateException("hit on a never-written key");
    }
    return Boolean.FALSE;
  }

  /**
   * Adds 1 to the entry's {@code Long} (1 when absent) and returns the new value: JSR-107 section 9
   * {@code EntryProcessor}; stateless, hence one shared instance.
   */
  public static final class Increment implements EntryProcessor<String, Long, Long>, Serializable {

    private static final long serialVersionUID = 1L;

    /** The shared instance. */
    public static final Increment INSTANCE = new Increment();

    /** Sets the entry to its value + 1, or 1 when it does not exist; returns the new value. */
    @Override
    public Long process(MutableEntry<String, Long> entry, Object... arguments) {
      long next = entry.exists() ? entry.getValue() + 1 : 1L;
      entry.setValue(next);
      return next;
    }
  }
}
