package dev.memjcache.bench;

import dev.memjcache.bench.PairedBenchmark.Row;
import dev.memjcache.bench.PairedBenchmark.Targets;
import dev.memjcache.bench.PairedBenchmark.ValueSides;
import dev.memjcache.bench.PairedRunner.Workload;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;

/**
 * The paired rows through twemproxy, present when the system property {@value
 * KeyIndexBenchmark#PROXY_PROPERTY} names a {@code nutcracker} in front of the run's one memcached
 * ({@code benchmarks/run.sh --paired} starts it): MemJCache with {@code proxy=true} (defaults: the
 * key index on) against raw spymemcached in {@code Protocol.TEXT} through the same proxy: get, put,
 * getAll(100), putAll(100) of 100 B at 1 and 4 threads, and put with {@code keyIndex=false}. The
 * hop rows measure the proxy itself: raw spymemcached (text) through twemproxy against raw
 * spymemcached (text) straight to the same memcached; their ratio is "through the proxy ÷ direct".
 *
 * <p>Behind one backend the proxy's generation item and the direct one are the same item, so these
 * rows read the entries the binary rows populated.
 */
final class ProxyRows implements AutoCloseable {

  /** Label prefix of the rows through twemproxy. */
  static final String PROXY = "proxy ";

  private final String proxy;
  private final MemcachedClient client;
  private final CacheManager manager;
  private final CacheManager unindexed;

  private ProxyRows(
      String proxy, MemcachedClient client, CacheManager manager, CacheManager unindexed) {
    this.proxy = proxy;
    this.client = client;
    this.manager = manager;
    this.unindexed = unindexed;
  }

  /**
   * Connects to the proxy named by {@value KeyIndexBenchmark#PROXY_PROPERTY}; without it, no rows.
   *
   * @throws IOException when the raw client cannot be set up
   */
  static ProxyRows open() throws IOException {
    String proxy = System.getProperty(KeyIndexBenchmark.PROXY_PROPERTY);
    if (proxy == null || proxy.isBlank()) {
      return new ProxyRows(null, null, null, null);
    }
    proxy = proxy.trim();
    String uri =
        "memcached://"
            + proxy
            + "?proxy=true&operationTimeoutMillis="
            + BenchEnvironment.OP_TIMEOUT_MILLIS;
    ClassLoader loader = ProxyRows.class.getClassLoader();
    CachingProvider provider = Caching.getCachingProvider(BenchEnvironment.PROVIDER, loader);
    return new ProxyRows(
        proxy,
        BenchEnvironment.rawClient(proxy, ConnectionFactoryBuilder.Protocol.TEXT),
        provider.getCacheManager(URI.create(uri), loader),
        provider.getCacheManager(URI.create(uri + "&keyIndex=false"), loader));
  }

  /**
   * The rows through the proxy; empty without one.
   *
   * @param directText raw spymemcached in {@code Protocol.TEXT} straight to the proxy's memcached:
   *     the direct side of the hop rows
   */
  List<Row> rows(MemcachedClient directText) {
    List<Row> rows = new ArrayList<>();
    if (proxy == null) {
      return rows;
    }
    Cache<String, byte[]> unindexedValues = BenchEnvironment.valuesCache(unindexed);
    ValueSides sides = ValueSides.of100Bytes(client, BenchEnvironment.valuesCache(manager));
    KeySpace keys = sides.rawKeys();
    byte[] value = sides.value();
    Targets single = new Targets(0.95, 1.10, Double.NaN);
    Targets bulk = new Targets(0.95, 1.15, Double.NaN);
    for (int threads : new int[] {1, 4}) {
      PairedBenchmark.addValueRows(rows, PROXY, "100 B", threads, single, bulk, sides);
      rows.add(
          new Row(
              PROXY + "put, keyIndex=false",
              "100 B",
              threads,
              single,
              PairedWorkloads.rawPut(client, keys, value),
              PairedWorkloads.cachePut(unindexedValues, sides.cacheKeys(), value)));
      // the hop rows: the "raw" side goes straight to memcached, the other through the proxy
      rows.add(hop("get", threads, directText, c -> PairedWorkloads.rawGet(c, keys)));
      rows.add(hop("put", threads, directText, c -> PairedWorkloads.rawPut(c, keys, value)));
      rows.add(hop("getAll(100)", threads, directText, c -> PairedWorkloads.rawGetAll(c, keys)));
    }
    return rows;
  }

  /**
   * A row of the proxy hop itself: {@code workload} on raw spymemcached straight to memcached (the
   * table's raw side) against the same on raw spymemcached through the proxy.
   */
  private Row hop(
      String operation,
      int threads,
      MemcachedClient directText,
      Function<MemcachedClient, Workload> workload) {
    return new Row(
        PROXY + "hop " + operation + " (raw via twemproxy / raw direct)",
        "100 B",
        threads,
        new Targets(Double.NaN, Double.NaN, Double.NaN),
        workload.apply(directText),
        workload.apply(client));
  }

  @Override
  public void close() {
    if (proxy != null) {
      unindexed.close();
      manager.close();
      client.shutdown(5, TimeUnit.SECONDS);
    }
  }
}
