package dev.memjcache.config;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Immutable settings of one CacheManager, produced by {@link SettingsParser#parse(java.net.URI,
 * Properties, ClassLoader)} from the CacheManager URI and the Properties given to {@code
 * CachingProvider.getCacheManager} (DESIGN.md "Configuration"). The option names are the constants
 * of this class; each accessor documents its default. Equal settings compare equal.
 */
public final class MemJCacheSettings {

  /**
   * Key of the server list in a properties file or Properties: {@code host:port[,host:port...]}.
   */
  public static final String SERVERS = "servers";

  /** Option name of {@link #operationTimeoutMillis()}. */
  public static final String OPERATION_TIMEOUT_MILLIS = "operationTimeoutMillis";

  /** Option name of {@link #connectTimeoutMillis()}. */
  public static final String CONNECT_TIMEOUT_MILLIS = "connectTimeoutMillis";

  /** Option name of {@link #keyPrefix()}. */
  public static final String KEY_PREFIX = "keyPrefix";

  /** Option name of {@link #failureMode()}. */
  public static final String FAILURE_MODE = "failureMode";

  /** Option name of {@link #allowPackages()}. */
  public static final String ALLOW_PACKAGES = "allowPackages";

  /** Option name of {@link #generationRefreshMillis()}. */
  public static final String GENERATION_REFRESH_MILLIS = "generationRefreshMillis";

  /** Option name of {@link #exptimeMarginSeconds()}. */
  public static final String EXPTIME_MARGIN_SECONDS = "exptimeMarginSeconds";

  /** Option name of the SASL user of {@link #credentials()}. */
  public static final String USERNAME = "username";

  /** Option name of the SASL password of {@link #credentials()}; never allowed in a URI. */
  public static final String PASSWORD = "password";

  /** Option name of {@link ServerHealth#failureLimit()}. */
  public static final String SERVER_FAILURE_LIMIT = "serverFailureLimit";

  /** Option name of {@link ServerHealth#retryMillis()}. */
  public static final String SERVER_RETRY_MILLIS = "serverRetryMillis";

  /** Option name of {@link ServerHealth#reconnectDelaySeconds()}. */
  public static final String RECONNECT_DELAY_SECONDS = "reconnectDelaySeconds";

  /** Option name of {@link #maxAsyncOperations()}. */
  public static final String MAX_ASYNC_OPERATIONS = "maxAsyncOperations";

  /** Default of {@link #maxAsyncOperations()}. */
  public static final int DEFAULT_MAX_ASYNC_OPERATIONS = 4096;

  /** Option name of {@link #asyncCompletion()}. */
  public static final String ASYNC_COMPLETION = "asyncCompletion";

  /** Option name of {@link Topology#proxy()}. */
  public static final String PROXY = "proxy";

  /** Option name of {@link Topology#keyIndex()}. */
  public static final String KEY_INDEX = "keyIndex";

  /** Option name of {@link Topology#maxItemBytes()}. */
  public static final String MAX_ITEM_BYTES = "maxItemBytes";

  /** Option name of {@link Topology#configEndpoint()}. */
  public static final String CONFIG_ENDPOINT = "configEndpoint";

  /** Option name of {@link Topology#configPollMillis()}. */
  public static final String CONFIG_POLL_MILLIS = "configPollMillis";

  /**
   * Default of {@link Topology#configPollMillis()}, in milliseconds: a minute, as AWS's own client.
   */
  public static final long DEFAULT_CONFIG_POLL_MILLIS = 60_000;

  /** Option name of {@link #protocol()}. */
  public static final String PROTOCOL = "protocol";

  /** Option name of {@link TlsSettings#enabled()}. */
  public static final String TLS = "tls";

  /** Option name of {@link TlsSettings#trustStore()}. */
  public static final String TRUST_STORE = "trustStore";

  /** Option name of {@link TlsSettings#trustStoreType()}. */
  public static final String TRUST_STORE_TYPE = "trustStoreType";

