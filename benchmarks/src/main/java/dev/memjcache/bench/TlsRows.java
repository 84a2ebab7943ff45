package dev.memjcache.bench;

import dev.memjcache.bench.PairedBenchmark.Row;
import dev.memjcache.bench.PairedBenchmark.Targets;
import dev.memjcache.bench.PairedRunner.Workload;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import net.spy.memcached.MemcachedClient;

/**
 * The paired mode's TLS rows, on the memcached of the run started with {@code -Z}: its TLS listener
 * is {@value #TLS_SERVER_PROPERTY}, its plain one {@value BenchEnvironment#SERVER_PROPERTY} (one
 * process, {@code -l notls:...,...}), so every row's two sides meet the same server and the same
 * items.
 *
 * <ul>
 *   <li>{@code tls binary} and {@code tls text}: MemJCache over TLS against the raw client over TLS
 *       in the same protocol (issue 16's target: ratio ≥ 0.95);
 *   <li>{@code raw tls/plain}: the raw client over TLS against the raw client over plain TCP, in
 *       each protocol: the cost of TLS itself, a figure for the docs and no target. Its two columns
 *       "raw" and "MemJCache" read "plain" and "TLS";
 *   <li>{@code tls <protocol> getAll(100) parts: client} and {@code items}: figures that split the
 *       getAll row's gap ({@link #addGetAllDecomposition}).
 * </ul>
 *
 * The raw client over TLS is spymemcached's {@code MemcachedClient} as a TLS CacheManager builds it
 * (unwrapped from a manager of its own; the fork 1.2.2's own TLS client loses every answer after
 * the first of a TLS record, so multi-gets and pipelined writes fail without MemJCache's {@code
 * TlsRecordNode}), driven by the raw workloads with the raw key space. The plain side of the figure
 * is the client a plain CacheManager builds, so the two differ only in TLS.
 */
final class TlsRows {

  /** System property holding the TLS listener of the run's memcached as {@code host:port}. */
  static final String TLS_SERVER_PROPERTY = "memjcache.bench.tlsServer";

  /** System property holding the PKCS12 trust store that trusts the server's certificate. */
  static final String TRUST_STORE_PROPERTY = "memjcache.bench.trustStore";

  /** System property holding the trust store's password (a throwaway store of the run). */
  static final String TRUST_STORE_PASSWORD_PROPERTY = "memjcache.bench.trustStorePassword";

  /** Label prefix of the MemJCache-over-TLS rows, before the protocol. */
  static final String TLS = "tls ";

  /** Label prefix of the figure rows, before the protocol. */
  static final String RAW_TLS_PLAIN = "raw tls/plain ";

  private static final String[] PROTOCOLS = {"binary", "text"};

  private final List<CacheManager> managers = new ArrayList<>();

  /** Whether {@code run.sh} started the TLS listener (it always does in paired mode). */
  static boolean configured() {
    String server = System.getProperty(TLS_SERVER_PROPERTY);
    return server != null && !server.isBlank();
  }

  /**
   * Builds the rows; the entries are those {@link PairedBenchmark#rows} populated through the plain
   * listener.
   */
  List<Row> rows() {
    Targets target = new Targets(0.95, Double.NaN, Double.NaN);
    List<Row> rows = new ArrayList<>();
    for (String protocol : PROTOCOLS) {
      MemcachedClient rawTls = tlsManager(protocol, "raw").unwrap(MemcachedClient.class);
      Cache<String, byte[]> values = BenchEnvironment.valuesCache(tlsManager(protocol, "mjc"));
      PairedBenchmark.ValueSides tls = PairedBenchmark.ValueSides.of100Bytes(rawTls, values);
      for (int threads : new int[] {1, 4}) {
        PairedBenchmark.addValueRows(
            rows, TLS + protocol + " ", "100 B", threads, target, target, tls);
      }
      addGetAllDecomposition(rows, protocol, rawTls, values, tls.rawKeys());
    }
    for (String protocol : PROTOCOLS) {
      MemcachedClient plain = plainManager(protocol).unwrap(MemcachedClient.class);
      MemcachedClient tls = tlsManager(protocol, "raw").unwrap(MemcachedClient.class);
      KeySpace keys = PairedBenchmark.rawValueKeys();
      List<Map<String, byte[]>> batches = keys.batches(RawStates.randomValue(100));
      String prefix = RAW_TLS_PLAIN + protocol + " ";
      byte[] value = RawStates.randomValue(100);
      for (int threads : new int[] {1, 4}) {
        rows.add(
            figure(
                prefix + "get",
                threads,
                PairedWorkloads.rawGet(plain, keys),
                PairedWorkloads.rawGet(tls, keys)));
        rows.add(
            figure(
                prefix + "getAll(100)",
                threads,
                PairedWorkloads.rawGetAll(plain, keys),
                PairedWorkloads.rawGetAll(tls, keys)));
      }
      rows.add(
          figure(
              prefix + "put",
              1,
              PairedWorkloads.rawPut(plain, keys, value),
              PairedWorkloads.rawPut(tls, keys, value)));
      rows.add(
          figure(
              prefix + "putAll(100)",
              1,
              PairedWorkloads.rawPutAll(plain, batches),
              PairedWorkloads.rawPutAll(tls, batches)));
    }
    return rows;
  }

