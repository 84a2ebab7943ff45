package dev.memjcache.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.EternalExpiryPolicy;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;

/**
 * The settings every benchmark shares, and the two clients under test, built against the one
 * memcached server named by the system property {@value #SERVER_PROPERTY}.
 *
 * <p>{@code benchmarks/run.sh} starts a single private memcached and passes its address to every
 * JMH fork with {@code -D}{@value #SERVER_PROPERTY}{@code =127.0.0.1:<port>}, so the raw
 * spymemcached rows and the MemJCache rows of a run measure the same server.
 */
public final class BenchEnvironment {

  /** System property holding the memcached server as {@code host:port}. */
  public static final String SERVER_PROPERTY = "memjcache.bench.server";

  /** Class name of the MemJCache {@code javax.cache.spi.CachingProvider}. */
  public static final String PROVIDER = "dev.memjcache.spi.MemcachedCachingProvider";

  /** Operation timeout of both clients, in milliseconds. */
  public static final long OP_TIMEOUT_MILLIS = 2_500;

  /** Number of keys pre-populated in each key space (raw and JCache). */
  public static final int KEY_SPACE = 10_000;

  /** Entries per {@code getAll}/{@code putAll} (raw: bulk get / pipelined sets). */
  public static final int BATCH = 100;

  /** Name of the {@code Cache<String, byte[]>} holding the value key space. */
  public static final String VALUES_CACHE = "bench-values";

  /** Name of the {@code Cache<String, Long>} holding the per-thread counters. */
  public static final String COUNTERS_CACHE = "bench-counters";

  /**
   * The generation segment of the raw side's keys: 13 digits, as long as MemJCache's generation
   * (epoch milliseconds), so both sides send, hash and store keys of the same length.
   */
  public static final String RAW_GENERATION = "0000000000000";

  private BenchEnvironment() {}

  /**
   * Returns the server address from {@value #SERVER_PROPERTY}.
   *
   * @return {@code host:port}
   * @throws IllegalStateException when the property is missing (run through {@code run.sh})
   */
  public static String server() {
    String server = System.getProperty(SERVER_PROPERTY);
    if (server == null || server.isBlank()) {
      throw new IllegalStateException(
          "system property "
              + SERVER_PROPERTY
              + " is not set: run the "
              + "benchmarks with benchmarks/run.sh, or pass -jvmArgsAppend -D"
              + SERVER_PROPERTY
              + "=127.0.0.1:<port> naming a running memcached");
    }
    return server.trim();
  }

  /**
   * Returns the MemJCache CacheManager URI for {@link #server()}: {@code
   * memcached://<host:port>?operationTimeoutMillis=2500}.
   */
  public static URI managerUri() {
    return URI.create("memcached://" + server() + "?operationTimeoutMillis=" + OP_TIMEOUT_MILLIS);
  }

  /**
   * Opens the raw spymemcached baseline: binary protocol, Ketama consistent hashing, the same
   * operation timeout as MemJCache ({@value #OP_TIMEOUT_MILLIS} ms), daemon I/O thread, failure
   * mode {@code Cancel}. Values go through {@link PassThroughTranscoder}, passed on every call.
   *
   * @return a connected client; shut it down with {@link MemcachedClient#shutdown(long, TimeUnit)}
   * @throws IOException when the connection cannot be set up
   */
  public static MemcachedClient rawClient() throws IOException {
    return rawClient(ConnectionFactoryBuilder.Protocol.BINARY);
  }

  /**
   * {@link #rawClient()} in the given wire protocol: the raw side of the rows whose MemJCache side
   * has that {@code protocol} option ({@link #cacheManager(String)}).
   *
   * @param protocol spymemcached's {@code BINARY} or {@code TEXT}
   * @return a connected client
   * @throws IOException when the connection cannot be set up
   */
  public static MemcachedClient rawClient(ConnectionFactoryBuilder.Protocol protocol)
      throws IOException {
    return rawClient(server(), protocol);
  }

  /**
   * {@link #rawClient(ConnectionFactoryBuilder.Protocol)} against {@code address} instead of {@link
   * #server()}: the raw side through a proxy.
   *
   * @param address {@code host:port}
   * @param protocol spymemcached's {@code BINARY} or {@code TEXT}
   * @return a connected client
   * @throws IOException when the connection cannot be set up
   */
  public static MemcachedClient rawClient(
      String address, ConnectionFactoryBuilder.Protocol protocol) throws IOException {
    String[] hostPort = address.split(":");
    ConnectionFactoryBuilder builder =
        new ConnectionFactoryBuilder()
            .setClientMode(ClientMode.Static)
            .setProtocol(protocol)
            .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
            .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
            .setOpTimeout(OP_TIMEOUT_MILLIS)
            .setFailureMode(FailureMode.Cancel)
            .setDaemon(true);
    return new MemcachedClient(
        builder.build(),
        List.of(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]))));
  }

  /**
   * Opens the MemJCache CacheManager for {@link #managerUri()} through {@code
   * Caching.getCachingProvider(PROVIDER)} (JSR-107 section 12).
   *
   * @throws CacheException when the provider cannot be loaded or the manager cannot be created
   */
  public static CacheManager cacheManager() {
    ClassLoader loader = BenchEnvironment.class.getClassLoader();
    return Caching.getCachingProvider(PROVIDER, loader).getCacheManager(managerUri(), loader);
  }

  /**
   * Opens a second MemJCache CacheManager on the same server and key prefix, so its caches hold the
   * same entries as {@link #cacheManager()}'s, with one more option.
   *
   * @param option one {@code name=value} pair of the URI query, e.g. {@code asyncCompletion=inline}
   * @throws CacheException when the provider cannot be loaded or the manager cannot be created
   */
  public static CacheManager cacheManager(String option) {
    ClassLoader loader = BenchEnvironment.class.getClassLoader();
    URI uri = URI.create(managerUri() + "&" + option);
    return Caching.getCachingProvider(PROVIDER, loader).getCacheManager(uri, loader);
  }

  /**
   * Returns the {@code Cache<String, byte[]>} under test: store-by-value, statistics and management
   * off, no listeners, eternal expiry; created if this manager does not have it yet.
   */
  public static Cache<String, byte[]> valuesCache(CacheManager manager) {
    return getOrCreate(manager, VALUES_CACHE, String.class, byte[].class);
  }

  /**
   * Returns the {@code Cache<String, Long>} of the counters, configured as {@link #valuesCache}.
   */
  public static Cache<String, Long> countersCache(CacheManager manager) {
    return getOrCreate(manager, COUNTERS_CACHE, String.class, Long.class);
  }

  private static <K, V> Cache<K, V> getOrCreate(
      CacheManager manager, String name, Class<K> keyType, Class<V> valueType) {
    Cache<K, V> cache = manager.getCache(name, keyType, valueType);
    if (cache != null) {
      return cache;
    }
    MutableConfiguration<K, V> config =
        new MutableConfiguration<K, V>()
            .setTypes(keyType, valueType)
            .setStoreByValue(true)
            .setStatisticsEnabled(false)
            .setManagementEnabled(false)
            .setExpiryPolicyFactory(EternalExpiryPolicy.factoryOf());
    return manager.createCache(name, config);
  }

  /** Waits for a spymemcached future with the shared operation timeout. */
  static <T> T await(java.util.concurrent.Future<T> future) throws Exception {
    return future.get(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }
}