  /** Option name of {@link TlsSettings#trustStorePassword()}; never allowed in a URI. */
  public static final String TRUST_STORE_PASSWORD = "trustStorePassword";

  /** Option name of {@link TlsSettings#keyStore()}. */
  public static final String KEY_STORE = "keyStore";

  /** Option name of {@link TlsSettings#keyStoreType()}. */
  public static final String KEY_STORE_TYPE = "keyStoreType";

  /** Option name of {@link TlsSettings#keyStorePassword()}; never allowed in a URI. */
  public static final String KEY_STORE_PASSWORD = "keyStorePassword";

  /** Option name of {@link TlsSettings#hostname()}. */
  public static final String TLS_HOSTNAME = "tlsHostname";

  /** Default of {@link ServerHealth#failureLimit()}. */
  public static final int DEFAULT_SERVER_FAILURE_LIMIT = 2;

  /** Default of {@link ServerHealth#retryMillis()}, in milliseconds. */
  public static final long DEFAULT_SERVER_RETRY_MILLIS = 1000;

  /** Default of {@link ServerHealth#reconnectDelaySeconds()}, in seconds. */
  public static final int DEFAULT_RECONNECT_DELAY_SECONDS = 1;

  /** memcached's well-known port, used when a server is given without one. */
  public static final int DEFAULT_PORT = 11211;

  /** Default of {@link #operationTimeoutMillis()}, in milliseconds. */
  public static final long DEFAULT_OPERATION_TIMEOUT_MILLIS = 1000;

  /** Default of {@link #connectTimeoutMillis()}, in milliseconds. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 3000;

  /** Default of {@link #keyPrefix()}. */
  public static final String DEFAULT_KEY_PREFIX = "mjc";

  /** Default of {@link #generationRefreshMillis()}, in milliseconds. */
  public static final long DEFAULT_GENERATION_REFRESH_MILLIS = 1000;

  /** Default of {@link #exptimeMarginSeconds()}, in seconds. */
  public static final int DEFAULT_EXPTIME_MARGIN_SECONDS = 2;

  private final List<InetSocketAddress> servers;
  private final long operationTimeoutMillis;
  private final long connectTimeoutMillis;
  private final String keyPrefix;
  private final FailureMode failureMode;
  private final List<String> allowPackages;
  private final long generationRefreshMillis;
  private final int exptimeMarginSeconds;
  private final Map<String, CacheDefaults> cacheDefaults;

  /** The pattern entries of {@link #cacheDefaults}, most specific first. */
  private final List<CacheNamePattern> patterns;

  private final OptionLocation allowPackagesLocation;
  private final Credentials credentials;
  private final ServerHealth serverHealth;
  private final int maxAsyncOperations;
  private final AsyncCompletion asyncCompletion;
  private final Topology topology;
  private final MemcachedProtocol protocol;

  private final TlsSettings tls;

  /**
   * How failing memcached servers are detected and brought back (docs/production.md), after
   * libmemcached's {@code server_failure_limit} / {@code retry_timeout} and pymemcache's {@code
   * retry_attempts} / {@code dead_timeout}.
   *
   * @param failureLimit option {@code serverFailureLimit}, default 2: consecutive timeouts or
   *     connection failures after which a server is marked down (1..1000)
   * @param retryMillis option {@code serverRetryMillis}, default 1000: how long a server stays
   *     marked down before a probe may bring it back, in milliseconds (positive)
   * @param reconnectDelaySeconds option {@code reconnectDelaySeconds}, default 1: the longest wait
   *     between reconnect attempts to a server whose connection was lost, in whole seconds
   *     (spymemcached's {@code maxReconnectDelay}; 1..3600)
   */
  public record ServerHealth(int failureLimit, long retryMillis, int reconnectDelaySeconds) {
    /** The defaults: 2 failures, 1000 ms, 1 s. */
    public static final ServerHealth DEFAULTS =
        new ServerHealth(
            DEFAULT_SERVER_FAILURE_LIMIT,
            DEFAULT_SERVER_RETRY_MILLIS,
            DEFAULT_RECONNECT_DELAY_SECONDS);
  }

