package dev.memjcache.config;

import static dev.memjcache.config.MemJCacheSettings.ALLOW_PACKAGES;
import static dev.memjcache.config.MemJCacheSettings.CONNECT_TIMEOUT_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.EXPTIME_MARGIN_SECONDS;
import static dev.memjcache.config.MemJCacheSettings.FAILURE_MODE;
import static dev.memjcache.config.MemJCacheSettings.GENERATION_REFRESH_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.KEY_PREFIX;
import static dev.memjcache.config.MemJCacheSettings.OPERATION_TIMEOUT_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.RECONNECT_DELAY_SECONDS;
import static dev.memjcache.config.MemJCacheSettings.SERVER_FAILURE_LIMIT;
import static dev.memjcache.config.MemJCacheSettings.SERVER_RETRY_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.SERVERS;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.cache.CacheException;

/**
 * Turns a CacheManager URI plus the Properties given to {@code CachingProvider.getCacheManager}
 * into {@link MemJCacheSettings} (DESIGN.md "Configuration"). Stateless and thread-safe.
 *
 * <p>Options: {@code operationTimeoutMillis}, {@code connectTimeoutMillis},
 * {@code generationRefreshMillis} (plain milliseconds or {@code <n><ms|s|m|h|d>}),
 * {@code keyPrefix}, {@code failureMode}, {@code allowPackages}, {@code exptimeMarginSeconds},
 * {@code serverFailureLimit}, {@code serverRetryMillis} (a duration), {@code reconnectDelaySeconds}, and
 * the per-cache {@code cache.<name>.expiry|statistics|management} described by
 * {@link CacheDefaults}. A properties file also holds {@code servers}.
 */
public final class SettingsParser {

    /** System property naming the default servers or URI; see {@link #defaultUri()}. */
    public static final String SERVERS_SYSTEM_PROPERTY = "memjcache.servers";
    /** Environment variable naming the default servers or URI; see {@link #defaultUri()}. */
    public static final String SERVERS_ENVIRONMENT_VARIABLE = "MEMJCACHE_SERVERS";
    /** The default URI when neither the system property nor the environment variable is set. */
    public static final URI FALLBACK_URI = URI.create("memcached://127.0.0.1:11211");

    private static final List<String> OPTIONS = List.of(OPERATION_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS,
            KEY_PREFIX, FAILURE_MODE, ALLOW_PACKAGES, GENERATION_REFRESH_MILLIS, EXPTIME_MARGIN_SECONDS,
            SERVER_FAILURE_LIMIT, SERVER_RETRY_MILLIS, RECONNECT_DELAY_SECONDS);
    private static final List<String> CACHE_OPTIONS = List.of(
            CacheDefaults.EXPIRY, CacheDefaults.STATISTICS, CacheDefaults.MANAGEMENT);
    private static final String CALLER_PROPERTIES = "Properties passed to getCacheManager";
    /** One or more {@code host[:port]} / {@code [v6][:port]} entries: a bare server list, not a URI. */
    private static final Pattern BARE_SERVERS = Pattern.compile(
            "\\s*(\\[[^\\]]*\\]|[^:,\\[\\]/?#]+)(:\\d*)?\\s*(,\\s*(\\[[^\\]]*\\]|[^:,\\[\\]/?#]+)(:\\d*)?\\s*)*");

    private SettingsParser() {
    }

