package dev.memjcache.config;

import static dev.memjcache.config.MemJCacheSettings.ALLOW_PACKAGES;
import static dev.memjcache.config.MemJCacheSettings.ASYNC_COMPLETION;
import static dev.memjcache.config.MemJCacheSettings.CONNECT_TIMEOUT_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.EXPTIME_MARGIN_SECONDS;
import static dev.memjcache.config.MemJCacheSettings.FAILURE_MODE;
import static dev.memjcache.config.MemJCacheSettings.GENERATION_REFRESH_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.KEY_PREFIX;
import static dev.memjcache.config.MemJCacheSettings.MAX_ASYNC_OPERATIONS;
import static dev.memjcache.config.MemJCacheSettings.OPERATION_TIMEOUT_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.PASSWORD;
import static dev.memjcache.config.MemJCacheSettings.PROTOCOL;
import static dev.memjcache.config.MemJCacheSettings.RECONNECT_DELAY_SECONDS;
import static dev.memjcache.config.MemJCacheSettings.SERVERS;
import static dev.memjcache.config.MemJCacheSettings.SERVER_FAILURE_LIMIT;
import static dev.memjcache.config.MemJCacheSettings.SERVER_RETRY_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.USERNAME;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a CacheManager URI plus the Properties given to {@code CachingProvider.getCacheManager}
 * into {@link MemJCacheSettings} (DESIGN.md "Configuration"). Stateless and thread-safe.
 *
 * <p>Options: {@code operationTimeoutMillis}, {@code connectTimeoutMillis}, {@code
 * generationRefreshMillis} (plain milliseconds or {@code <n><ms|s|m|h|d>}), {@code keyPrefix},
 * {@code failureMode}, {@code allowPackages}, {@code exptimeMarginSeconds}, {@code username} and
 * {@code password} (SASL, see {@link Credentials}; never in a {@code memcached://} URI), {@code
 * serverFailureLimit}, {@code serverRetryMillis} (a duration), {@code reconnectDelaySeconds},
 * {@code maxAsyncOperations}, {@code asyncCompletion} ({@link AsyncCompletion}), {@code protocol}
 * ({@link MemcachedProtocol}; {@code username} requires {@code binary}), the TLS options ({@link
 * TlsSettings}; their passwords, like {@code password}, never in a URI), and the per-cache {@code
 * cache.<name>.expiry|statistics|management|loadLeaseMillis} described by {@link CacheDefaults}. A
 * properties file also holds {@code servers}.
 */
public final class SettingsParser {

  /** System property naming the default servers or URI; see {@link #defaultUri()}. */
  public static final String SERVERS_SYSTEM_PROPERTY = "memjcache.servers";

  /** Environment variable naming the default servers or URI; see {@link #defaultUri()}. */
  public static final String SERVERS_ENVIRONMENT_VARIABLE = "MEMJCACHE_SERVERS";

  /** The default URI when neither the system property nor the environment variable is set. */
  public static final URI FALLBACK_URI = URI.create("memcached://127.0.0.1:11211");

  private static final Logger LOG = LoggerFactory.getLogger(SettingsParser.class);

  /** Name-only URIs already logged; bounded so that generated names cannot grow it forever. */
  private static final Set<URI> IDENTITY_URIS_LOGGED = ConcurrentHashMap.newKeySet();

  private static final int MAX_IDENTITY_URIS_LOGGED = 1000;
  private static final List<String> CORE_OPTIONS =
      List.of(
          OPERATION_TIMEOUT_MILLIS,
          CONNECT_TIMEOUT_MILLIS,
          KEY_PREFIX,
          FAILURE_MODE,
          ALLOW_PACKAGES,
          GENERATION_REFRESH_MILLIS,
          EXPTIME_MARGIN_SECONDS,
          USERNAME,
          PASSWORD,
          SERVER_FAILURE_LIMIT,
          SERVER_RETRY_MILLIS,
          RECONNECT_DELAY_SECONDS,
          MAX_ASYNC_OPERATIONS,
          ASYNC_COMPLETION,
          PROTOCOL);
  private static final List<String> OPTIONS =
      concat(concat(CORE_OPTIONS, TopologyOptions.NAMES), TlsOptions.NAMES);
  private static final List<String> CACHE_OPTIONS =
      List.of(
          CacheDefaults.EXPIRY,
          CacheDefaults.STATISTICS,
          CacheDefaults.MANAGEMENT,
          CacheDefaults.LOAD_LEASE_MILLIS);
  private static final String CALLER_PROPERTIES = "Properties passed to getCacheManager";

  /**
   * One or more {@code host[:port]} / {@code [v6][:port]} entries: a bare server list, not a URI.
   */
  private static final Pattern BARE_SERVERS =
      Pattern.compile(
          "\\s*(\\[[^\\]]*\\]|[^:,\\[\\]/?#]+)(:\\d*)?\\s*(,\\s*(\\[[^\\]]*\\]|[^:,\\[\\]/?#]+)(:\\d*)?\\s*)*");

  private SettingsParser() {}

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  /**
   * The provider's default URI ({@code CachingProvider.getDefaultURI()}, JSR-107 section 11.2): the
   * system property {@value #SERVERS_SYSTEM_PROPERTY}, then the environment variable {@value
   * #SERVERS_ENVIRONMENT_VARIABLE}, then {@code memcached://127.0.0.1:11211}. Blank values are
   * skipped. A value is either a full URI ({@code memcached://...}, {@code file:...}, {@code
   * classpath:...}) or a bare {@code host:port[,host:port...]} list, which becomes {@code
   * memcached://<list>} (with a multi-server list's IPv6 brackets written as {@code %5B} and {@code
   * %5D}, since {@link URI} refuses them there).
   *
   * @return the URI; its content is only checked by {@link #parse}
   * @throws IllegalArgumentException if the chosen value is neither a URI nor a valid server list;
   *     the message names the system property or environment variable
   */
  public static URI defaultUri() {
    return defaultUri(System.getProperties(), System.getenv());
  }

  /** {@link #defaultUri()} over the given system properties and environment, for tests. */
  static URI defaultUri(Properties systemProperties, Map<String, String> environment) {
    String value = systemProperties.getProperty(SERVERS_SYSTEM_PROPERTY);
    if (value != null && !value.isBlank()) {
      return toUri(value, "system property " + SERVERS_SYSTEM_PROPERTY);
    }
    value = environment.get(SERVERS_ENVIRONMENT_VARIABLE);
    if (value != null && !value.isBlank()) {
      return toUri(value, "environment variable " + SERVERS_ENVIRONMENT_VARIABLE);
    }
    return FALLBACK_URI;
  }

  private static URI toUri(String value, String source) {
    String v = value.trim();
    if (BARE_SERVERS.matcher(v).matches()) {
      List<InetSocketAddress> servers = OptionValues.servers(v, source);
      List<String> entries = new ArrayList<>();
      for (InetSocketAddress server : servers) {
        String entry = OptionValues.formatServer(server);
        entries.add(servers.size() > 1 ? entry.replace("[", "%5B").replace("]", "%5D") : entry);
      }
      v = "memcached://" + String.join(",", entries);
    }
    try {
      return new URI(v);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "Bad value '"
              + value
              + "' of "
              + source
              + ": expected a URI (memcached://host:port[,host:port...][?option=value...], file:..., "
              + "classpath:...) or a host:port[,host:port...] list: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Parses the settings of one CacheManager.
   *
   * <p>{@code uri} is one of:
   *
   * <ul>
   *   <li>{@code memcached://host[:port][,host[:port]...][?option=value&...]}: the port defaults to
   *       11211; IPv6 literals are bracketed ({@code [::1]:11211}; with several servers write the
   *       brackets as {@code %5B}/{@code %5D}, which {@link URI} requires). Query names and values
   *       are percent-decoded as UTF-8 ({@code '+'} stays a plus). No user information, path or
   *       fragment.
   *   <li>{@code file:/path/x.properties} (or {@code file:relative.properties}) or {@code
   *       classpath:name.properties}: a properties file, read as UTF-8, with the key {@code
   *       servers} ({@code host:port[,host:port...]}) and the options. {@code classpath:} names
   *       resolve through {@code classLoader} (a leading {@code '/'} is ignored). These URIs take
   *       no query.
   *   <li>any other URI this JVM can open as a {@link URL} ({@code
   *       jar:file:/app.jar!/x.properties}, Spring Boot's {@code jar:nested:...}, JBoss's {@code
   *       vfs:}, WebSphere's {@code wsjar:}, OSGi's {@code bundle:}, {@code http:}): a properties
   *       file as above. This is the form Hibernate ({@code hibernate.javax.cache.uri}) and Spring
   *       ({@code spring.cache.jcache.config}) hand over once the application is packaged.
   *   <li>any other opaque URI ({@code urn:orders}, {@code jcache:orders}): a name only, as other
   *       JCache providers accept; the manager uses the servers and options of {@link
   *       #defaultUri()} (logged at INFO once per URI). A hierarchical URI of an unknown scheme
   *       ({@code memcache://h:1}) is an error, since it most likely misspells one.
   * </ul>
   *
   * Unknown option names in the URI query or the properties file are an error. In {@code
   * properties}, {@code servers}, the option names and well-formed {@code cache.<name>.<option>}
   * keys override the URI's; every other key is ignored, since the caller may share the Properties
   * with other frameworks.
   *
   * @param uri the CacheManager URI; {@code null} means {@link #defaultUri()}
   * @param properties the caller's Properties; may be {@code null}
   * @param classLoader resolves {@code classpath:} URIs; {@code null} means the thread's context
   *     class loader, else this library's
   * @return the settings, never null
   * @throws IllegalArgumentException for a relative URI, a hierarchical URI of a scheme this JVM
   *     cannot open, a malformed URI, a missing properties file or resource, unknown options (the
   *     message names every unknown one and lists the known ones), a bad value (naming the option,
   *     the value and where it came from), or when no servers are given
   * @throws CacheException if an existing properties file or resource cannot be read
   */
  public static MemJCacheSettings parse(URI uri, Properties properties, ClassLoader classLoader) {
    URI target = uri != null ? uri : defaultUri();
    Map<String, Value> values = new LinkedHashMap<>();
    OptionLocation location = readUri(target, values, classLoader);
    if (properties != null) {
      for (String key : new TreeSet<>(properties.stringPropertyNames())) {
        if (key.equals(SERVERS) || isKnownOption(key)) {
          values.put(key, new Value(properties.getProperty(key), CALLER_PROPERTIES));
        }
      }
    }
    Value allow = values.get(ALLOW_PACKAGES);
    if (allow != null && allow.source().equals(CALLER_PROPERTIES)) {
      location = OptionLocation.properties();
    }
    return build(target, values, location);
  }

  /**
   * Reads the servers and options {@code uri} names into {@code values}.
   *
   * @return where the URI's options live, null for the query of a memcached URI
   */
  private static OptionLocation readUri(
      URI uri, Map<String, Value> values, ClassLoader classLoader) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "memcached" -> {
        readMemcachedUri(uri, values);
        return null;
      }
      case "file" ->
          readProperties(uri, values, PropertiesSources.loadFile(uri), "properties file " + uri);
      case "classpath" ->
          readProperties(
              uri,
              values,
              PropertiesSources.loadResource(uri, classLoader),
              "classpath resource " + uri);
      default -> {
        URL url = scheme.isEmpty() ? null : PropertiesSources.asUrl(uri);
        if (url != null) {
          readProperties(
              uri, values, PropertiesSources.loadUrl(uri, url), "properties file " + uri);
        } else if (!scheme.isEmpty() && uri.isOpaque()) {
          return readIdentityUri(uri, values, classLoader);
        } else {
          // A relative URI, or scheme://... that nothing can open (memcache://h:1, a typo?)
          throw new IllegalArgumentException(
              "Unsupported CacheManager URI '"
                  + uri
                  + "': expected memcached://host:port[,host:port...][?option=value...], "
                  + "a URL of a .properties file (file:, jar:, classpath:<resource name>, ...) "
                  + "or a name such as urn:orders for a manager on the default servers");
        }
      }
    }
    return OptionLocation.propertiesFile(uri.toString());
  }

  /**
   * An opaque URI that is not an openable URL ({@code urn:orders}) only names a CacheManager, as
   * other JCache providers accept: its servers and options are those of {@link #defaultUri()}.
   * Logged once per URI.
   */
  private static OptionLocation readIdentityUri(
      URI uri, Map<String, Value> values, ClassLoader classLoader) {
    URI defaults = defaultUri();
    String scheme =
        defaults.getScheme() == null ? "" : defaults.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("memcached")
        && !scheme.equals("file")
        && !scheme.equals("classpath")
        && (scheme.isEmpty() || PropertiesSources.asUrl(defaults) == null)) {
      throw new IllegalArgumentException(
          "CacheManager URI '"
              + uri
              + "' names a manager on the default "
              + "servers, but the default URI '"
              + defaults
              + "' names no servers either: set the system "
              + "property "
              + SERVERS_SYSTEM_PROPERTY
              + " or the environment variable "
              + SERVERS_ENVIRONMENT_VARIABLE
              + " to host:port[,host:port...] or a memcached:// or file URI");
    }
    OptionLocation location = readUri(defaults, values, classLoader);
    if (IDENTITY_URIS_LOGGED.size() < MAX_IDENTITY_URIS_LOGGED && IDENTITY_URIS_LOGGED.add(uri)) {
      Value servers = values.get(SERVERS);
      LOG.info(
          "CacheManager URI {} is a name, not a location: it uses the default servers {} "
              + "(system property {}, environment variable {}, else {})",
          uri,
          servers == null ? "(none)" : servers.text(),
          SERVERS_SYSTEM_PROPERTY,
          SERVERS_ENVIRONMENT_VARIABLE,
          FALLBACK_URI);
    }
    // Options cannot be written into such a URI: point at the Properties unless a file holds them.
    return location == null ? OptionLocation.properties() : location;
  }

  /** One option's text and where it came from (for messages). */
  record Value(String text, String source) {}

  private record CacheKey(String cacheName, String option) {}

  private static boolean isKnownOption(String key) {
    return OPTIONS.contains(key) || cacheKey(key) != null;
  }

  /**
   * Splits {@code cache.<name>.<option>}; the name may contain dots, the option is the last
   * segment.
   */
  private static CacheKey cacheKey(String key) {
    if (!key.startsWith(CacheDefaults.PREFIX)) {
      return null;
    }
    int lastDot = key.lastIndexOf('.');
    String name =
        key.substring(
            CacheDefaults.PREFIX.length(), Math.max(lastDot, CacheDefaults.PREFIX.length()));
    String option = key.substring(lastDot + 1);
    return name.isEmpty() || !CACHE_OPTIONS.contains(option) ? null : new CacheKey(name, option);
  }

  private static void readMemcachedUri(URI uri, Map<String, Value> values) {
    UriSecrets.refuse(uri);
    if (uri.isOpaque()) {
      throw malformed(uri, "expected memcached://host:port[,host:port...][?option=value...]");
    }
    String authority = uri.getRawAuthority();
    if (authority != null && authority.indexOf('@') >= 0) {
      throw malformed(uri, "user information is not supported");
    }
    String path = uri.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      throw malformed(uri, "a memcached URI has no path, found '" + path + "'");
    }
    if (uri.getRawFragment() != null) {
      throw malformed(
          uri, "a memcached URI has no fragment, found '#" + uri.getRawFragment() + "'");
    }
    if (authority != null) {
      values.put(
          SERVERS,
          new Value(OptionValues.percentDecode(authority, "the servers of " + uri), "URI " + uri));
    }
    String query = uri.getRawQuery();
    if (query == null) {
      return;
    }
    String source = "query of URI " + uri;
    List<String> unknown = new ArrayList<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = OptionValues.percentDecode(eq < 0 ? pair : pair.substring(0, eq), source);
      if (!isKnownOption(name)) {
        unknown.add(name);
      } else if (eq < 0) {
        throw new IllegalArgumentException(
            "Option " + name + " has no value (" + source + "): write " + name + "=<value>");
      } else if (values.containsKey(name)) {
        throw new IllegalArgumentException("Option " + name + " is given twice (" + source + ")");
      } else {
        values.put(
            name, new Value(OptionValues.percentDecode(pair.substring(eq + 1), source), source));
      }
    }
    rejectUnknown(unknown, source, false);
  }

  private static void readProperties(
      URI uri, Map<String, Value> values, Properties file, String source) {
    List<String> unknown = new ArrayList<>();
    for (String key : new TreeSet<>(file.stringPropertyNames())) {
      if (key.equals(SERVERS) || isKnownOption(key)) {
        values.put(key, new Value(file.getProperty(key), source));
      } else {
        unknown.add(key);
      }
    }
    rejectUnknown(unknown, source, true);
  }

  private static void rejectUnknown(List<String> unknown, String source, boolean serversKnown) {
    if (unknown.isEmpty()) {
      return;
    }
    List<String> known = new ArrayList<>();
    if (serversKnown) {
      known.add(SERVERS);
    }
    known.addAll(OPTIONS);
    for (String option : CACHE_OPTIONS) {
      known.add(CacheDefaults.PREFIX + "<cache name>." + option);
    }
    throw new IllegalArgumentException(
        (unknown.size() == 1 ? "Unknown option " : "Unknown options ")
            + String.join(", ", unknown)
            + " ("
            + source
            + "); known options: "
            + String.join(", ", known));
  }

  /**
   * The URI for messages: user information and the value of a {@code password} query option
   * replaced by {@code ***}, so that no error message can echo a password given where it does not
   * belong.
   *
   * @param uri a CacheManager URI; may be null
   * @return its text, redacted
   */
  public static String redacted(URI uri) {
    return UriSecrets.redacted(uri);
  }

  static IllegalArgumentException malformed(URI uri, String why) {
    return new IllegalArgumentException(
        "Malformed CacheManager URI '" + redacted(uri) + "': " + why);
  }

  private static MemJCacheSettings build(
      URI uri, Map<String, Value> values, OptionLocation allowLocation) {
    List<InetSocketAddress> serverList = TopologyOptions.servers(uri, values);
    MemJCacheSettings.Topology topology = TopologyOptions.parse(values);

    long operationTimeout = MemJCacheSettings.DEFAULT_OPERATION_TIMEOUT_MILLIS;
    long connectTimeout = MemJCacheSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS;
    String keyPrefix = MemJCacheSettings.DEFAULT_KEY_PREFIX;
    FailureMode failureMode = FailureMode.FAIL;
    List<String> allowPackages = List.of();
    long generationRefresh = MemJCacheSettings.DEFAULT_GENERATION_REFRESH_MILLIS;
    int exptimeMargin = MemJCacheSettings.DEFAULT_EXPTIME_MARGIN_SECONDS;
    Value username = values.get(USERNAME);
    Value password = values.get(PASSWORD);
    Map<String, CacheDefaultsBuilder> perCache = new LinkedHashMap<>();
    int serverFailureLimit = MemJCacheSettings.DEFAULT_SERVER_FAILURE_LIMIT;
    long serverRetry = MemJCacheSettings.DEFAULT_SERVER_RETRY_MILLIS;
    int reconnectDelay = MemJCacheSettings.DEFAULT_RECONNECT_DELAY_SECONDS;
    int maxAsync = MemJCacheSettings.DEFAULT_MAX_ASYNC_OPERATIONS;
    AsyncCompletion asyncCompletion = AsyncCompletion.THREAD;
    MemcachedProtocol protocol = MemcachedProtocol.BINARY;

    for (Map.Entry<String, Value> e : values.entrySet()) {
      String key = e.getKey();
      String text = e.getValue().text();
      String source = e.getValue().source();
      if (TlsOptions.NAMES.contains(key) || TopologyOptions.NAMES.contains(key)) {
        continue; // TlsOptions.parse, TopologyOptions.parse
      }
      switch (key) {
        case SERVERS, USERNAME, PASSWORD -> {}
        case OPERATION_TIMEOUT_MILLIS ->
            operationTimeout = OptionValues.millis(key, text, source, 1);
        case CONNECT_TIMEOUT_MILLIS -> connectTimeout = OptionValues.millis(key, text, source, 1);
        case GENERATION_REFRESH_MILLIS ->
            generationRefresh = OptionValues.millis(key, text, source, 0);
        case KEY_PREFIX -> keyPrefix = OptionValues.keyPrefix(key, text, source);
        case FAILURE_MODE -> failureMode = OptionValues.failureMode(key, text, source);
        case ALLOW_PACKAGES -> allowPackages = OptionValues.allowPackages(key, text, source);
        case EXPTIME_MARGIN_SECONDS ->
            exptimeMargin = OptionValues.exptimeMarginSeconds(key, text, source);
        case SERVER_FAILURE_LIMIT ->
            serverFailureLimit = OptionValues.wholeNumber(key, text, source, 1, 1000);
        case SERVER_RETRY_MILLIS -> serverRetry = OptionValues.millis(key, text, source, 1);
        case RECONNECT_DELAY_SECONDS ->
            reconnectDelay = OptionValues.wholeNumber(key, text, source, 1, 3600);
        case MAX_ASYNC_OPERATIONS ->
            maxAsync = OptionValues.wholeNumber(key, text, source, 1, 1_000_000);
        case ASYNC_COMPLETION -> asyncCompletion = OptionValues.asyncCompletion(key, text, source);
        case PROTOCOL -> protocol = OptionValues.protocol(key, text, source);
        default -> {
          CacheKey cacheKey = cacheKey(key);
          CacheDefaultsBuilder b =
              perCache.computeIfAbsent(cacheKey.cacheName(), n -> new CacheDefaultsBuilder());
          switch (cacheKey.option()) {
            case CacheDefaults.EXPIRY -> b.expiry = OptionValues.expiry(key, text, source);
            case CacheDefaults.STATISTICS -> b.statistics = OptionValues.bool(key, text, source);
            case CacheDefaults.MANAGEMENT -> b.management = OptionValues.bool(key, text, source);
            case CacheDefaults.LOAD_LEASE_MILLIS ->
                b.loadLease = OptionValues.loadLeaseMillis(key, text, source);
            default -> throw new IllegalStateException(key);
          }
        }
      }
    }
    protocol = TopologyOptions.protocol(topology, values, protocol);
    Credentials credentials = credentials(username, password);
    if (credentials.isPresent() && protocol != MemcachedProtocol.BINARY) {
      throw new IllegalArgumentException(
          "Option "
              + USERNAME
              + " ("
              + username.source()
              + ") needs protocol=binary, but "
              + PROTOCOL
              + "="
              + protocol.optionValue()
              + " ("
              + values.get(PROTOCOL).source()
              + "): memcached offers SASL authentication only over the binary protocol; remove"
              + " username and password, or use protocol=binary");
    }
    Map<String, CacheDefaults> cacheDefaults = new LinkedHashMap<>();
    perCache.forEach((name, b) -> cacheDefaults.put(name, b.build()));
    return new MemJCacheSettings(
        serverList,
        operationTimeout,
        connectTimeout,
        keyPrefix,
        failureMode,
        allowPackages,
        generationRefresh,
        exptimeMargin,
        cacheDefaults,
        allowLocation,
        credentials,
        new MemJCacheSettings.ServerHealth(serverFailureLimit, serverRetry, reconnectDelay),
        maxAsync,
        asyncCompletion,
        protocol,
        topology,
        TlsOptions.parse(values));
  }

  /** Both options or neither; messages name where each came from, never the password. */
  private static Credentials credentials(Value username, Value password) {
    if (username == null && password == null) {
      return Credentials.NONE;
    }
    if (username == null || password == null) {
      throw new IllegalArgumentException(
          "Option "
              + (username == null ? PASSWORD : USERNAME)
              + " is given ("
              + (username == null ? password : username).source()
              + ") but "
              + (username == null ? USERNAME : PASSWORD)
              + " is not: SASL authentication needs both");
    }
    return Credentials.of(username.text(), password.text());
  }

  private static final class CacheDefaultsBuilder {
    OptionValues.Expiry expiry;
    Boolean statistics;
    Boolean management;
    Long loadLease;

    CacheDefaults build() {
      return new CacheDefaults(
          expiry == null ? null : expiry.spec(),
          expiry == null ? null : expiry.factory(),
          statistics,
          management,
          loadLease);
    }
  }
}