  /**
   * How the servers are found and what they are (docs/tls-and-proxies.md, "Behind a proxy and on
   * managed memcached").
   *
   * @param configEndpoint option {@code configEndpoint} ({@code host:port}, unresolved): a
   *     discovery endpoint answering {@code config get cluster} (ElastiCache node-based clusters,
   *     Memorystore for Memcached) whose node list replaces the server list; null when the servers
   *     are listed
   * @param configPollMillis option {@code configPollMillis}, default 60000: how often the endpoint
   *     is asked for a newer node list, in milliseconds
   * @param proxy option {@code proxy}, default false: the listed endpoint is a proxy that routes
   *     keys itself (twemproxy, mcrouter, memcached's proxy, ElastiCache Serverless); implies
   *     {@code protocol=text}
   * @param maxItemBytes option {@code maxItemBytes}, default 0 (memcached's 1 MiB): the largest
   *     item the servers take, in bytes, used when {@code stats settings} cannot be read (always
   *     behind a proxy)
   * @param keyIndex option {@code keyIndex}, default true behind a proxy and only allowed there:
   *     each cache keeps a key index the proxy routes, so {@code Cache.iterator()} and an observed
   *     {@code Cache.removeAll()} work (docs/tls-and-proxies.md, "Enumeration behind a proxy"); one
   *     {@code append} more per write that may create an entry. Always false without {@code proxy}
   */
  public record Topology(
      InetSocketAddress configEndpoint,
      long configPollMillis,
      boolean proxy,
      int maxItemBytes,
      boolean keyIndex) {
    /** Listed servers, reached directly, their item size read from them. */
    public static final Topology DIRECT =
        new Topology(null, DEFAULT_CONFIG_POLL_MILLIS, false, 0, false);

    /** Whether the servers come from {@link #configEndpoint()}. */
    public boolean discovered() {
      return configEndpoint != null;
    }
  }

  /** {@code allowPackagesLocation} null means the query of the servers' memcached URI. */
  MemJCacheSettings(
      List<InetSocketAddress> servers,
      long operationTimeoutMillis,
      long connectTimeoutMillis,
      String keyPrefix,
      FailureMode failureMode,
      List<String> allowPackages,
      long generationRefreshMillis,
      int exptimeMarginSeconds,
      Map<String, CacheDefaults> cacheDefaults,
      OptionLocation allowPackagesLocation,
      Credentials credentials,
      ServerHealth serverHealth,
      int maxAsyncOperations,
      AsyncCompletion asyncCompletion,
      MemcachedProtocol protocol,
      Topology topology,
      TlsSettings tls) {
    this.protocol = Objects.requireNonNull(protocol);
    this.topology = Objects.requireNonNull(topology);
    this.tls = Objects.requireNonNull(tls);
    this.maxAsyncOperations = maxAsyncOperations;
    this.asyncCompletion = Objects.requireNonNull(asyncCompletion);
    this.credentials = Objects.requireNonNull(credentials);
    this.servers = List.copyOf(servers);
    this.operationTimeoutMillis = operationTimeoutMillis;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.keyPrefix = Objects.requireNonNull(keyPrefix);
    this.failureMode = Objects.requireNonNull(failureMode);
    this.allowPackages = List.copyOf(allowPackages);
    this.generationRefreshMillis = generationRefreshMillis;
    this.exptimeMarginSeconds = exptimeMarginSeconds;
    this.cacheDefaults = Collections.unmodifiableMap(new LinkedHashMap<>(cacheDefaults));
    this.patterns =
        cacheDefaults.keySet().stream()
            .filter(CacheNamePattern::isPattern)
            .map(CacheNamePattern::of)
            .sorted(CacheNamePattern.MOST_SPECIFIC_FIRST)
            .toList();
    this.allowPackagesLocation =
        allowPackagesLocation != null
            ? allowPackagesLocation
            : OptionLocation.uriQuery(
                this.servers.stream()
                    .map(OptionValues::formatServer)
                    .collect(Collectors.joining(",")));
    this.serverHealth = Objects.requireNonNull(serverHealth);
  }