  /**
   * Two figure rows that split MemJCache's getAll(100) over TLS into its parts, both raw multi-gets
   * at 1 thread against raw multi-gets of the raw items on the raw side's client: "client", the
   * same raw items through MemJCache's manager's client (its connection and I/O thread); "items",
   * MemJCache's own items ({@code mjc:bench-values:<generation>:p100:<n>}, flags {@code 78}) on the
   * raw side's client. What either leaves of the getAll row's gap is MemJCache's own code.
   */
  private static void addGetAllDecomposition(
      List<Row> rows,
      String protocol,
      MemcachedClient rawTls,
      Cache<String, byte[]> values,
      KeySpace rawKeys) {
    MemcachedClient own = values.unwrap(MemcachedClient.class);
    Object generation = own.get("mjc:" + BenchEnvironment.VALUES_CACHE + ":gen");
    String digits =
        generation instanceof byte[] bytes
            ? new String(bytes, StandardCharsets.US_ASCII)
            : String.valueOf(generation);
    KeySpace ownItems =
        KeySpace.of("mjc:" + BenchEnvironment.VALUES_CACHE + ":" + digits.trim() + ":p100:");
    String prefix = TLS + protocol + " getAll(100) parts: ";
    rows.add(
        figure(
            prefix + "client",
            1,
            PairedWorkloads.rawGetAll(rawTls, rawKeys),
            PairedWorkloads.rawGetAll(own, rawKeys)));
    rows.add(
        figure(
            prefix + "items",
            1,
            PairedWorkloads.rawGetAll(rawTls, rawKeys),
            PairedWorkloads.rawGetAll(rawTls, ownItems)));
  }

  /** A figure row of 100 B values: plain TCP as the "raw" side, TLS as the other; no target. */
  private static Row figure(String operation, int threads, Workload plain, Workload tls) {
    return new Row(
        operation, "100 B", threads, new Targets(Double.NaN, Double.NaN, Double.NaN), plain, tls);
  }

  /**
   * A TLS CacheManager of its own ({@code keyPrefix} only tells the managers apart: the raw ones'
   * caches are never used).
   */
  private CacheManager tlsManager(String protocol, String keyPrefix) {
    Properties tls = new Properties();
    tls.setProperty("tls", "true");
    tls.setProperty("trustStore", System.getProperty(TRUST_STORE_PROPERTY));
    tls.setProperty("trustStorePassword", System.getProperty(TRUST_STORE_PASSWORD_PROPERTY, ""));
    return open(System.getProperty(TLS_SERVER_PROPERTY).trim(), protocol, keyPrefix, tls);
  }

  private CacheManager plainManager(String protocol) {
    return open(BenchEnvironment.server(), protocol, "rawplain", new Properties());
  }

  private CacheManager open(
      String server, String protocol, String keyPrefix, Properties properties) {
    ClassLoader loader = TlsRows.class.getClassLoader();
    URI uri =
        URI.create(
            "memcached://"
                + server
                + "?operationTimeoutMillis="
                + BenchEnvironment.OP_TIMEOUT_MILLIS
                + "&protocol="
                + protocol
                + "&keyPrefix="
                + keyPrefix);
    CacheManager manager =
        Caching.getCachingProvider(BenchEnvironment.PROVIDER, loader)
            .getCacheManager(uri, loader, properties);
    managers.add(manager);
    return manager;
  }

  /** Closes every manager (and with it its client). */
  void close() {
    managers.forEach(CacheManager::close);
  }
}
