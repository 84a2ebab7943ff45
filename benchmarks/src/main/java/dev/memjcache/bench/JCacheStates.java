package dev.memjcache.bench;

import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** JMH states of the MemJCache side: the same key spaces and values as {@link RawStates}. */
public final class JCacheStates {

  private JCacheStates() {}

  /**
   * The JCache key space of {@link BenchEnvironment#KEY_SPACE} entries of {@code valueSize} bytes
   * in the {@code Cache<String, byte[]>} {@value BenchEnvironment#VALUES_CACHE}, written with
   * {@code putAll} at trial setup. Shared by all threads: read-only after setup; the cache is
   * thread-safe (JSR-107 section 4).
   */
  @State(Scope.Benchmark)
  public static class Values {

    /** Prefix of the pre-populated JCache keys. */
    static final String PREFIX = "v:";

    /** Value size in bytes. */
    @Param({"100", "4096"})
    public int valueSize;

    CacheManager manager;
    Cache<String, byte[]> cache;
    KeySpace keys;
    byte[] value;
    List<Map<String, byte[]>> batches;

    /**
     * Opens the manager and the cache and pre-populates the key space.
     *
     * @throws IllegalStateException when a written key does not read back
     */
    @Setup(Level.Trial)
    public void setup() {
      manager = BenchEnvironment.cacheManager();
      cache = BenchEnvironment.valuesCache(manager);
      value = RawStates.randomValue(valueSize);
      keys = KeySpace.of(PREFIX);
      batches = keys.batches(value);
      for (Map<String, byte[]> batch : batches) {
        cache.putAll(batch);
      }
      byte[] back = cache.get(keys.key(keys.size() - 1));
      if (back == null || back.length != valueSize) {
        throw new IllegalStateException("JCache pre-populated key does not read back");
      }
    }

    /** Closes the manager: local resources only, the entries stay in memcached. */
    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }
  }

  /**
   * The values cache (for misses on never-written keys) and the {@code Cache<String, Long>} {@value
   * BenchEnvironment#COUNTERS_CACHE}, for benchmarks without a value size.
   */
  @State(Scope.Benchmark)
  public static class Plain {

    CacheManager manager;
    Cache<String, byte[]> cache;
    Cache<String, Long> counters;
    KeySpace misses;

    /** Opens the manager and both caches. */
    @Setup(Level.Trial)
    public void setup() {
      manager = BenchEnvironment.cacheManager();
      cache = BenchEnvironment.valuesCache(manager);
      counters = BenchEnvironment.countersCache(manager);
      misses = KeySpace.of("miss:");
    }

    /** Closes the manager (local resources only). */
    @TearDown(Level.Trial)
    public void tearDown() {
      manager.close();
    }
  }

  /**
   * The key the next {@code putIfAbsent} writes: this thread's next absent key, removed with {@code
   * Cache.remove} at {@code Level.Invocation} setup, outside the measured time.
   */
  @State(Scope.Thread)
  public static class AbsentKey {

    String key;

    /** Picks the next absent key and removes it (untimed). */
    @Setup(Level.Invocation)
    public void next(Values values, ThreadCursor cursor) {
      key = cursor.nextAbsentKey("absent:");
      values.cache.remove(key);
    }
  }
}