  /**
   * Option {@code maxAsyncOperations}, default 4096: how many operations of the manager's {@code
   * AsyncCache} views may be in flight at once (1..1,000,000); a call beyond it fails at once.
   *
   * @return the limit, positive
   */
  public int maxAsyncOperations() {
    return maxAsyncOperations;
  }

  /**
   * Option {@code asyncCompletion}, default {@code thread}: where the asynchronous view completes a
   * stage whose last step was a memcached answer ({@link AsyncCompletion}).
   *
   * @return the choice, never null
   */
  public AsyncCompletion asyncCompletion() {
    return asyncCompletion;
  }

  /**
   * The topology options: {@code configEndpoint}, {@code configPollMillis}, {@code proxy}, {@code
   * maxItemBytes}.
   *
   * @return the options, never null
   */
  public Topology topology() {
    return topology;
  }

  /**
   * Option {@code protocol} = {@code binary} | {@code text} (case-insensitive), default {@code
   * binary}: the memcached wire protocol the client speaks ({@link MemcachedProtocol}). {@code
   * username} requires {@code binary}.
   *
   * @return the protocol, never null
   */
  public MemcachedProtocol protocol() {
    return protocol;
  }

  /**
   * The transport: plain TCP ({@link TlsSettings#NONE}) or TLS, options {@code tls}, {@code
   * trustStore}, ... ({@link TlsSettings}).
   *
   * @return the TLS settings, never null
   */
  public TlsSettings tls() {
    return tls;
  }

  /**
   * Failing-server detection: {@code serverFailureLimit}, {@code serverRetryMillis}, {@code
   * reconnectDelaySeconds}.
   *
   * @return the options, never null
   */
  public ServerHealth serverHealth() {
    return serverHealth;
  }

  /**
   * The memcached servers, in the order given; no duplicates; empty only when they come from a
   * {@linkplain #topology() discovery endpoint}. Addresses are unresolved ({@link
   * InetSocketAddress#createUnresolved}): the parser does no DNS, so the connection layer must
   * resolve them (IPv6 literals are held without brackets).
   *
   * @return an unmodifiable list
   */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /**
   * How long one memcached operation may take before it fails (or, with {@link
   * FailureMode#DEGRADE}, is treated as a miss or dropped write). Option {@code
   * operationTimeoutMillis}, default 1000.
   *
   * @return milliseconds, positive
   */
  public long operationTimeoutMillis() {
    return operationTimeoutMillis;
  }

  /**
   * How long a new CacheManager waits for its connections to the servers. Option {@code
   * connectTimeoutMillis}, default 3000.
   *
   * @return milliseconds, positive
   */
  public long connectTimeoutMillis() {
    return connectTimeoutMillis;
  }

  /**
   * The first segment of every memcached key, {@code <prefix>:<cache>:<generation>:<part>}
   * (DESIGN.md "Storage model"); lets several applications share servers. Option {@code keyPrefix},
   * default {@code mjc}.
   *
   * @return 1..32 printable ASCII characters (0x21..0x7E) without {@code ':'}
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Whether failures surface as exceptions or degrade to misses and dropped writes. Option {@code
   * failureMode} = {@code fail} | {@code degrade} (case-insensitive), default {@code fail}.
   *
   * @return the mode, never null
   */
  public FailureMode failureMode() {
    return failureMode;
  }

  /**
   * Packages whose classes may be deserialized in addition to the JDK value types and the caches'
   * configured key and value types (DESIGN.md "Serialization and security"). Option {@code
   * allowPackages}: comma separated package names, each allowing that package and its sub-packages;
   * a trailing dot is dropped. Default empty.
   *
   * @return an unmodifiable list of package names without trailing dots, duplicates removed
   */
  public List<String> allowPackages() {
    return allowPackages;
  }

