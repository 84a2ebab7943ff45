package dev.memjcache.bench;

import static dev.memjcache.bench.BenchEnvironment.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.MemcachedClient;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH states of the raw spymemcached baseline. Raw keys carry a prefix about as long as the keys
 * MemJCache writes ({@code <prefix>:<cache>:<generation>:<key>}), so both sides send similar bytes.
 */
public final class RawStates {

  private RawStates() {}

  /**
   * The raw key space of {@link BenchEnvironment#KEY_SPACE} items of {@code valueSize} bytes,
   * written with {@code set} (exptime 0) at trial setup. Shared by all threads: read-only after
   * setup; the client is thread-safe.
   */
  @State(Scope.Benchmark)
  public static class Values {

    /** Prefix of the pre-populated raw keys. */
    static final String PREFIX = "raw:bench-values:" + BenchEnvironment.RAW_GENERATION + ":v:";

    /** Value size in bytes. */
    @Param({"100", "4096"})
    public int valueSize;

    MemcachedClient client;
    KeySpace keys;
    byte[] value;
    List<Map<String, byte[]>> batches;

    /**
     * Connects and pre-populates the key space with pipelined {@code set}s.
     *
     * @throws IllegalStateException when a written key does not read back
     */
    @Setup(Level.Trial)
    public void setup() throws Exception {
      client = BenchEnvironment.rawClient();
      value = randomValue(valueSize);
      keys = KeySpace.of(PREFIX);
      batches = keys.batches(value);
      List<Future<Boolean>> pending = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        pending.add(client.set(keys.key(i), 0, value, PassThroughTranscoder.INSTANCE));
        if (pending.size() == 1_000 || i == keys.size() - 1) {
          for (Future<Boolean> write : pending) {
            if (!Boolean.TRUE.equals(await(write))) {
              throw new IllegalStateException("raw set failed while pre-populating");
            }
          }
          pending.clear();
        }
      }
      byte[] back =
          await(client.asyncGet(keys.key(keys.size() - 1), PassThroughTranscoder.INSTANCE));
      if (back == null || back.length != valueSize) {
        throw new IllegalStateException("raw pre-populated key does not read back");
      }
    }

    /** Shuts the client down (waits up to 5 s for queued operations). */
    @TearDown(Level.Trial)
    public void tearDown() {
      client.shutdown(5, TimeUnit.SECONDS);
    }
  }

  /** A raw client and never-written miss keys, for benchmarks without a value size. */
  @State(Scope.Benchmark)
  public static class Plain {

    MemcachedClient client;
    KeySpace misses;

    /** Connects. */
    @Setup(Level.Trial)
    public void setup() throws Exception {
      client = BenchEnvironment.rawClient();
      misses = KeySpace.of("raw:bench-values:" + BenchEnvironment.RAW_GENERATION + ":miss:");
    }

    /** Shuts the client down (waits up to 5 s). */
    @TearDown(Level.Trial)
    public void tearDown() {
      client.shutdown(5, TimeUnit.SECONDS);
    }
  }

  /**
   * The key the next raw {@code add} (putIfAbsent) writes: this thread's next absent key, deleted
   * at {@code Level.Invocation} setup. JMH leaves invocation-level helpers out of the measured
   * time, and an operation here costs tens of microseconds, so the per-call timestamps are noise.
   */
  @State(Scope.Thread)
  public static class AbsentKey {

    String key;

    /** Picks the next absent key and deletes it (untimed); waits for the delete. */
    @Setup(Level.Invocation)
    public void next(Values values, ThreadCursor cursor) throws Exception {
      key =
          cursor.nextAbsentKey("raw:bench-values:" + BenchEnvironment.RAW_GENERATION + ":absent:");
      await(values.client.delete(key));
    }
  }

  /** Returns {@code size} pseudo-random bytes (fixed seed: incompressible, repeatable). */
  static byte[] randomValue(int size) {
    byte[] value = new byte[size];
    new Random(size).nextBytes(value);
    return value;
  }
}