    /**
     * The provider's default URI ({@code CachingProvider.getDefaultURI()}, JSR-107 section 11.2):
     * the system property {@value #SERVERS_SYSTEM_PROPERTY}, then the environment variable
     * {@value #SERVERS_ENVIRONMENT_VARIABLE}, then {@code memcached://127.0.0.1:11211}. Blank
     * values are skipped. A value is either a full URI ({@code memcached://...}, {@code file:...},
     * {@code classpath:...}) or a bare {@code host:port[,host:port...]} list, which becomes
     * {@code memcached://<list>} (with a multi-server list's IPv6 brackets written as {@code %5B}
     * and {@code %5D}, since {@link URI} refuses them there).
     *
     * @return the URI; its content is only checked by {@link #parse}
     * @throws IllegalArgumentException if the chosen value is neither a URI nor a valid server
     *         list; the message names the system property or environment variable
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
            throw new IllegalArgumentException("Bad value '" + value + "' of " + source
                    + ": expected a URI (memcached://host:port[,host:port...][?option=value...], file:..., "
                    + "classpath:...) or a host:port[,host:port...] list: " + e.getMessage(), e);
        }
    }

    /**
     * Parses the settings of one CacheManager.
     *
     * <p>{@code uri} is one of:
     * <ul>
     *   <li>{@code memcached://host[:port][,host[:port]...][?option=value&...]}: the port defaults
     *       to 11211; IPv6 literals are bracketed ({@code [::1]:11211}; with several servers write
     *       the brackets as {@code %5B}/{@code %5D}, which {@link URI} requires). Query names and
     *       values are percent-decoded as UTF-8 ({@code '+'} stays a plus). No user information,
     *       path or fragment.</li>
     *   <li>{@code file:/path/x.properties} (or {@code file:relative.properties}) or
     *       {@code classpath:name.properties}: a properties file, read as UTF-8, with the key
     *       {@code servers} ({@code host:port[,host:port...]}) and the options. {@code classpath:}
     *       names resolve through {@code classLoader} (a leading {@code '/'} is ignored). These
     *       URIs take no query.</li>
     * </ul>
     * Unknown option names in the URI query or the properties file are an error. In
     * {@code properties}, {@code servers}, the option names and well-formed
     * {@code cache.<name>.<option>} keys override the URI's; every other key is ignored, since
     * the caller may share the Properties with other frameworks.
     *
     * @param uri the CacheManager URI; {@code null} means {@link #defaultUri()}
     * @param properties the caller's Properties; may be {@code null}
     * @param classLoader resolves {@code classpath:} URIs; {@code null} means the thread's
     *        context class loader, else this library's
     * @return the settings, never null
     * @throws IllegalArgumentException for an unsupported scheme or malformed URI, a missing
     *         properties file or resource, unknown options (the message names every unknown one
     *         and lists the known ones), a bad value (naming the option, the value and where it
     *         came from), or when no servers are given
     * @throws CacheException if an existing properties file or resource cannot be read
     */
    public static MemJCacheSettings parse(URI uri, Properties properties, ClassLoader classLoader) {
        URI target = uri != null ? uri : defaultUri();
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        Map<String, Value> values = new LinkedHashMap<>();
        switch (scheme) {
            case "memcached" -> readMemcachedUri(target, values);
            case "file" -> readProperties(target, values, loadFile(target), "properties file " + target);
            case "classpath" -> readProperties(target, values, loadResource(target, classLoader),
                    "classpath resource " + target);
            default -> throw new IllegalArgumentException("Unsupported CacheManager URI '" + target
                    + "': expected memcached://host:port[,host:port...][?option=value...], "
                    + "file:<path of a .properties file> or classpath:<resource name of a .properties file>");
        }
        if (properties != null) {
            for (String key : new TreeSet<>(properties.stringPropertyNames())) {
                if (key.equals(SERVERS) || isKnownOption(key)) {
                    values.put(key, new Value(properties.getProperty(key), CALLER_PROPERTIES));
                }
            }
        }
        return build(target, values);
    }

    private record Value(String text, String source) {
    }

    private record CacheKey(String cacheName, String option) {
    }

    private static boolean isKnownOption(String key) {
        return OPTIONS.contains(key) || cacheKey(key) != null;
    }