  /**
   * Where the {@code allowPackages} option of this manager is (or would be) written: where it was
   * given, else the URI's query for a {@code memcached://} URI, the properties file for a URI that
   * names one, or the Properties passed to {@code getCacheManager}. Error messages use it to say
   * how to allow a class. Not part of {@link #equals}.
   *
   * @return the location, never null
   */
  public OptionLocation allowPackagesLocation() {
    return allowPackagesLocation;
  }

  /**
   * The longest time a JVM keeps using its cached copy of a cache's generation item before reading
   * it again, which bounds how long another JVM's {@code clear()} stays invisible. Option {@code
   * generationRefreshMillis}, default 1000; 0 reads it on every operation.
   *
   * @return milliseconds, zero or positive
   */
  public long generationRefreshMillis() {
    return generationRefreshMillis;
  }

  /**
   * Seconds added to the ceiling of an entry's remaining lifetime to form the memcached exptime,
   * which is only the eviction bound (the envelope decides expiry). Option {@code
   * exptimeMarginSeconds}, default 2.
   *
   * @return seconds, 0..3600
   */
  public int exptimeMarginSeconds() {
    return exptimeMarginSeconds;
  }

  /**
   * The per-cache defaults for {@code cacheName}, from the {@code cache.<name>.<option>} options.
   * {@code <name>} is a cache's exact name or a pattern in which {@code *} stands for any run of
   * characters (dots included): {@code cache.orders.*.expiry=created:10m} covers every Hibernate
   * region of {@code hibernate.cache.region_prefix=orders}. Each option is resolved on its own: the
   * exact name's value if it sets that option, else the value of the most specific matching pattern
   * that sets it (most literal characters, then fewest {@code *}, then the pattern text in {@link
   * String#compareTo} order).
   *
   * @param cacheName the cache's name, exactly as passed to {@code createCache}/{@code getCache}
   * @return the defaults, never null; {@link CacheDefaults#isEmpty() empty} when none apply
   */
  public CacheDefaults cacheDefaults(String cacheName) {
    CacheDefaults result = cacheDefaults.getOrDefault(cacheName, CacheDefaults.NONE);
    for (CacheNamePattern pattern : patterns) {
      if (pattern.matches(cacheName)) {
        result = result.orElse(cacheDefaults.get(pattern.text()));
      }
    }
    return result;
  }

  /**
   * The cache names and name patterns that have per-cache defaults.
   *
   * @return an unmodifiable set, in the order the options were first seen
   */
  public Set<String> cacheNamesWithDefaults() {
    return cacheDefaults.keySet();
  }

