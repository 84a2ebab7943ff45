package dev.memjcache.bench;

import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.EternalExpiryPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the key index behind a proxy costs a {@code put}: {@code Cache.put} through the same
 * twemproxy in the same run, by a manager with {@code proxy=true} (the index on, its default: one
 * {@code append} to an index item after each {@code set}, and the compactions that keep the index
 * to the live keys) and by one with {@code proxy=true&keyIndex=false} (a {@code set} only). The
 * ratio {@code put_keyIndex / put_noKeyIndex} is the cost; the rows cycle over {@value
 * BenchEnvironment#KEY_SPACE} keys, so the index sees the rewrites a cache in use sees.
 *
 * <p>The proxy is named by the system property {@value #PROXY_PROPERTY} ({@code host:port} of a
 * running twemproxy in front of memcached servers): {@code benchmarks/key-index.sh} starts 2
 * memcached servers and Debian's {@code nutcracker} in front of them and passes it to the fork.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class KeyIndexBenchmark {

  /** System property holding the twemproxy endpoint as {@code host:port}. */
  public static final String PROXY_PROPERTY = "memjcache.bench.proxy";

  /** The two managers and their caches, on the one proxy. */
  @State(Scope.Benchmark)
  public static class Managers {

    /** Bytes of each value. */
    @Param({"100"})
    public int valueBytes;

    CacheManager indexed;
    CacheManager unindexed;
    Cache<String, byte[]> withIndex;
    Cache<String, byte[]> withoutIndex;
    byte[] value;
    String[] keys;

    /** Opens both managers (two provider instances' worth: different URIs) and their caches. */
    @Setup(Level.Trial)
    public void open() {
      String proxy = System.getProperty(PROXY_PROPERTY);
      if (proxy == null || proxy.isBlank()) {
        throw new IllegalStateException(
            "system property "
                + PROXY_PROPERTY
                + " is not set: run benchmarks/key-index.sh, or pass -jvmArgsAppend -D"
                + PROXY_PROPERTY
                + "=127.0.0.1:<port> naming a running twemproxy");
      }
      String uri =
          "memcached://"
              + proxy.trim()
              + "?proxy=true&operationTimeoutMillis="
              + BenchEnvironment.OP_TIMEOUT_MILLIS;
      ClassLoader loader = KeyIndexBenchmark.class.getClassLoader();
      indexed =
          Caching.getCachingProvider(BenchEnvironment.PROVIDER, loader)
              .getCacheManager(URI.create(uri), loader);
      unindexed =
          Caching.getCachingProvider(BenchEnvironment.PROVIDER, loader)
              .getCacheManager(URI.create(uri + "&keyIndex=false"), loader);
      withIndex = cache(indexed, "bench-key-index-on");
      withoutIndex = cache(unindexed, "bench-key-index-off");
      withIndex.clear();
      withoutIndex.clear();
      value = new byte[valueBytes];
      ThreadLocalRandom.current().nextBytes(value);
      keys = new String[BenchEnvironment.KEY_SPACE];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = "k" + i;
      }
    }

    /** Closes both managers. */
    @TearDown(Level.Trial)
    public void close() {
      indexed.close();
      unindexed.close();
    }

    private static Cache<String, byte[]> cache(CacheManager manager, String name) {
      return manager.createCache(
          name,
          new MutableConfiguration<String, byte[]>()
              .setTypes(String.class, byte[].class)
              .setStatisticsEnabled(false)
              .setManagementEnabled(false)
              .setExpiryPolicyFactory(EternalExpiryPolicy.factoryOf()));
    }
  }

  /** {@code Cache.put} with the key index (proxy=true). */
  @Benchmark
  public void put_keyIndex(Managers m, ThreadCursor c) {
    m.withIndex.put(m.keys[c.nextKey()], m.value);
  }

  /** {@code Cache.put} without it (proxy=true&amp;keyIndex=false). */
  @Benchmark
  public void put_noKeyIndex(Managers m, ThreadCursor c) {
    m.withoutIndex.put(m.keys[c.nextKey()], m.value);
  }
}