    /** Splits {@code cache.<name>.<option>}; the name may contain dots, the option is the last segment. */
    private static CacheKey cacheKey(String key) {
        if (!key.startsWith(CacheDefaults.PREFIX)) {
            return null;
        }
        int lastDot = key.lastIndexOf('.');
        String name = key.substring(CacheDefaults.PREFIX.length(), Math.max(lastDot, CacheDefaults.PREFIX.length()));
        String option = key.substring(lastDot + 1);
        return name.isEmpty() || !CACHE_OPTIONS.contains(option) ? null : new CacheKey(name, option);
    }

    private static void readMemcachedUri(URI uri, Map<String, Value> values) {
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
            throw malformed(uri, "a memcached URI has no fragment, found '#" + uri.getRawFragment() + "'");
        }
        if (authority != null) {
            values.put(SERVERS, new Value(OptionValues.percentDecode(authority, "the servers of " + uri),
                    "URI " + uri));
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
                throw new IllegalArgumentException("Option " + name + " has no value (" + source
                        + "): write " + name + "=<value>");
            } else if (values.containsKey(name)) {
                throw new IllegalArgumentException("Option " + name + " is given twice (" + source + ")");
            } else {
                values.put(name, new Value(OptionValues.percentDecode(pair.substring(eq + 1), source), source));
            }
        }
        rejectUnknown(unknown, source, false);
    }

    private static void readProperties(URI uri, Map<String, Value> values, Properties file, String source) {
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
        throw new IllegalArgumentException((unknown.size() == 1 ? "Unknown option " : "Unknown options ")
                + String.join(", ", unknown) + " (" + source + "); known options: " + String.join(", ", known));
    }

    private static Properties loadFile(URI uri) {
        if (uri.getRawQuery() != null || (uri.isOpaque() && uri.getRawSchemeSpecificPart().contains("?"))) {
            throw malformed(uri, "a file: URI takes no query; put the options in the properties file");
        }
        Path path;
        try {
            path = uri.isOpaque() ? Path.of(uri.getSchemeSpecificPart()) : Path.of(uri);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw malformed(uri, e.getMessage());
        }
        try (InputStream in = Files.newInputStream(path)) {
            return load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Properties file " + path.toAbsolutePath()
                    + " of CacheManager URI '" + uri + "' does not exist", e);
        } catch (IOException e) {
            throw new CacheException("Cannot read properties file " + path.toAbsolutePath()
                    + " of CacheManager URI '" + uri + "': " + e, e);
        }
    }

    private static Properties loadResource(URI uri, ClassLoader classLoader) {
        String ssp = uri.getSchemeSpecificPart();
        if (ssp.contains("?")) {
            throw malformed(uri, "a classpath: URI takes no query; put the options in the properties file");
        }
        String name = ssp.replaceFirst("^/+", "");
        if (name.isEmpty()) {
            throw malformed(uri, "expected classpath:<resource name>");
        }
        ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = SettingsParser.class.getClassLoader();
        }
        URL url = loader.getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("Classpath resource '" + name + "' of CacheManager URI '" + uri
                    + "' not found by class loader " + loader);
        }
        try (InputStream in = url.openStream()) {
            return load(in);
        } catch (IOException e) {
            throw new CacheException("Cannot read classpath resource " + url + " of CacheManager URI '"
                    + uri + "': " + e, e);
        }
    }

    private static Properties load(InputStream in) throws IOException {
        Properties p = new Properties();
        // UTF-8 (replacing malformed bytes) rather than Properties' ISO-8859-1, like resource bundles.
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(reader);
        }
        return p;
    }

    private static IllegalArgumentException malformed(URI uri, String why) {
        return new IllegalArgumentException("Malformed CacheManager URI '" + uri + "': " + why);
    }

    private static MemJCacheSettings build(URI uri, Map<String, Value> values) {
        Value servers = values.get(SERVERS);
        if (servers == null) {
            throw new IllegalArgumentException("No memcached servers given for CacheManager URI '" + uri
                    + "': name them in the URI (memcached://host:port[,host:port...]) or with the key "
                    + SERVERS + "=host:port[,host:port...] in the properties file or Properties");
        }
        List<InetSocketAddress> serverList = OptionValues.servers(servers.text(), servers.source());

        long operationTimeout = MemJCacheSettings.DEFAULT_OPERATION_TIMEOUT_MILLIS;
        long connectTimeout = MemJCacheSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS;
        String keyPrefix = MemJCacheSettings.DEFAULT_KEY_PREFIX;
        FailureMode failureMode = FailureMode.FAIL;
        List<String> allowPackages = List.of();
        long generationRefresh = MemJCacheSettings.DEFAULT_GENERATION_REFRESH_MILLIS;
        int exptimeMargin = MemJCacheSettings.DEFAULT_EXPTIME_MARGIN_SECONDS;
        Map<String, CacheDefaultsBuilder> perCache = new LinkedHashMap<>();
        int serverFailureLimit = MemJCacheSettings.DEFAULT_SERVER_FAILURE_LIMIT;
        long serverRetry = MemJCacheSettings.DEFAULT_SERVER_RETRY_MILLIS;
        int reconnectDelay = MemJCacheSettings.DEFAULT_RECONNECT_DELAY_SECONDS;

        for (Map.Entry<String, Value> e : values.entrySet()) {
            String key = e.getKey();
            String text = e.getValue().text();
            String source = e.getValue().source();
            switch (key) {
                case SERVERS -> { }
                case OPERATION_TIMEOUT_MILLIS -> operationTimeout = OptionValues.millis(key, text, source, 1);
                case CONNECT_TIMEOUT_MILLIS -> connectTimeout = OptionValues.millis(key, text, source, 1);
                case GENERATION_REFRESH_MILLIS -> generationRefresh = OptionValues.millis(key, text, source, 0);
                case KEY_PREFIX -> keyPrefix = OptionValues.keyPrefix(key, text, source);
                case FAILURE_MODE -> failureMode = OptionValues.failureMode(key, text, source);
                case ALLOW_PACKAGES -> allowPackages = OptionValues.allowPackages(key, text, source);
                case EXPTIME_MARGIN_SECONDS -> exptimeMargin = OptionValues.exptimeMarginSeconds(key, text, source);
                case SERVER_FAILURE_LIMIT -> serverFailureLimit = OptionValues.wholeNumber(key, text, source, 1, 1000);
                case SERVER_RETRY_MILLIS -> serverRetry = OptionValues.millis(key, text, source, 1);
                case RECONNECT_DELAY_SECONDS -> reconnectDelay = OptionValues.wholeNumber(key, text, source, 1, 3600);
                default -> {
                    CacheKey cacheKey = cacheKey(key);
                    CacheDefaultsBuilder b = perCache.computeIfAbsent(cacheKey.cacheName(), n -> new CacheDefaultsBuilder());
                    switch (cacheKey.option()) {
                        case CacheDefaults.EXPIRY -> b.expiry = OptionValues.expiry(key, text, source);
                        case CacheDefaults.STATISTICS -> b.statistics = OptionValues.bool(key, text, source);
                        case CacheDefaults.MANAGEMENT -> b.management = OptionValues.bool(key, text, source);
                        default -> throw new IllegalStateException(key);
                    }
                }
            }
        }
        Map<String, CacheDefaults> cacheDefaults = new LinkedHashMap<>();
        perCache.forEach((name, b) -> cacheDefaults.put(name, b.build()));
        return new MemJCacheSettings(serverList, operationTimeout, connectTimeout, keyPrefix, failureMode,
                allowPackages, generationRefresh, exptimeMargin, cacheDefaults,
                new MemJCacheSettings.ServerHealth(serverFailureLimit, serverRetry, reconnectDelay));
    }

    private static final class CacheDefaultsBuilder {
        OptionValues.Expiry expiry;
        Boolean statistics;
        Boolean management;

        CacheDefaults build() {
            return new CacheDefaults(expiry == null ? null : expiry.spec(),
                    expiry == null ? null : expiry.factory(), statistics, management);
        }
    }
}