  /**
   * Every effective option, for {@code CacheManager.getProperties()} (merged with the caller's
   * Properties by the CacheManager). Keys: {@code servers} (IPv6 hosts bracketed), every option of
   * this class with its default when not given (durations as plain milliseconds, {@code
   * failureMode} in lower case, {@code allowPackages} comma separated, possibly empty), {@code
   * username} when set (never the password: settings with credentials parse back only with the
   * password added), {@code configEndpoint} and {@code configPollMillis} when the servers come from
   * a discovery endpoint (then without {@code servers}), {@code proxy} (with {@code keyIndex}) and
   * {@code maxItemBytes} when set, {@code tls} and the other TLS options that are set (never a
   * store password), and the {@code cache.<name>.*} options. Written to a properties file, the
   * result parses back to equal settings.
   *
   * @return a new, mutable Properties on each call
   */
  public Properties asProperties() {
    // the password is left out on purpose: these Properties feed toString()
    Properties p = new Properties();
    if (!servers.isEmpty()) {
      p.setProperty(
          SERVERS,
          servers.stream().map(OptionValues::formatServer).collect(Collectors.joining(",")));
    }
    if (topology.discovered()) {
      p.setProperty(CONFIG_ENDPOINT, OptionValues.formatServer(topology.configEndpoint()));
      p.setProperty(CONFIG_POLL_MILLIS, Long.toString(topology.configPollMillis()));
    }
    if (topology.proxy()) {
      p.setProperty(PROXY, "true");
      p.setProperty(KEY_INDEX, Boolean.toString(topology.keyIndex()));
    }
    if (topology.maxItemBytes() > 0) {
      p.setProperty(MAX_ITEM_BYTES, Integer.toString(topology.maxItemBytes()));
    }
    p.setProperty(OPERATION_TIMEOUT_MILLIS, Long.toString(operationTimeoutMillis));
    p.setProperty(CONNECT_TIMEOUT_MILLIS, Long.toString(connectTimeoutMillis));
    p.setProperty(KEY_PREFIX, keyPrefix);
    p.setProperty(FAILURE_MODE, failureMode.optionValue());
    p.setProperty(ALLOW_PACKAGES, String.join(",", allowPackages));
    p.setProperty(GENERATION_REFRESH_MILLIS, Long.toString(generationRefreshMillis));
    p.setProperty(EXPTIME_MARGIN_SECONDS, Integer.toString(exptimeMarginSeconds));
    if (credentials.isPresent()) {
      p.setProperty(USERNAME, credentials.username());
    }
    p.setProperty(SERVER_FAILURE_LIMIT, Integer.toString(serverHealth.failureLimit()));
    p.setProperty(SERVER_RETRY_MILLIS, Long.toString(serverHealth.retryMillis()));
    p.setProperty(RECONNECT_DELAY_SECONDS, Integer.toString(serverHealth.reconnectDelaySeconds()));
    p.setProperty(MAX_ASYNC_OPERATIONS, Integer.toString(maxAsyncOperations));
    p.setProperty(ASYNC_COMPLETION, asyncCompletion.optionValue());
    p.setProperty(PROTOCOL, protocol.optionValue());
    tls.addTo(p);
    cacheDefaults.forEach((name, defaults) -> defaults.addTo(name, p));
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemJCacheSettings s
        && servers.equals(s.servers)
        && operationTimeoutMillis == s.operationTimeoutMillis
        && connectTimeoutMillis == s.connectTimeoutMillis
        && keyPrefix.equals(s.keyPrefix)
        && failureMode == s.failureMode
        && allowPackages.equals(s.allowPackages)
        && generationRefreshMillis == s.generationRefreshMillis
        && exptimeMarginSeconds == s.exptimeMarginSeconds
        && cacheDefaults.equals(s.cacheDefaults)
        && credentials.equals(s.credentials)
        && serverHealth.equals(s.serverHealth)
        && maxAsyncOperations == s.maxAsyncOperations
        && asyncCompletion == s.asyncCompletion
        && protocol == s.protocol
        && topology.equals(s.topology)
        && tls.equals(s.tls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        servers,
        operationTimeoutMillis,
        connectTimeoutMillis,
        keyPrefix,
        failureMode,
        allowPackages,
        generationRefreshMillis,
        exptimeMarginSeconds,
        cacheDefaults,
        serverHealth,
        maxAsyncOperations,
        asyncCompletion,
        protocol,
        topology,
        tls);
  }

  /**
   * The SASL credentials ({@code username}, {@code password}); {@link Credentials#NONE} unless both
   * options are given.
   *
   * @return the credentials, never null
   */
  public Credentials credentials() {
    return credentials;
  }

  /**
   * All effective options, in the form of {@link #asProperties()}; a configured password (SASL or a
   * store's) shows as {@code <option>=(hidden)}.
   */
  @Override
  public String toString() {
    Map<Object, Object> shown = new TreeMap<>(asProperties());
    if (credentials.isPresent()) {
      shown.put(PASSWORD, "(hidden)");
    }
    tls.hidePasswords(shown);
    return "MemJCacheSettings" + shown;
  }
}
